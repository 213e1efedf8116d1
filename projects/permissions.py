"""The one permission policy: who may see and do what with proposals and their record.

Seeing a proposal is a django-guardian object permission (``view_proposal``) granted to
groups as the proposal moves (see ``workflow.TRANSITIONS``): the lead sponsor's group from
creation, co-sponsors' groups and the secretariat from submission, both delegations'
committee groups from review. Editing is ``change_proposal`` (lead sponsor only, drafts only);
voting is a per-user ``vote_proposal`` granted when a ballot opens and taken away by a
recusal. Everything else follows from the user's role and the proposal's state. The API,
the pages, the templates and the querysets all ask this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core.errors import InvalidState, NotAllowed, NotVisible
from core.models import Role
from core.roles import (
    COMMITTEE_READERS,
    DELEGATIONS,
    VOTERS,
    delegation_group_name,
    membership_of,
    role_of,
)

from . import workflow
from .models import (
    Proposal,
    ProposalGroupObjectPermission,
    ProposalUserObjectPermission,
    Status,
)

VIEW = "view_proposal"
CHANGE = "change_proposal"
VOTE = "vote_proposal"

REVIEWABLE = (Status.IN_REVIEW, Status.VOTING)


# --- Asking -----------------------------------------------------------------------------


def _group_ids(user: Any) -> list[int]:
    """The user's group ids, fetched once per request: a literal list plans far better on
    PostgreSQL than a subquery (bench/permissions.py)."""
    cache = user.__dict__.setdefault("_accord_perm_cache", {})
    if "groups" not in cache:
        # The link table alone, in plain SQL: it is read on every request, and building and
        # compiling the ORM's join on the groups cost about 2 ms, as much as a small request.
        links = get_user_model().groups.through
        table = connection.ops.quote_name(links._meta.db_table)
        group_id = connection.ops.quote_name(links._meta.get_field("group").column)
        user_id = connection.ops.quote_name(links._meta.get_field("user").column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {group_id} FROM {table} WHERE {user_id} = %s", [user.pk])
            cache["groups"] = [row[0] for row in cursor.fetchall()]
    return cache["groups"]


_PERMISSION_IDS: dict[tuple[str, str], int] = {}


def _permission_id(codename: str) -> int:
    """The permission's id, looked up once per process and database: the queries then carry
    it as a constant, not as a subquery compiled and planned on every request. Ids change only
    when the permissions are created again, after which Django sends ``post_migrate``
    (``migrate``, and a test database's flush): ``forget_permission_ids`` then clears them."""
    key = (connection.settings_dict["NAME"], codename)
    if key not in _PERMISSION_IDS:
        _PERMISSION_IDS[key] = Permission.objects.get(
            content_type__app_label="projects", codename=codename
        ).pk
    return _PERMISSION_IDS[key]


def forget_permission_ids(**kwargs: Any) -> None:
    _PERMISSION_IDS.clear()


def has_object_perm(user: Any, codename: str, proposal: Proposal, *, user_only=False) -> bool:
    """Whether ``user`` holds ``codename`` on ``proposal`` (superusers get no free pass).

    ``view`` and ``change`` are granted to groups; ``vote`` to single users (``user_only``).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = user.__dict__.setdefault("_accord_perm_cache", {})
    key = (codename, proposal.pk, user_only)
    if key not in cache:
        if user_only:
            rows = ProposalUserObjectPermission.objects.filter(user=user)
        else:
            rows = ProposalGroupObjectPermission.objects.filter(group_id__in=_group_ids(user))
        cache[key] = rows.filter(
            content_object=proposal, permission_id=_permission_id(codename)
        ).exists()
    return cache[key]


def forget_cached_perms(user: Any) -> None:
    user.__dict__.pop("_accord_perm_cache", None)


def visible_proposals(user: Any, queryset: QuerySet | None = None) -> QuerySet:
    """Filter ``queryset`` to the proposals ``user`` may see: one query, however many rows.

    Seeing is only ever granted to groups (see ``workflow``), so this is one semi-join on the
    group object permissions; an OR with user permissions would defeat PostgreSQL's planner
    (``bench/permissions.py``).
    """
    queryset = Proposal.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    grants = ProposalGroupObjectPermission.objects.filter(
        permission_id=_permission_id(VIEW), group_id__in=_group_ids(user)
    )
    return queryset.filter(Exists(grants.filter(content_object=OuterRef("pk"))))


def can_view(user: Any, proposal: Proposal) -> bool:
    return has_object_perm(user, VIEW, proposal)


def is_lead_sponsor_user(user: Any, proposal: Proposal) -> bool:
    return role_of(user) == Role.SPONSOR and has_object_perm(user, CHANGE, proposal)


def can_create(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role == Role.SPONSOR and membership.sponsor_id)


def can_edit(user: Any, proposal: Proposal) -> bool:
    return proposal.status == Status.DRAFT and is_lead_sponsor_user(user, proposal)


def can_fire(user: Any, proposal: Proposal, transition: workflow.Transition) -> bool:
    """Whether ``user``'s role may fire ``transition`` on ``proposal`` (state aside)."""
    role = role_of(user)
    if role not in transition.roles or not can_view(user, proposal):
        return False
    return role != Role.SPONSOR or is_lead_sponsor_user(user, proposal)


def allowed_actions(user: Any, proposal: Proposal) -> list[workflow.Transition]:
    """The transitions ``user`` may fire on ``proposal`` in its current state."""
    return [t for t in workflow.actions_from(proposal.status) if can_fire(user, proposal, t)]


def require(allowed: bool, message: str) -> None:
    """Raise ``NotAllowed`` with ``message`` unless ``allowed``."""
    if not allowed:
        raise NotAllowed(message)


def require_view(user: Any, proposal: Proposal | None) -> Proposal:
    """Return the proposal if ``user`` may see it; otherwise raise ``NotVisible``."""
    if proposal is None or not can_view(user, proposal):
        raise NotVisible(_("Not found."))
    return proposal


def require_may_fire(
    user: Any, proposal: Proposal | None, transition: workflow.Transition
) -> Proposal:
    """Return the proposal if ``user`` may see it (else 404) and fire ``transition`` on it
    (else 403), whatever its state."""
    proposal = require_view(user, proposal)
    require(
        can_fire(user, proposal, transition),
        _("Your role may not %(action)s this proposal.") % {"action": transition.label},
    )
    return proposal


def require_source(proposal: Proposal, transition: workflow.Transition) -> None:
    """Raise ``InvalidState`` (409) unless ``transition`` leaves the proposal's state."""
    if proposal.status not in transition.sources:
        raise InvalidState(
            _("A proposal that is %(status)s cannot be sent to “%(action)s”.")
            % {"status": proposal.get_status_display(), "action": transition.label}
        )


def require_fire(user: Any, proposal: Proposal | None, transition: workflow.Transition) -> Proposal:
    """Raise what firing ``transition`` on ``proposal`` now would: not visible, not allowed,
    or not from this state. The service asks before it acts; a confirmation step asks too."""
    proposal = require_may_fire(user, proposal, transition)
    require_source(proposal, transition)
    return proposal


# --- Granting (called by services, inside their transaction) --------------------------


def audience_groups(proposal: Proposal, audience: str) -> list[Group]:
    """The groups that make up one audience of ``proposal``."""
    if audience == workflow.LEAD_SPONSOR:
        return [proposal.sponsor.group]
    if audience == workflow.CO_SPONSORS:
        return [sponsor.group for sponsor in proposal.co_sponsors.select_related("group")]
    if audience == workflow.SECRETARIAT:
        names = [delegation_group_name(d, Role.STAFF) for d in DELEGATIONS]
    elif audience == workflow.COMMITTEE:
        names = [delegation_group_name(d, r) for d in DELEGATIONS for r in COMMITTEE_READERS]
    else:
        raise ValueError(f"unknown audience {audience!r}")
    return list(Group.objects.filter(name__in=names))


def _permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="projects", codename=codename)


def grant_to_groups(proposal: Proposal, groups: Iterable[Group], codenames: Iterable[str]) -> None:
    rows = [
        ProposalGroupObjectPermission(
            content_object=proposal, group=group, permission=_permission(codename)
        )
        for codename in codenames
        for group in groups
    ]
    ProposalGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)


def revoke_from_groups(proposal: Proposal, groups: Iterable[Group], codenames: Iterable[str]):
    ProposalGroupObjectPermission.objects.filter(
        content_object=proposal,
        group__in=list(groups),
        permission__codename__in=list(codenames),
        permission__content_type__app_label="projects",
    ).delete()


def grant_creation(proposal: Proposal) -> None:
    """The lead sponsor's group sees and edits its proposal from creation."""
    grant_to_groups(proposal, audience_groups(proposal, workflow.LEAD_SPONSOR), [VIEW, CHANGE])


def apply_transition_grants(proposal: Proposal, transition: workflow.Transition) -> None:
    for audience in transition.grant:
        grant_to_groups(proposal, audience_groups(proposal, audience), [VIEW])
    for audience in transition.revoke:
        revoke_from_groups(proposal, audience_groups(proposal, audience), [VIEW])


def grant_votes(proposal: Proposal, users: Iterable[Any]) -> None:
    permission = _permission(VOTE)
    ProposalUserObjectPermission.objects.bulk_create(
        [
            ProposalUserObjectPermission(content_object=proposal, user=user, permission=permission)
            for user in users
        ],
        ignore_conflicts=True,
    )


def revoke_votes(proposal: Proposal, users: Iterable[Any] | None = None) -> None:
    rows = ProposalUserObjectPermission.objects.filter(
        content_object=proposal,
        permission__codename=VOTE,
        permission__content_type__app_label="projects",
    )
    if users is not None:
        rows = rows.filter(user__in=[user.pk for user in users])
    rows.delete()


def votable_proposals(user: Any, queryset: QuerySet) -> QuerySet:
    """Filter ``queryset`` to proposals on whose open ballot ``user`` may vote."""
    if role_of(user) not in VOTERS:
        return queryset.none()
    grants = ProposalUserObjectPermission.objects.filter(
        user=user, permission_id=_permission_id(VOTE)
    )
    return queryset.filter(Exists(grants.filter(content_object=OuterRef("pk"))))
