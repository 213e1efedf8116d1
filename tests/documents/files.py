"""Small real files of every allowed type, and a few that must be refused, built in memory."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# The first bytes of an ELF executable and of a Windows PE file.
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x90" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
CSV = "project,amount,currency\nKansas storage,4000000000,USD\n東京,1,JPY\n".encode()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

MAIN_PARTS = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def ooxml(kind: str, *, content_type: str | None = None, extra: dict | None = None) -> bytes:
    """A minimal Office container: [Content_Types].xml, _rels/.rels and the main part."""
    part, main_type = MAIN_PARTS[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type or main_type}"/>'
        "</Types>"
    )
    buffer = io.BytesIO()
    members = {"[Content_Types].xml": types, "_rels/.rels": "<Relationships/>", part: "<main/>"}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**members, **(extra or {})}.items():
            # A fixed time: two calls give the same bytes, even across a second's boundary.
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def xlsx_from_openpyxl() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["year", "cash flow"])
    book.active.append([2027, 125])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def term_sheet() -> SimpleUploadedFile:
    return upload("term-sheet.pdf", PDF)


def stored_names(prefix: str = "documents") -> list[str]:
    """Every file under ``prefix`` in the default storage (local or S3)."""
    found: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = default_storage.listdir(path)
        except FileNotFoundError:
            return
        found.extend(f"{path}/{name}" for name in files)
        for directory in dirs:
            walk(f"{path}/{directory}")

    walk(prefix)
    return sorted(found)


def attach_directly(proposal, user, *, data: bytes = PDF, title: str = "Term sheet"):
    """A document row and its file, bypassing the service (for worlds built past ``draft``)."""
    from documents.models import Document, Party, document_path

    document = Document(
        proposal=proposal,
        kind="term_sheet",
        title=title,
        filename="term-sheet.pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        uploaded_by=user,
        party=Party.SPONSOR,
    )
    document.file.name = default_storage.save(
        document_path(document, document.filename), ContentFile(data)
    )
    document.save()
    return document
