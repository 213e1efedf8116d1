"""Sessions people control: listed on My account, ended one by one or all others; they end
when idle (ACCORD_SESSION_IDLE_SECONDS), after 12 hours, and with a password change."""

from __future__ import annotations

import datetime as dt

import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, sign_in_client


def signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def two_devices(user):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone")
    sign_in_client(laptop, user)
    sign_in_client(phone, user)
    return laptop, phone


def test_my_account_lists_the_signed_in_sessions(db, us_member):
    laptop, _phone = two_devices(us_member)
    page = laptop.get("/account/").content.decode()
    assert "Laptop browser" in page and "Phone" in page and "this session" in page
    assert UserSession.objects.filter(user=us_member).count() == 2


def test_ending_one_session_signs_that_device_out(db, us_member):
    laptop, phone = two_devices(us_member)
    other = UserSession.objects.get(user=us_member, user_agent="Phone")
    laptop.post("/account/sessions/end/", {"session": other.pk})
    assert signed_in(laptop) and not signed_in(phone)


def test_ending_all_other_sessions_keeps_this_one(db, us_member, sponsor_softbank):
    laptop, phone = two_devices(us_member)
    theirs = Client()
    sign_in_client(theirs, sponsor_softbank)
    laptop.post("/account/sessions/end-others/")
    assert signed_in(laptop) and not signed_in(phone) and signed_in(theirs)


def test_nobody_ends_another_users_session(db, us_member, sponsor_softbank):
    mine = Client()
    sign_in_client(mine, us_member)
    theirs = Client()
    sign_in_client(theirs, sponsor_softbank)
    their_session = UserSession.objects.get(user=sponsor_softbank)
    mine.post("/account/sessions/end/", {"session": their_session.pk})
    assert signed_in(theirs)


def test_changing_the_password_ends_the_other_sessions(db, us_member):
    laptop, phone = two_devices(us_member)
    response = laptop.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    assert signed_in(laptop) and not signed_in(phone)
    assert UserSession.objects.filter(user=us_member).count() == 1


def test_an_idle_session_ends(db, us_member, settings):
    client = Client()
    sign_in_client(client, us_member)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1700)):
        assert signed_in(client)  # used within the idle limit: lives on
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1700 + 1801)):
        assert not signed_in(client)


def test_a_busy_session_ends_after_twelve_hours(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes, all day
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            assert signed_in(client), minutes
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5)):
        assert not signed_in(client)


def test_a_password_form_posted_to_the_old_address_is_handled_by_my_accounts_page(db, us_member):
    """A page left open from before there was one password page still works (a 307)."""
    laptop, phone = two_devices(us_member)
    response = laptop.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/account/password/", 307), ("/account/", 302)]
    assert signed_in(laptop) and not signed_in(phone)
    us_member.refresh_from_db()
    assert us_member.check_password("a-much-longer-passphrase")
