"""Permission-filtered lists cost a fixed number of queries, however many rows.

The filter is where a per-object policy usually costs one query per row: asking
``can_view`` of each proposal, or a co-sponsor lookup per row. 10 and 500 proposals must
cost the same.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import permissions, workflow
from projects.models import Proposal, ProposalGroupObjectPermission

# Every audience that sees a proposal in review (docs/roles.md): its sponsor, its co-sponsors,
# the secretariat and the committee of both delegations.
IN_REVIEW_AUDIENCES = (
    workflow.LEAD_SPONSOR,
    workflow.CO_SPONSORS,
    workflow.SECRETARIAT,
    workflow.COMMITTEE,
)


def add_copies(model: Proposal, count: int) -> None:
    """Bulk-create ``count`` proposals like ``model``, with the grants the lifecycle gave it.

    Walking 500 proposals through the services (create, submit, accept: a transaction, grants
    and log entries each) would take longer than this whole suite. What the list reads is
    the proposal rows, their co-sponsors and their django-guardian group grants, so those are
    bulk-inserted: the view grant to the groups of every audience that sees a proposal in
    review (``permissions.audience_groups``, as ``grant_to_groups`` grants them one proposal
    at a time), and the lead sponsor's edit grant.
    """
    first = Proposal.objects.count()
    copies = Proposal.objects.bulk_create(
        [
            Proposal(
                reference=f"P-2099-{first + index:05d}",
                title=f"{model.title} #{index}",
                sponsor=model.sponsor,
                sector=model.sector,
                description=model.description,
                amount_requested=model.amount_requested,
                currency=model.currency,
                status=model.status,
                created_by=model.created_by,
                submitted_at=model.submitted_at,
            )
            for index in range(count)
        ]
    )
    partners = list(model.co_sponsors.all())
    through = Proposal.co_sponsors.through
    through.objects.bulk_create(
        [
            through(proposal_id=copy.pk, sponsor_id=partner.pk)
            for copy in copies
            for partner in partners
        ]
    )
    grants = {
        codename: Permission.objects.get(content_type__app_label="projects", codename=codename)
        for codename in (permissions.VIEW, permissions.CHANGE)
    }
    viewers = [
        group
        for audience in IN_REVIEW_AUDIENCES
        for group in permissions.audience_groups(model, audience)
    ]
    rows = [
        ProposalGroupObjectPermission(
            content_object=copy, group=group, permission=grants[permissions.VIEW]
        )
        for copy in copies
        for group in viewers
    ]
    rows += [
        ProposalGroupObjectPermission(
            content_object=copy, group=model.sponsor.group, permission=grants[permissions.CHANGE]
        )
        for copy in copies
    ]
    ProposalGroupObjectPermission.objects.bulk_create(rows)


def _queries(fetch) -> tuple[int, object]:
    """The queries of the second of two requests: the first fills what a process looks up
    once (the permission ids), which is no cost of the list's length."""
    fetch()
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured), response


def _api_list(api, user, query=""):
    # A fresh user object each time: the policy caches the user's role on the one it gets.
    fresh = get_user_model().objects.get(pk=user.pk)
    return _queries(lambda: api(fresh).get(f"/api/v1/proposals/{query}"))


def _page_list(client, user, query=""):
    client.force_login(user)
    return _queries(lambda: client.get(f"/proposals/{query}"))


@pytest.mark.parametrize("persona", ["jp_member", "sponsor_softbank", "sponsor_ge"])
def test_the_api_list_costs_the_same_for_10_and_500_proposals(
    request, api, make_proposal, sponsor_ge, persona
):
    user = request.getfixturevalue(persona)
    model = make_proposal("in_review", co_sponsors=["GE Vernova"])
    add_copies(model, 9)
    few, response = _api_list(api, user)
    assert response.json()["count"] == 10

    add_copies(model, 490)
    many, response = _api_list(api, user)

    assert response.json()["count"] == 500
    assert {row["co_sponsors"][0] for row in response.json()["results"]} == {"GE Vernova"}
    assert many == few


# The sponsor filter matches every copy and the model proposal through a join made distinct;
# the search matches the copies only (their references start P-2099-).
FILTERED = {"?sponsor=GE%20Vernova": 0, "?q=P-2099-": -1}


@pytest.mark.parametrize("query", FILTERED)
def test_a_filtered_api_list_costs_the_same_for_10_and_500_proposals(
    api, make_proposal, sponsor_ge, jp_member, query
):
    model = make_proposal("in_review", co_sponsors=["GE Vernova"])
    add_copies(model, 9)
    few, response = _api_list(api, jp_member, query)
    assert response.json()["count"] == 10 + FILTERED[query]

    add_copies(model, 490)
    many, response = _api_list(api, jp_member, query)

    assert response.json()["count"] == 500 + FILTERED[query]
    assert len(response.json()["results"]) == 50
    assert many == few


@pytest.mark.parametrize("query", FILTERED)
def test_a_filtered_proposals_page_costs_the_same_for_10_and_500_proposals(
    client, make_proposal, sponsor_ge, jp_member, query
):
    model = make_proposal("in_review", co_sponsors=["GE Vernova"])
    add_copies(model, 9)
    few, response = _page_list(client, jp_member, query)
    assert response.context["page"].paginator.count == 10 + FILTERED[query]

    add_copies(model, 490)
    many, response = _page_list(client, jp_member, query)

    assert response.context["page"].paginator.count == 500 + FILTERED[query]
    assert many == few


@pytest.mark.parametrize("persona", ["jp_member", "sponsor_softbank"])
def test_the_proposals_page_costs_the_same_for_10_and_500_proposals(
    request, client, make_proposal, sponsor_ge, persona
):
    user = request.getfixturevalue(persona)
    model = make_proposal("in_review", co_sponsors=["GE Vernova"])
    add_copies(model, 9)
    few, response = _page_list(client, user)
    assert response.context["page"].paginator.count == 10

    add_copies(model, 490)
    many, response = _page_list(client, user)

    assert response.context["page"].paginator.count == 500
    assert len(response.context["page"].object_list) > 10
    assert many == few


def test_the_copies_are_seen_exactly_like_the_proposal_they_copy(
    make_proposal, sponsor_ge, sponsor_westinghouse, jp_member, us_staff, outsider
):
    """The bulk-made rows must be what the services would have made, or the counts lie."""
    model = make_proposal("in_review", co_sponsors=["GE Vernova"])
    add_copies(model, 3)
    copies = list(Proposal.objects.exclude(pk=model.pk))
    for user in (sponsor_ge, sponsor_westinghouse, jp_member, us_staff, outsider):
        permissions.forget_cached_perms(user)
        expected = permissions.can_view(user, model)
        assert all(permissions.can_view(user, copy) == expected for copy in copies), user


def _listed_at_home(response) -> int:
    return sum(len(section["proposals"]) for section in response.context["sections"])


@pytest.mark.parametrize("persona", ["jp_member", "sponsor_softbank"])
def test_the_home_page_costs_the_same_for_10_and_500_proposals(
    request, client, make_proposal, sponsor_ge, persona
):
    user = request.getfixturevalue(persona)
    model = make_proposal("in_review", co_sponsors=["GE Vernova"])
    add_copies(model, 9)
    client.force_login(user)
    few, response = _queries(lambda: client.get("/"))
    assert _listed_at_home(response) == 10

    add_copies(model, 490)
    many, response = _queries(lambda: client.get("/"))

    assert _listed_at_home(response) > 10
    assert many == few
