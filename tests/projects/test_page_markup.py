"""Markup that assistive technology relies on: ids used once per page, every id that
aria-describedby names printed on the page, and no script or style inline (the CSP)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.described_by: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        self.described_by += (attrs.get("aria-describedby") or "").split()


def ids_of(response) -> Ids:
    parser = Ids()
    parser.feed(response.content.decode())
    return parser


def assert_sound(response) -> None:
    page = ids_of(response)
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    assert not duplicates, f"ids used twice: {duplicates}"
    dangling = sorted(set(page.described_by) - set(page.ids))
    assert not dangling, f"aria-describedby names ids the page does not print: {dangling}"


@pytest.mark.django_db
def test_the_review_and_note_forms_of_one_page_share_no_id(make_proposal, jp_member):
    proposal = make_proposal("voting")
    client = Client()
    client.force_login(jp_member)

    response = client.get(f"/proposals/{proposal.pk}/")

    html = response.content.decode()
    assert 'id="id_review_visibility_0"' in html and 'id="id_note_visibility_0"' in html
    assert 'id="id_vote_choice_0"' in html
    assert_sound(response)


@pytest.mark.django_db
def test_help_and_errors_are_printed_with_the_ids_the_fields_point_at(sponsor_softbank):
    client = Client()
    client.force_login(sponsor_softbank)

    blank = client.get("/proposals/new/")
    refused = client.post("/proposals/new/", {"title": "x" * 500, "amount_requested": "-5"})

    assert "_helptext" in blank.content.decode()
    assert_sound(blank)
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.content.decode()
    assert_sound(refused)


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path for path in Path(settings.BASE_DIR).glob("*/templates") if path.is_dir()
]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
]


def test_page_templates_hold_no_inline_script_or_style():
    """Pages keep their script and style in static files (a strict Content-Security-Policy);
    mail templates are exempt, as mail readers ignore style sheets."""
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            if "/mail/" in path.as_posix():
                continue
            text = path.read_text(encoding="utf-8")
            found += [f"{path}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert not found, "\n".join(found)
