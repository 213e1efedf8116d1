"""The Django admin: memberships are managed on the user page, and groups follow the role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import make_user

User = get_user_model()


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root-admin", "root@example.org", "admin-pass-123")
    client.force_login(admin)
    return client


def change_form(user, **membership):
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "00:00:00",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1" if hasattr(user, "membership") else "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-user": str(user.pk),
        **({"membership-0-id": str(user.membership.pk)} if hasattr(user, "membership") else {}),
        **{f"membership-0-{key}": value for key, value in membership.items()},
    }


def test_an_admin_gives_a_user_a_role_and_the_groups_follow(admin_client):
    user = make_user("newcomer")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        change_form(user, role="chair", delegation="JP", sponsor=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert (user.membership.role, user.membership.delegation) == ("chair", "JP")
    assert list(user.groups.values_list("name", flat=True)) == ["JP chair"]


def test_changing_the_role_moves_the_user_between_groups(admin_client):
    user = make_user("switcher", "member", "US")
    admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        change_form(user, role="observer", delegation="US", sponsor=""),
    )
    user = User.objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == ["US observer"]


def test_the_admin_lists_users_with_their_role_and_shows_the_log_read_only(admin_client, us_chair):
    assert "Chair" in admin_client.get("/admin/auth/user/").content.decode()
    page = admin_client.get("/admin/core/decisionlogentry/")
    assert page.status_code == 200
    assert admin_client.get("/admin/core/decisionlogentry/add/").status_code == 403


def test_the_admin_shows_who_may_see_a_proposal(admin_client, make_proposal):
    proposal = make_proposal("in_review")
    page = admin_client.get(f"/admin/projects/proposal/{proposal.pk}/permissions/")
    assert page.status_code == 200
    assert "US member" in page.content.decode()
