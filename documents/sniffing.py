"""What a file is, judged by its content and never by its name: pure functions, no ORM.

Allowed (docs/documents.md): PDF, XLSX, DOCX, PPTX, CSV, PNG and JPEG. Office files are zip
containers: a zip is taken as one of the three only if its ``[Content_Types].xml`` declares
that format's main part and the part is in the archive (macro-enabled variants and anything
carrying a VBA project are refused). CSV is UTF-8 text with no NUL byte that parses as CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree

CHUNK = 64 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class FileType:
    key: str  # pdf, xlsx, docx, pptx, csv, png, jpeg
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "PDF", "application/pdf", (".pdf",))
PNG = FileType("png", "PNG", "image/png", (".png",))
JPEG = FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
CSV = FileType("csv", "CSV", "text/csv", (".csv", ".txt"))
DOCX = FileType(
    "docx",
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileType(
    "pptx",
    "PPTX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ALLOWED = (PDF, XLSX, DOCX, PPTX, CSV, PNG, JPEG)
BY_CONTENT_TYPE = {file_type.content_type: file_type for file_type in ALLOWED}

# The content type [Content_Types].xml gives the main part of each Office format.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}


def _head(stream: BinaryIO, size: int) -> bytes:
    stream.seek(0)
    data = stream.read(size)
    stream.seek(0)
    return data


def _ooxml(stream: BinaryIO) -> FileType | None:
    """The Office format of a zip container, or None if it is not a plain DOCX/XLSX/PPTX."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            root = ElementTree.fromstring(archive.read(info))
    except (
        zipfile.BadZipFile,
        zlib.error,  # a damaged compressed part
        ElementTree.ParseError,
        OSError,
        ValueError,
        RuntimeError,
    ):
        return None
    finally:
        stream.seek(0)
    if root.tag != f"{CONTENT_TYPES_NS}Types":
        return None
    found: set[FileType] = set()
    for override in root.iter(f"{CONTENT_TYPES_NS}Override"):
        file_type = OOXML_MAIN_PARTS.get(override.get("ContentType", ""))
        part = override.get("PartName", "").lstrip("/")
        if file_type is not None and part in names:
            found.add(file_type)
    return found.pop() if len(found) == 1 else None


def _csv(stream: BinaryIO) -> FileType | None:
    """CSV: UTF-8 text (a BOM is fine), no NUL byte, at least one row, parses strictly."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    parts: list[str] = []
    try:
        while chunk := stream.read(CHUNK):
            if b"\x00" in chunk:
                return None
            parts.append(decoder.decode(chunk))
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return None
    finally:
        stream.seek(0)
    text = "".join(parts)
    if not text.strip():
        return None
    try:
        rows = sum(1 for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row)
    except csv.Error:
        return None
    return CSV if rows else None


def sniff(stream: BinaryIO) -> FileType | None:
    """The allowed type of the file's content, or None for anything else."""
    head = _head(stream, 16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(stream)
    return _csv(stream)


def extension_fits(filename: str, file_type: FileType) -> bool:
    """Whether the name's extension agrees with the content (no extension: it does)."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." not in name.strip("."):
        return True
    return "." + name.rsplit(".", 1)[-1].lower() in file_type.extensions
