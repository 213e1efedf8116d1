"""My account: Django's own password change, in both languages, beside the language of the
site and of one's notifications."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

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
    assert page.status_code == 200
    assert "Your password is changed. Your other sessions have ended." in page.content.decode()


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


# --- One password change page: My account's ---------------------------------------------


@pytest.mark.parametrize(
    ("old", "kept"),
    [
        ("/accounts/password/change/", "/account/password/"),  # Django's and allauth's address
        ("/accounts/password/change/done/", "/account/"),
        ("/admin/password_change/", "/account/password/"),  # the admin's, linked in its header
        ("/admin/password_change/done/", "/account/"),
    ],
)
def test_the_other_password_change_addresses_end_at_my_accounts_page(jp_member, old, kept):
    client = signed_in(jp_member)
    response = client.get(old, follow=True)
    assert response.redirect_chain == [(kept, 302)]
    assert response.status_code == 200
    if kept == "/account/password/":
        html = response.content.decode()
        assert 'action="/account/password/"' in html and 'name="old_password"' in html


def test_the_names_of_those_pages_lead_to_my_accounts_page_too(jp_member):
    client = signed_in(jp_member)
    for name in ("password_change", "admin:password_change"):
        response = client.get(reverse(name), follow=True)
        assert response.redirect_chain[-1] == ("/account/password/", 302), name


def test_the_old_address_answers_nothing_but_get_and_post(jp_member):
    client = signed_in(jp_member)
    assert client.put("/accounts/password/change/").status_code == 405
    assert client.delete("/accounts/password/change/").status_code == 405


def test_no_page_links_to_another_password_change_page(jp_member):
    client = signed_in(jp_member)
    for path in ("/", "/account/", "/account/password/"):
        html = client.get(path).content.decode()
        assert "/accounts/password/change/" not in html and "password_change" not in html, path
