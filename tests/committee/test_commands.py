"""Management commands: provision, seed_demo, verify_decision_log, drf_create_token."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core.models import Membership
from projects.models import Proposal, Sponsor

User = get_user_model()

GOOD_FILE = {
    "sponsors": [{"name": "SoftBank Group", "country": "JP"}],
    "users": [
        {
            "username": "alice",
            "password": "s3cret-pass",
            "email": "alice@example.org",
            "delegation": "US",
            "role": "chair",
        },
        {"username": "ken", "password": "s3cret-pass", "sponsor": "SoftBank Group"},
    ],
}


def write(tmp_path, document) -> str:
    path = tmp_path / "people.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_provision_creates_sponsors_and_users(tmp_path, db, capsys):
    call_command("provision", write(tmp_path, GOOD_FILE))
    alice = User.objects.get(username="alice")
    assert alice.check_password("s3cret-pass")
    assert (alice.membership.role, alice.membership.delegation) == ("chair", "US")
    assert alice.groups.filter(name="US chair").exists()
    ken = User.objects.get(username="ken")
    assert ken.membership.role == "sponsor" and ken.membership.sponsor.name == "SoftBank Group"
    assert "created 2" in capsys.readouterr().out


def test_provision_updates_on_a_second_run(tmp_path, db):
    call_command("provision", write(tmp_path, GOOD_FILE))
    changed = json.loads(json.dumps(GOOD_FILE))
    changed["users"][0]["role"] = "member"
    call_command("provision", write(tmp_path, changed))
    alice = User.objects.get(username="alice")
    assert alice.membership.role == "member"
    assert list(alice.groups.values_list("name", flat=True)) == ["US member"]
    assert User.objects.count() == 2 and Sponsor.objects.count() == 1


# A valid address (every label under 64 characters) longer than the 254 the column holds.
LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"

BAD = [
    ("{not json", "not valid JSON"),
    ("[]", "JSON object"),
    ({"sponsors": [{"name": "X", "country": "Japan"}]}, "two-letter"),
    (
        {
            "users": [
                {"username": "a", "password": "s3cret-pass", "delegation": "UK", "role": "member"}
            ]
        },
        "unknown delegation",
    ),
    (
        {
            "users": [
                {"username": "a", "password": "s3cret-pass", "delegation": "US", "role": "king"}
            ]
        },
        "unknown role",
    ),
    (
        {"users": [{"username": "a", "password": "s3cret-pass", "sponsor": "Nobody"}]},
        "unknown sponsor",
    ),
    ({"users": [{"username": "a", "delegation": "US", "role": "member"}]}, "needs a password"),
    (
        {"users": [{"username": "a", "password": "123", "delegation": "US", "role": "member"}]},
        "password",
    ),
    ({"people": []}, "unknown top-level"),
    # What the database would refuse mid-file (PostgreSQL: a DataError, not a message).
    ({"users": [{**GOOD_FILE["users"][0], "username": "u" * 151}]}, "'username'"),
    ({"users": [{**GOOD_FILE["users"][0], "username": "a\u0000b"}]}, "NUL"),
    ({"users": [{**GOOD_FILE["users"][0], "username": "bob smith!"}]}, "'username'"),
    (
        {
            "users": [
                {
                    **GOOD_FILE["users"][0],
                    "username": "x",
                    "email": LONG_EMAIL,
                }
            ]
        },
        "'email'",
    ),
    ({"sponsors": [{"name": "S" * 201, "country": "JP"}]}, "'name'"),
    # Two names alike up to the group name's length would share one sponsor group.
    (
        {
            "sponsors": [
                {"name": "N" * 141 + " East", "country": "JP"},
                {"name": "N" * 141 + " West", "country": "JP"},
            ]
        },
        "at most 141 characters",
    ),
]


@pytest.mark.parametrize(("document", "message"), BAD)
def test_provision_refuses_a_bad_file_and_changes_nothing(tmp_path, db, document, message):
    # The good part comes first: it must be rolled back with the bad part.
    if isinstance(document, dict):
        document = {
            "sponsors": GOOD_FILE["sponsors"] + document.get("sponsors", []),
            "users": GOOD_FILE["users"] + document.get("users", []),
            **{k: v for k, v in document.items() if k not in ("sponsors", "users")},
        }
    with pytest.raises(CommandError) as failure:
        call_command("provision", write(tmp_path, document))
    assert message in str(failure.value)
    assert "\n" not in str(failure.value)
    assert User.objects.count() == 0 and Sponsor.objects.count() == 0
    assert Membership.objects.count() == 0


def test_provision_names_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("provision", str(tmp_path / "nope.json"))


def test_seed_demo_is_idempotent_and_prints_logins(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Proposal.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Proposal.objects.count()) == counts
    assert "us-chair" in first and "jp-observer" in first and "softbank" in first
    assert "password" in first
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "in_review", "voting", "approved", "funding"} <= statuses
    roles = set(Membership.objects.values_list("role", "delegation"))
    for delegation in ("US", "JP"):
        for role in ("member", "chair", "staff", "observer"):
            assert (role, delegation) in roles
    call_command("verify_decision_log")


def test_drf_create_token_works(db, us_staff, capsys, api):
    call_command("drf_create_token", us_staff.username)
    token = capsys.readouterr().out.split()[2]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/proposals/").status_code == 200
