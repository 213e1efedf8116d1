"""Each user's language (EN/JA): set on My account or by ``provision``, used at sign-in."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from notifications.models import Preference
from notifications.services import preference_set
from tests.conftest import sign_in_client

COOKIE = settings.LANGUAGE_COOKIE_NAME


def provision_file(tmp_path, users):
    path = tmp_path / "people.json"
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    return str(path)


def test_provision_sets_a_users_language(tmp_path, db):
    path = provision_file(
        tmp_path,
        [
            {
                "username": "kenji",
                "password": "s3cret-pass-long",
                "delegation": "JP",
                "role": "member",
                "language": "ja",
            },
            {
                "username": "amy",
                "password": "s3cret-pass-long",
                "delegation": "US",
                "role": "member",
            },
        ],
    )
    call_command("provision", path)
    assert dict(Preference.objects.values_list("user__username", "language")) == {"kenji": "ja"}


def test_provision_refuses_an_unknown_language_and_changes_nothing(tmp_path, db):
    path = provision_file(
        tmp_path,
        [
            {
                "username": "amy",
                "password": "s3cret-pass-long",
                "delegation": "US",
                "role": "member",
            },
            {
                "username": "kenji",
                "password": "s3cret-pass-long",
                "delegation": "JP",
                "role": "member",
                "language": "fr",
            },
        ],
    )
    with pytest.raises(CommandError, match="kenji.*unknown language 'fr'"):
        call_command("provision", path)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
    assert not Preference.objects.exists()


def test_my_account_sets_the_language_and_the_site_follows(client, jp_member):
    client.force_login(jp_member)
    page = client.get("/account/")
    assert page.status_code == 200 and 'href="/account/"' in page.content.decode()
    response = client.post("/account/", {"language": "ja"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ja"
    assert Preference.objects.get(user=jp_member).language == "ja"
    assert "マイアカウント" in client.get("/account/").content.decode()


def test_my_account_refuses_an_unknown_language(client, jp_member):
    client.force_login(jp_member)
    response = client.post("/account/", {"language": "xx"})
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_signing_in_switches_to_the_users_language_and_the_switcher_still_works(client, jp_member):
    preference_set(user=jp_member, language="ja")
    response = sign_in_client(client, jp_member)  # password, then the authenticator code
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ja"
    assert 'lang="ja"' in client.get("/").content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.cookies[COOKIE].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


def test_a_user_without_a_preference_keeps_the_browsers_language(client, us_member):
    response = client.post(
        "/accounts/login/", {"username": "bob", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert COOKIE not in response.cookies


def test_my_account_offers_both_languages_each_labelled(client, jp_member):
    client.force_login(jp_member)
    html = client.get("/account/").content.decode()
    assert "Language of the site" in html and "Language of your notifications" in html
    assert 'name="language"' in html and 'name="notification_language"' in html
    # No choice made yet: the mail follows the site's language.
    assert 'name="notification_language" value="" id="id_notification_language_0" checked' in html
    client.cookies[COOKIE] = "ja"
    japanese = client.get("/account/").content.decode()
    assert "サイトの言語" in japanese and "通知の言語" in japanese and "サイトと同じ" in japanese


def test_my_account_saves_a_notification_language_apart_from_the_sites(client, jp_member, caplog):
    client.force_login(jp_member)
    caplog.clear()
    with caplog.at_level("DEBUG"):
        response = client.post("/account/", {"language": "en", "notification_language": "ja"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert response.cookies[COOKIE].value == "en"  # the site follows its own choice
    preference = Preference.objects.get(user=jp_member)
    assert (preference.language, preference.notification_language) == ("en", "ja")
    assert caplog.records == []  # saving logs nothing, so nothing about the person either
    page = client.get("/account/").content.decode()
    assert "Your languages are saved." in page
    assert 'value="ja" id="id_notification_language_2" checked' in page
    # Back to following the site's language.
    client.post("/account/", {"language": "en", "notification_language": ""})
    assert Preference.objects.get(user=jp_member).notification_language == ""


def test_my_account_refuses_an_unknown_notification_language(client, jp_member):
    client.force_login(jp_member)
    response = client.post("/account/", {"language": "en", "notification_language": "fr"})
    assert response.status_code == 400
    assert 'id="id_notification_language_error"' in response.content.decode()
    assert not Preference.objects.exists()


def test_provision_changes_the_sites_language_and_keeps_the_notification_language(
    tmp_path, jp_member
):
    preference_set(user=jp_member, language="en", notification_language="ja")
    path = provision_file(
        tmp_path,
        [{"username": "yuki", "delegation": "JP", "role": "member", "language": "ja"}],
    )
    call_command("provision", path)
    preference = Preference.objects.get(user=jp_member)
    assert (preference.language, preference.notification_language) == ("ja", "ja")
