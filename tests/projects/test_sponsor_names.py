"""A sponsor's name fits whole in its access group's name, so no two sponsors share a group."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.errors import Invalid
from core.roles import SPONSOR_NAME_MAX
from projects.models import Sponsor
from projects.services import sponsor_upsert


def test_the_longest_name_that_fits_gets_its_own_group(db):
    east = sponsor_upsert(name="N" * (SPONSOR_NAME_MAX - 4) + "East", country="JP")
    west = sponsor_upsert(name="N" * (SPONSOR_NAME_MAX - 4) + "West", country="JP")
    assert east.group_id != west.group_id
    assert east.group.name.endswith("East") and west.group.name.endswith("West")


@pytest.mark.parametrize("name", ["N" * (SPONSOR_NAME_MAX + 1), "Acme\x00"], ids=["long", "nul"])
def test_a_name_that_cannot_name_a_group_is_refused_with_the_limit(db, name):
    with pytest.raises(Invalid) as refused:
        sponsor_upsert(name=name, country="JP")
    assert str(SPONSOR_NAME_MAX) in refused.value.message
    assert not Sponsor.objects.exists()


def test_the_admin_refuses_a_name_too_long_beside_the_field(db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-x9!long")
    client = Client()
    client.force_login(admin)
    page = client.post(
        "/admin/projects/sponsor/add/", {"name": "N" * (SPONSOR_NAME_MAX + 1), "country": "JP"}
    )
    assert page.status_code == 200
    assert f"at most {SPONSOR_NAME_MAX} characters" in page.content.decode()
    assert not Sponsor.objects.exists()
