"""Types are judged by content, never by name (docs/documents.md)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents import sniffing
from tests.documents import files


def sniff(data: bytes):
    return sniffing.sniff(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (files.PDF, "pdf"),
        (files.png(), "png"),
        (files.JPEG, "jpeg"),
        (files.CSV, "csv"),
        ("\ufeffa,b\n1,2\n".encode(), "csv"),
        (files.ooxml("docx"), "docx"),
        (files.ooxml("xlsx"), "xlsx"),
        (files.ooxml("pptx"), "pptx"),
        (files.xlsx_from_openpyxl(), "xlsx"),
    ],
)
def test_it_recognises_every_allowed_type_by_content(data, key):
    assert sniff(data).key == key


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(files.ELF, id="elf-executable"),
        pytest.param(files.EXE, id="windows-executable"),
        pytest.param(b"", id="empty"),
        pytest.param(b"a,b\n\x00\x01,2\n", id="text-with-nul"),
        pytest.param("a,b\n1,2\n".encode("utf-16"), id="utf-16-text"),
        pytest.param(b"\xff\xfe\xfa garbage \x80\x81", id="not-utf-8"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
        pytest.param(b'a,"b\n', id="unterminated-quote"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
    ],
)
def test_it_refuses_content_that_is_none_of_the_allowed_types(data):
    assert sniff(data) is None


def test_it_refuses_a_zip_that_is_not_an_office_document():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", files.EXE)
    assert sniff(buffer.getvalue()) is None


def test_it_refuses_macro_enabled_office_files():
    macro_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert sniff(files.ooxml("docx", content_type=macro_type)) is None
    with_vba = files.ooxml("xlsx", extra={"xl/vbaProject.bin": files.EXE})
    assert sniff(with_vba) is None


def test_it_refuses_a_container_whose_main_part_is_missing():
    data = files.ooxml("docx")
    # Point the override at a part that is not in the archive.
    broken = files.ooxml(
        "docx",
        content_type="application/vnd.openxmlformats-officedocument"
        ".wordprocessingml.document.main+xml",
    ).replace(b"word/document.xml", b"word/missing__.xml")
    assert sniff(data).key == "docx"
    assert sniff(broken) is None


@pytest.mark.parametrize(
    ("name", "fits"),
    [
        ("term-sheet.pdf", True),
        ("TERM-SHEET.PDF", True),
        ("model.xlsx", False),
        ("no-extension", True),
        ("installer.pdf.exe", False),
        ("C:\\Users\\ken\\sheet.pdf", True),
    ],
)
def test_the_name_must_agree_with_the_content(name, fits):
    assert sniffing.extension_fits(name, sniffing.PDF) is fits


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_get_an_answer_and_never_an_exception(data):
    result = sniff(data)
    assert result is None or result in sniffing.ALLOWED
