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


SPONSOR_GROUP_PREFIX = "sponsor: "
# The longest sponsor name whose group name keeps it whole (auth.Group.name holds 150): two
# names alike up to a cut would otherwise map to one group, and so to each other's proposals.
SPONSOR_NAME_MAX = 150 - len(SPONSOR_GROUP_PREFIX)


def sponsor_group_name(sponsor_name: str) -> str:
    if len(sponsor_name) > SPONSOR_NAME_MAX:
        raise ValueError(f"A sponsor name has at most {SPONSOR_NAME_MAX} characters.")
    return f"{SPONSOR_GROUP_PREFIX}{sponsor_name}"


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
