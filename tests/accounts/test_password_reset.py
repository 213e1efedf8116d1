"""Password reset by mail (Django's views, EN and JA): the same answer whether or not the
address is on record; the link works once and expires."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD


def ask(client: Client, email: str, capture, language: str = "en"):
    with capture(execute=True):
        return client.post(
            "/accounts/password/reset/", {"email": email}, HTTP_ACCEPT_LANGUAGE=language
        )


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


def test_the_answer_is_the_same_whether_or_not_the_address_exists(
    db, us_member, django_capture_on_commit_callbacks
):
    known = ask(Client(), us_member.email, django_capture_on_commit_callbacks)
    unknown = ask(Client(), "nobody@example.org", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    assert [m.to for m in mail.outbox] == [[us_member.email]]


def test_the_link_sets_a_new_password_once(db, us_member, django_capture_on_commit_callbacks):
    client = Client()
    ask(client, us_member.email, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    long = "a passphrase of seventy characters, spaces and ünïcode: 会議は踊る 1234567890"
    assert len(long) >= 70
    done = client.post(form.redirect_chain[-1][0], {"new_password1": long, "new_password2": long})
    assert done.status_code == 302
    us_member.refresh_from_db()
    assert us_member.check_password(long)
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]


def test_the_link_expires(db, us_member, django_capture_on_commit_callbacks):
    ask(Client(), us_member.email, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        page = Client().get(link, follow=True)
    assert not page.context["validlink"]
    us_member.refresh_from_db()
    assert us_member.check_password(PASSWORD)


def test_the_pages_and_the_mail_speak_japanese(db, us_member, django_capture_on_commit_callbacks):
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    assert "パスワード" in client.get("/accounts/password/reset/").content.decode()
    ask(client, us_member.email, django_capture_on_commit_callbacks, language="ja")
    assert "パスワード" in mail.outbox[0].subject
