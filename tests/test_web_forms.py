"""Every form the web UI shows, filled with bad input by each kind of user: never a 500.

On the demo data (``seed_demo``, then ``seed_financing``), one user of each kind follows the
pages' own links from the home page, collects every form on the pages reached, and submits
each one: the values the page filled in with one field at a time replaced by a hostile value,
then every field hostile at once, then nothing at all. Filter forms (``GET``) get the same
per field. A form that answers 5xx, or whose view raises, fails the test by user, form and
value. Each user must also find the forms of their role, so the crawl cannot pass by finding
nothing.
"""

from __future__ import annotations

import random
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

HOSTILE = [
    "",
    " ",
    "x" * 20_000,
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "9" * 40,
    "１２３",
    "１，０００",
    "1,000",
    "-0.000001",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "\x00",
    "<script>alert(1)</script>",
    "'; DROP TABLE projects_proposal; --",
    "😀",
    "abc",
]
# Not pages of Accord's own, or ones that end the session.
SKIP = ("/accounts/", "/i18n/", "/admin/", "/api/", "/static/", "/media/")
MAX_PAGES = 60
PER_FIELD = 2

# One user of each kind, and the forms (by URL name) each must meet on the demo data.
USERS = {
    "us-chair": {"vote-cast", "note-create", "conflict-create", "condition-create"},
    "jp-member-1": {"vote-cast", "note-create", "review-create", "conflict-create"},
    "us-staff": {
        "proposal-action",
        "exposure-fx-rate",
        "fx-rate-create",
        "instrument-create",
        "transaction-create",
        "distribution-create",
        "condition-satisfy",
    },
    "us-observer": {"account"},
    "mhi": {"proposal-create", "proposal-edit", "proposal-action", "document-upload"},
}


class PageParser(HTMLParser):
    """The links and forms of one page, with the values a browser would submit unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action", ""), "method": method, "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "option" and self._select and not fields[self._select]:
            fields[self._select] = a.get("value", "")  # the first option with a value
        elif not a.get("name"):
            return
        elif tag in ("input", "textarea") and a.get("type") != "file":
            checkable = a.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in a or a["name"] not in fields:
                fields[a["name"]] = a.get("value", "") if not checkable or "checked" in a else ""
        elif tag == "select":
            self._select = a["name"]
            fields[a["name"]] = ""
        elif tag == "button":
            fields.setdefault(a["name"], a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


def crawl(client: Client) -> tuple[int, list[dict]]:
    """Follow the pages' links from home; every form found, with its page and absolute action."""
    seen: set[str] = set()
    queue = ["/"]
    forms: list[dict] = []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, f"GET {path}: {response.status_code}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            form["page"] = path
            form["action"] = urlsplit(urljoin(path, form["action"] or path)).path
            forms.append(form)
        for href in parser.links:
            target = urlsplit(urljoin(path, href))
            if target.netloc in ("", "testserver") and not target.path.startswith(SKIP):
                queue.append(target.path)
    return len(seen), forms


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_financing", stdout=StringIO())


@pytest.mark.parametrize("username", list(USERS))
def test_no_form_answers_bad_input_with_a_server_error(demo, username):
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    pages, forms = crawl(client)
    posts = {}
    for form in forms:
        if form["method"] == "post" and not form["action"].startswith(SKIP):
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            posts.setdefault((form["action"], tuple(sorted(fields))), fields)
    found = {url_name(action) for action, _ in posts}
    assert USERS[username] <= found, f"{username} met no {sorted(USERS[username] - found)} form"

    rng = random.Random(f"{username}-forms")
    failures = []

    def submit(method: str, action: str, data: dict) -> None:
        response = getattr(client, method)(action, data)
        if response.status_code >= 500:
            shown = {k: (v if len(v) < 40 else f"{v[:20]}…({len(v)})") for k, v in data.items()}
            failures.append(f"{method.upper()} {action} {shown}: {response.status_code}")

    for (action, _names), fields in posts.items():
        for name in fields:
            for value in rng.sample(HOSTILE, PER_FIELD):
                submit("post", action, {**fields, name: value})
        submit("post", action, {name: rng.choice(HOSTILE) for name in fields})
        submit("post", action, {})
    filters = {(f["action"], tuple(sorted(f["fields"]))): f for f in forms if f["method"] == "get"}
    for form in filters.values():
        for name in form["fields"]:
            for value in rng.sample(HOSTILE, PER_FIELD):
                submit("get", form["action"], {**form["fields"], name: value})
    assert not failures, f"{username}: {len(failures)} of the forms on {pages} pages:\n" + (
        "\n".join(failures[:20])
    )
