"""My account: Django's own password change, in both languages, beside the language of the
site and of one's notifications."""

from __future__ import annotations

from django.test import Client

from tests.conftest import PASSWORD

NEW = "a-longer-passphrase-2026"


def signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_account_page_has_a_section_for_each_setting(jp_member):
    html = signed_in(jp_member).get("/account/").content.decode()
    assert 'id="language"' in html and 'id="password"' in html
    assert "notifications" in html
    assert 'action="/account/password/"' in html and 'name="old_password"' in html


def test_a_member_changes_the_password_and_stays_signed_in(jp_member):
    client = signed_in(jp_member)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    jp_member.refresh_from_db()
    assert jp_member.check_password(NEW)
    page = client.get("/account/")
    assert page.status_code == 200 and "Your password is changed." in page.content.decode()


def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing(jp_member):
    client = signed_in(jp_member)
    wrong = client.post(
        "/account/password/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}
    )
    assert wrong.status_code == 400 and 'name="old_password"' in wrong.content.decode()
    weak = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 400
    jp_member.refresh_from_db()
    assert jp_member.check_password(PASSWORD)


def test_the_password_form_speaks_japanese(jp_member):
    client = signed_in(jp_member, "ja")
    client.cookies["django_language"] = "ja"
    html = client.get("/account/").content.decode()
    assert "パスワード" in html
    wrong = client.post(
        "/account/password/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}
    ).content.decode()
    assert "元のパスワード" in wrong or "古いパスワード" in wrong


def test_signed_out_the_password_page_sends_to_the_login(client):
    response = client.get("/account/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
