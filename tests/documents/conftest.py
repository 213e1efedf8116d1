"""Each documents test gets its own empty MEDIA_ROOT, so "nothing stored" can be checked."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """A page request in Japanese leaves the thread in Japanese: start each test in English."""
    translation.activate("en")
    yield
    translation.activate("en")
