"""Who is who: a user's role and delegation, and the groups that carry them."""

from __future__ import annotations

from typing import Any

from .models import Membership, Role

COMMITTEE_READERS = (Role.MEMBER, Role.CHAIR, Role.OBSERVER)
VOTERS = (Role.MEMBER, Role.CHAIR)
DELEGATION_ROLES = (Role.MEMBER, Role.CHAIR, Role.STAFF, Role.OBSERVER)
DELEGATIONS = ("US", "JP")

_UNSET = object()


def delegation_group_name(delegation: str, role: str) -> str:
    """Name the group of one role in one delegation, e.g. ``US chair``."""
    return f"{delegation} {role}"


def sponsor_group_name(sponsor_name: str) -> str:
    return f"sponsor: {sponsor_name}"[:150]


def membership_of(user: Any) -> Membership | None:
    """Return the user's membership, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_accord_membership", _UNSET)
    if cached is _UNSET:
        cached = Membership.objects.select_related("sponsor").filter(user_id=user.pk).first()
        user._accord_membership = cached
    return cached


def role_of(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def delegation_of(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.delegation or None if membership else None
