"""The proposal list's cached pages: a page is served from the cache only while nothing it
depends on has changed, whoever or whatever made the change (``projects.db``).

Every test commits its writes (``transaction=True``), as requests do, so the cache is used on
both databases. On PostgreSQL a transaction that has written and not committed reads afresh;
``tests/integration/test_list_cache_postgres.py`` shows that, and other sessions' commits.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from projects import db, services
from projects.models import Proposal, ProposalGroupObjectPermission, Sponsor
from tests.conftest import GOOD_DRAFT, token_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_list_cache")]


def listing(client: APIClient, query: str = "") -> dict:
    response = client.get(f"/api/v1/proposals/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def afresh(client: APIClient, query: str = "") -> dict:
    """The same request with nothing cached: what the answer must be."""
    caches["lists"].clear()
    return listing(client, query)


def titles(body: dict) -> list[str]:
    return [row["title"] for row in body["results"]]


def test_a_second_read_is_served_from_the_cache(make_proposal, us_member,
                                                django_assert_num_queries):  # fmt: skip
    make_proposal("in_review", title="Westinghouse AP1000, Georgia")
    make_proposal("voting", title="SMR fleet, Tennessee")
    client = token_client(us_member)
    first = listing(client)
    assert first["count"] == 2
    # The token, the member's groups, the list's version: no count, no page, no co-sponsors.
    with django_assert_num_queries(3):
        second = listing(client)
    assert second == first


def _rename_by_update(proposal, **_):
    Proposal.objects.filter(pk=proposal.pk).update(title="Renamed without signals")
    return lambda body: "Renamed without signals" in titles(body)


def _rename_in_sql(proposal, **_):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_proposal SET title = %s WHERE id = %s", ["Renamed in SQL", proposal.pk]
        )
    return lambda body: "Renamed in SQL" in titles(body)


def _open_the_ballot(proposal, committee, **_):
    services.proposal_transition(user=committee["us_chair"], proposal_id=proposal.pk,
                                 action="open_ballot")  # fmt: skip
    return lambda body: body["results"][0]["status"] == "voting"


def _rename_the_sponsor(proposal, **_):
    Sponsor.objects.filter(pk=proposal.sponsor_id).update(name="SoftBank Corp.")
    return lambda body: body["results"][0]["sponsor"] == "SoftBank Corp."


def _add_a_co_sponsor(proposal, hitachi, **_):
    proposal.co_sponsors.add(hitachi)
    return lambda body: body["results"][0]["co_sponsors"] == ["Hitachi"]


def _withdraw_the_grants(proposal, **_):
    ProposalGroupObjectPermission.objects.filter(content_object=proposal).delete()
    return lambda body: body["count"] == 0 and body["results"] == []


def _another_proposal(proposal, make_proposal, **_):
    make_proposal("in_review", title="Grid build-out, Texas")
    return lambda body: body["count"] == 2


def _leave_the_committee(proposal, us_member, **_):
    us_member.groups.clear()
    return lambda body: body["count"] == 0


CHANGES = {
    "title changed by a queryset update (no signals)": _rename_by_update,
    "title changed in SQL by another client": _rename_in_sql,
    "status changed by the workflow": _open_the_ballot,
    "the sponsor renamed": _rename_the_sponsor,
    "a co-sponsor added": _add_a_co_sponsor,
    "the grants to see it removed": _withdraw_the_grants,
    "a new proposal granted to the reader": _another_proposal,
    "the reader's groups changed": _leave_the_committee,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_is_seen_at_once(change, make_proposal, committee, us_member, hitachi):
    proposal = make_proposal("in_review", title="Westinghouse AP1000, Georgia")
    client = token_client(us_member)
    before = listing(client)
    assert before["count"] == 1
    shows_it = change(proposal, committee=committee, us_member=us_member, hitachi=hitachi,
                      make_proposal=make_proposal)  # fmt: skip
    after = listing(client)
    assert shows_it(after), after
    assert after == afresh(client)


def test_pages_and_filters_are_kept_apart(sponsor_softbank):
    def draft(title: str) -> None:
        services.proposal_create(user=sponsor_softbank, **{**GOOD_DRAFT, "title": title})

    for number in range(50):
        draft(f"Draft {number}")
    client = token_client(sponsor_softbank)
    first = listing(client)
    assert (first["count"], len(first["results"]), first["next"]) == (50, 50, None)
    assert client.get("/api/v1/proposals/?page=2").status_code == 404
    assert listing(client, "?status=submitted")["count"] == 0

    draft("Draft 50")  # a 404 was not kept: the second page now exists
    first, second = listing(client), listing(client, "?page=2")
    assert (first["count"], len(second["results"]), second["next"]) == (51, 1, None)
    assert first["next"] and second["previous"]
    assert listing(client, "?page=last") == second
    assert listing(client, "?status=draft")["count"] == 51
    assert listing(client, "?status=submitted")["count"] == 0

    draft("Draft 51")
    assert len(listing(client, "?page=2")["results"]) == 2
    assert listing(client)["count"] == 52
    assert listing(client, "?q=Draft 51")["count"] == 1


def test_readers_with_other_groups_do_not_share_pages(make_proposal, sponsor_softbank,
                                                      sponsor_hitachi, us_member):  # fmt: skip
    make_proposal("draft", title="SoftBank's own draft")
    assert listing(token_client(sponsor_softbank))["count"] == 1
    assert listing(token_client(sponsor_hitachi))["count"] == 0
    assert listing(token_client(us_member))["count"] == 0


OPERATIONS = st.lists(
    st.sampled_from(["create", "edit", "rename", "co_sponsor", "submit", "accept", "update"]),
    min_size=1,
    max_size=6,
)
QUERIES = ("", "?status=draft", "?status=submitted,in_review", "?q=Draft", "?sponsor=Hitachi")


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(operations=OPERATIONS)
def test_cached_answers_always_equal_fresh_ones(operations, sponsor_softbank, hitachi, us_staff,
                                                us_member):  # fmt: skip
    """Random runs of writes, each followed by every reader's every query: the cached answer
    is the fresh one (the database keeps what earlier examples wrote)."""
    readers = [token_client(user) for user in (sponsor_softbank, us_staff, us_member)]
    for operation in operations:
        for client in readers:
            for query in QUERIES:
                listing(client, query)  # fill the cache before the write
        drafts = Proposal.objects.filter(status="draft").order_by("id")
        submitted = Proposal.objects.filter(status="submitted").order_by("id")
        if operation == "create" or not drafts.exists():
            services.proposal_create(user=sponsor_softbank, **{**GOOD_DRAFT, "title": "Draft"})
        elif operation == "edit":
            services.proposal_update(user=sponsor_softbank, proposal_id=drafts.first().pk,
                                     title="Draft, edited")  # fmt: skip
        elif operation == "rename":
            Sponsor.objects.filter(pk=hitachi.pk).update(name=f"Hitachi {Sponsor.objects.count()}")
            Sponsor.objects.filter(pk=hitachi.pk).update(name="Hitachi")
        elif operation == "co_sponsor":
            drafts.last().co_sponsors.add(hitachi)
        elif operation == "submit":
            services.proposal_transition(user=sponsor_softbank, proposal_id=drafts.first().pk,
                                         action="submit")  # fmt: skip
        elif operation == "accept" and submitted.exists():
            services.proposal_transition(user=us_staff, proposal_id=submitted.first().pk,
                                         action="accept")  # fmt: skip
        else:
            drafts.update(title="Draft")
        cached = {(n, query): listing(client, query) for n, client in enumerate(readers)
                  for query in QUERIES}  # fmt: skip
        for (n, query), answer in cached.items():
            assert answer == afresh(readers[n], query), (operation, n, query)


def test_a_very_large_page_is_not_kept(sponsor_softbank, django_assert_num_queries):
    for number in range(3):
        services.proposal_create(
            user=sponsor_softbank,
            **{**GOOD_DRAFT, "title": f"Long {number}", "description": "x" * 100_000},
        )
    client = token_client(sponsor_softbank)
    first = listing(client)
    # Over 256 KB of values: read afresh each time (token, groups, version, count, page,
    # co-sponsors), so the bounded cache never holds megabytes per process.
    with django_assert_num_queries(6):
        assert listing(client) == first


def test_every_versioned_table_has_its_triggers_and_migrate_puts_lost_ones_back():
    """A SQLite table rebuilt by a later migration loses its triggers; ``migrate`` (its
    ``post_migrate``) installs them again, or the cache would outlive the writes."""
    assert db.installed_triggers(connection) == db.TRIGGER_COUNT[connection.vendor]
    db.drop_list_version(connection)
    assert db.installed_triggers(connection) == 0
    call_command("migrate", verbosity=0)
    assert db.installed_triggers(connection) == db.TRIGGER_COUNT[connection.vendor]


def test_spellings_of_one_page_and_empty_filters_share_an_entry(sponsor_softbank):
    services.proposal_create(user=sponsor_softbank, **GOOD_DRAFT)
    client = token_client(sponsor_softbank)
    listing(client)
    assert len(caches["lists"]._cache) == 1
    for query in ("?page=1", "?page=01", "?q=", "?sponsor=&q="):
        listing(client, query)
    assert len(caches["lists"]._cache) == 1
    assert client.get("/api/v1/proposals/?page=²").status_code == 404
    assert client.get(f"/api/v1/proposals/?page={'9' * 5000}").status_code == 404
