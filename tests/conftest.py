"""Personas and builders shared by every test.

Named people, one per role and delegation, as in healthchecks' tests: ``us_chair``,
``jp_member``, ``us_staff``, ``sponsor_softbank`` … and ``outsider`` (an account with no role).
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from committee.services import membership_assign
from core.db import drop_append_only_guard, install_append_only_guard
from core.decision_log import entry_appended
from core.log_events import EVENTS, is_named
from projects import services
from projects.models import Proposal

PASSWORD = "correct-horse-battery"
# The authenticator app of every persona whose role signs in with a second factor
# (ACCORD_MFA_REQUIRED_ROLES: chairs, members, staff): ``totp_code()`` gives its current code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(user=None, secret: str = TOTP_SECRET) -> str:
    """The authenticator app's current code, usable now.

    Waits out the last two seconds of a 30-second period (so the code does not turn stale
    between typing and checking), and, for ``user``, forgets that the code was used: a test
    may sign the same persona in twice within one period, which a real app never does.
    """
    import pyotp

    totp = pyotp.TOTP(secret)
    remaining = totp.interval - time.time() % totp.interval
    if remaining < 2:
        time.sleep(remaining + 0.05)
    code = totp.now()
    if user is not None:
        cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    return code


def _force_login_is_a_fresh_sign_in(sender, request, user, **kwargs):
    """``client.force_login(user)`` stands for a full sign-in (password and second factor)
    just now: record it as allauth records a real one, so that actions needing a recent
    sign-in (voting, closing a ballot, approving) pass as they would right after logging in.
    A real sign-in has its records already and is left alone."""
    session = getattr(request, "session", None)
    if session is not None and not get_authentication_records(request, user):
        record_authentication(request, user, method="password")


user_logged_in.connect(_force_login_is_a_fresh_sign_in, dispatch_uid="tests-force-login-fresh")

# Properties are checked for what they find, not for how fast: a loaded machine (two pytest
# processes per core) must not fail them on generation time or on a per-example deadline.
settings.register_profile(
    "accord", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("accord")


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    """The test client and the live server speak plain HTTP: no HTTPS redirect, no Secure-only
    cookies. Session-scoped and autouse, so it is in force before the live server builds its
    middleware. Production keeps all three on; tests/test_security.py checks that."""
    with override_settings(
        SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    """Uploaded files go to a temporary MEDIA_ROOT, never into the checkout (documents)."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and on PostgreSQL a clean way out of it.

    After the browser tests, Playwright's sync API leaves Django connections in contexts that
    pytest-django's teardown does not see; they would stop PostgreSQL dropping the test
    database. End them from the maintenance database before it is dropped.
    """
    yield
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}", [name])
        for _ in range(100):
            cursor.execute(f"SELECT count(*) {others}", [name])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)


@pytest.fixture(autouse=True)
def _fresh_default_cache():
    """Each test starts with an empty default cache: sign-in rate limits and the TOTP codes
    already used (django-allauth keeps both there) belong to one test, not to the process."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _append_only_guard_and_flush(request):
    """Transactional tests end with a flush, which the log's triggers would refuse.

    Drop the guard just before that flush; every test that needs the guard installs it.
    """
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    named = any(name in request.fixturenames for name in ("transactional_db", "live_server"))
    if not (marked or named):
        yield
        return
    request.getfixturevalue("transactional_db")
    install_append_only_guard(connection)
    yield
    drop_append_only_guard(connection)


@pytest.fixture
def append_only_guard(db):
    install_append_only_guard(connection)


def make_user(username: str, role: str | None = None, delegation: str = "", sponsor=None):
    """A user with PASSWORD; a role that signs in with a second factor also gets the
    authenticator app TOTP_SECRET (and recovery codes), as ``provision`` gives it."""
    from accounts.services import totp_enrol

    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    if role:
        membership_assign(user=user, role=role, delegation=delegation, sponsor=sponsor)
        if role in django_settings.ACCORD_MFA_REQUIRED_ROLES:
            totp_enrol(user=user, secret=TOTP_SECRET)
    return user


def sign_in_client(client, user, password: str = PASSWORD):
    """Sign ``user`` in through /accounts/login/ with the test client, as a person does:
    the password, then (for a role that needs one) the authenticator code on the next page.
    Returns the last response (a redirect to the page after sign-in)."""
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    if response.status_code == 302 and response["Location"].startswith("/accounts/2fa/"):
        response = client.post(response["Location"], {"code": totp_code(user)})
    return response


@pytest.fixture
def softbank(db):
    return services.sponsor_upsert(name="SoftBank Group", country="JP")


@pytest.fixture
def hitachi(db):
    return services.sponsor_upsert(name="Hitachi", country="JP")


@pytest.fixture
def ge_vernova(db):
    return services.sponsor_upsert(name="GE Vernova", country="US")


@pytest.fixture
def westinghouse(db):
    return services.sponsor_upsert(name="Westinghouse Electric", country="US")


@pytest.fixture
def sponsor_softbank(softbank):
    return make_user("ken", "sponsor", sponsor=softbank)


@pytest.fixture
def sponsor_hitachi(hitachi):
    return make_user("hana", "sponsor", sponsor=hitachi)


@pytest.fixture
def sponsor_ge(ge_vernova):
    return make_user("gary", "sponsor", sponsor=ge_vernova)


@pytest.fixture
def sponsor_westinghouse(westinghouse):
    return make_user("wes", "sponsor", sponsor=westinghouse)


@pytest.fixture
def us_chair(db):
    return make_user("alice", "chair", "US")


@pytest.fixture
def jp_chair(db):
    return make_user("sato", "chair", "JP")


@pytest.fixture
def us_member(db):
    return make_user("bob", "member", "US")


@pytest.fixture
def us_member_2(db):
    return make_user("carol", "member", "US")


@pytest.fixture
def jp_member(db):
    return make_user("yuki", "member", "JP")


@pytest.fixture
def jp_member_2(db):
    return make_user("aiko", "member", "JP")


@pytest.fixture
def us_staff(db):
    return make_user("laura", "staff", "US")


@pytest.fixture
def jp_staff(db):
    return make_user("mei", "staff", "JP")


@pytest.fixture
def us_observer(db):
    return make_user("peter", "observer", "US")


@pytest.fixture
def jp_observer(db):
    return make_user("ren", "observer", "JP")


@pytest.fixture
def outsider(db):
    return make_user("mallory")


@pytest.fixture
def committee(
    us_chair,
    jp_chair,
    us_member,
    us_member_2,
    jp_member,
    jp_member_2,
    us_staff,
    jp_staff,
    us_observer,
    jp_observer,
):
    """Both delegations in full: 2 chairs, 4 members, 2 staff, 2 observers."""
    return {
        "us_chair": us_chair,
        "jp_chair": jp_chair,
        "us_member": us_member,
        "us_member_2": us_member_2,
        "jp_member": jp_member,
        "jp_member_2": jp_member_2,
        "us_staff": us_staff,
        "jp_staff": jp_staff,
        "us_observer": us_observer,
        "jp_observer": jp_observer,
    }


def token_client(user) -> APIClient:
    """A client that signs in with a token on every request, as integrations do: the user
    and its groups are read afresh each time, as in production (``api`` reuses one user)."""
    from accounts.models import ApiToken

    client = APIClient()
    _token, secret = ApiToken.objects.create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def api():
    """``api(user)`` returns an API client signed in as ``user`` (None: anonymous)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return client_for


GOOD_DRAFT = {
    "title": "Grid-scale battery storage, Kansas",
    "description": "4 GWh of storage beside the gigafactory.",
    "sector": "energy_storage",
    "amount_requested": Decimal("4000000000.00"),
    "currency": "USD",
}

# The path to each state, and who takes each step (personas from the ``committee`` fixture).
PATH = {
    "draft": [],
    "submitted": [("sponsor", "submit")],
    "in_review": [("sponsor", "submit"), ("us_staff", "accept")],
    "voting": [("sponsor", "submit"), ("us_staff", "accept"), ("us_chair", "open_ballot")],
    "approved": [
        ("sponsor", "submit"),
        ("us_staff", "accept"),
        ("us_chair", "open_ballot"),
        ("approve_votes", None),
        ("us_chair", "close_ballot"),
    ],
    "rejected": [
        ("sponsor", "submit"),
        ("us_staff", "accept"),
        ("us_chair", "open_ballot"),
        ("reject_votes", None),
        ("us_chair", "close_ballot"),
    ],
    "withdrawn": [("sponsor", "submit"), ("sponsor", "withdraw")],
}
PATH["funding"] = PATH["approved"] + [("us_staff", "start_funding")]
PATH["active"] = PATH["funding"] + [("us_staff", "activate")]
PATH["closed"] = PATH["active"] + [("us_staff", "close")]


def _votes(people: dict, choice: str, proposal: Proposal) -> None:
    from committee.services import vote_cast

    for name in ("us_chair", "us_member", "us_member_2", "jp_chair", "jp_member", "jp_member_2"):
        vote_cast(user=people[name], proposal_id=proposal.pk, choice=choice)


@pytest.fixture
def make_proposal(committee, sponsor_softbank):
    """``make_proposal("voting")`` builds a SoftBank proposal and walks it to that state."""

    def build(status: str = "draft", *, sponsor=None, co_sponsors=(), **fields) -> Proposal:
        owner = sponsor or sponsor_softbank
        proposal = services.proposal_create(
            user=owner, co_sponsors=list(co_sponsors), **{**GOOD_DRAFT, **fields}
        )
        people = {**committee, "sponsor": owner}
        for who, action in PATH[status]:
            if who == "approve_votes":
                _votes(people, "for", proposal)
            elif who == "reject_votes":
                _votes(people, "against", proposal)
            else:
                services.proposal_transition(
                    user=people[who], proposal_id=proposal.pk, action=action
                )
        proposal.refresh_from_db()
        assert proposal.status == status
        return proposal

    return build


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture(autouse=True, scope="session")
def _signing_pair(tmp_path_factory):
    """Resolutions are signed in tests with a self-signed pair made once for the session."""
    from django.conf import settings

    from committee.signing import demo_pair

    key, cert = demo_pair(tmp_path_factory.mktemp("signing"))
    saved = settings.ACCORD_SIGNING_KEY, settings.ACCORD_SIGNING_CERT
    settings.ACCORD_SIGNING_KEY, settings.ACCORD_SIGNING_CERT = str(key), str(cert)
    yield key, cert
    settings.ACCORD_SIGNING_KEY, settings.ACCORD_SIGNING_CERT = saved


def _every_data_key_is_named(sender, entry, **kwargs):
    """Any test that appends an entry with a data key no app named fails, by the key's name:
    the log page would show it as raw words (add it to ``register_data`` in the app's
    ``log_events.py``). Only the app's events: a test's own synthetic event (a chain load
    test) writes what it likes, and an unnamed event fails tests/core/test_log_events.py."""
    if entry.event not in EVENTS:
        return
    data = entry.data if isinstance(entry.data, dict) else {}
    unnamed = sorted(key for key in data if not is_named(key))
    if unnamed:
        raise AssertionError(f"{entry.event} writes data keys no app names: {unnamed}")


entry_appended.connect(_every_data_key_is_named, weak=False, dispatch_uid="tests-data-keys")
