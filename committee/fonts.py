"""The font resolutions embed: Noto Sans CJK JP, cut down once to the characters Japanese and
English documents use, so a resolution renders in a fraction of a second.

The full font (Debian's fonts-noto-cjk, 65,535 glyphs) takes seconds to load and subset on
every document. A reduced copy (Latin, punctuation, kana, full-width forms and the 6,355 kanji
of JIS X 0208) is built once into ``ACCORD_FONT_CACHE_DIR`` and used whenever it covers the
text; a document with a rarer character is rendered with the full font instead.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fontTools import subset, ttLib

from core.errors import InvalidState

# Bump when the character set changes, so an old cached file is not used.
REDUCED_VERSION = 1
_RANGES = (
    (0x20, 0x7F),  # ASCII
    (0xA0, 0x180),  # Latin-1 and Latin Extended-A
    (0x2000, 0x2070),  # general punctuation (dashes, quotes, bullets)
    (0x20A0, 0x20C0),  # currency signs
    (0x2100, 0x2200),  # letter-like symbols, arrows
    (0x3000, 0x3100),  # CJK punctuation, hiragana, katakana
    (0xFF00, 0xFFF0),  # full-width forms
)


def reduced_characters() -> set[int]:
    chars = {code for start, end in _RANGES for code in range(start, end)}
    for code in range(0x4E00, 0xA000):
        try:
            chr(code).encode("shift_jis")
        except UnicodeEncodeError:
            continue
        chars.add(code)
    return chars


def full_font() -> Path:
    path = Path(settings.ACCORD_RESOLUTION_FONT)
    if not path.is_file():
        raise InvalidState(
            _("The resolution font is not installed (%(path)s): run make run or make test.")
            % {"path": path}
        )
    return path


@lru_cache(maxsize=2)
def reduced_font(source: str | None = None) -> Path:
    """The reduced font's path, built from the full font on first use (atomically)."""
    source_path = Path(source) if source else full_font()
    stat = source_path.stat()
    directory = Path(settings.ACCORD_FONT_CACHE_DIR)
    target = directory / f"{source_path.stem}-reduced-v{REDUCED_VERSION}-{stat.st_size}.otf"
    if target.is_file():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    font = ttLib.TTFont(str(source_path), fontNumber=0, lazy=True, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=reduced_characters())
    subsetter.subset(font)
    handle, partial = tempfile.mkstemp(dir=directory, suffix=".partial")
    os.close(handle)
    try:
        font.save(partial)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target
