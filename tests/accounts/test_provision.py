"""``provision`` enrols a user's imported TOTP seed (``totp_secret``)."""

from __future__ import annotations

import json

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import totp_code

SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def provision(tmp_path, user: dict) -> None:
    path = tmp_path / "people.json"
    path.write_text(json.dumps({"users": [user]}))
    call_command("provision", str(path))


def alice(**extra) -> dict:
    return {
        "username": "alice",
        "password": "s3cret-pass-long",
        "delegation": "US",
        "role": "chair",
        **extra,
    }


def test_an_imported_seed_signs_in(tmp_path, db):
    provision(tmp_path, alice(totp_secret=SEED.lower()))
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": "s3cret-pass-long"})
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="alice")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(user, secret=SEED)})
    assert client.get("/").status_code == 200
    provision(tmp_path, alice(totp_secret=SEED))  # again: nothing changes
    assert Authenticator.objects.filter(user=user, type="totp").count() == 1
    assert pyotp.TOTP(SEED).now()


@pytest.mark.parametrize("seed", ["not base32!", "GEZDG", 12345])
def test_a_bad_seed_changes_nothing(tmp_path, db, seed):
    with pytest.raises(CommandError, match="totp_secret"):
        provision(tmp_path, alice(totp_secret=seed))
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="alice").exists()
