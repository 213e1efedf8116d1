"""An upload handler that drops a file past ``ACCORD_MAX_UPLOAD_BYTES`` while it streams in.

It runs first (``FILE_UPLOAD_HANDLERS``), so an oversized file is neither kept in memory nor
spooled whole to a temporary file. The file is skipped and its field named on the request
(``oversized_uploads``): the views answer "too large" instead of "missing".
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def oversized_uploads(request) -> dict[str, str]:
    """The file fields this request's upload handler dropped for size: ``{field: name}``."""
    return getattr(request, "accord_oversized_uploads", {})


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.ACCORD_MAX_UPLOAD_BYTES:
            if self.request is not None:
                dropped = self.request.__dict__.setdefault("accord_oversized_uploads", {})
                dropped[self.field_name] = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
