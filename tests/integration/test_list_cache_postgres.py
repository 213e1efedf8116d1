"""The proposal list's cache on PostgreSQL, across sessions: the version token changes when a
write commits, never before, and a transaction that has written reads its own writes.

The cases every database shares are in ``tests/projects/test_list_cache.py``.
"""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from projects import db, services
from projects.models import Proposal
from tests.conftest import GOOD_DRAFT, token_client

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_list_cache"),
]


def titles(client: APIClient) -> list[str]:
    response = client.get("/api/v1/proposals/")
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_another_sessions_write_is_seen_when_it_commits_not_before(make_proposal, us_member):
    proposal = make_proposal("in_review", title="Before")
    client = token_client(us_member)
    assert titles(client) == ["Before"]
    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def writer() -> None:
        with transaction.atomic():
            Proposal.objects.filter(pk=proposal.pk).update(title="After")
            written.set()
            release.wait(timeout=30)
        done.set()

    thread = threading.Thread(target=lambda: (writer(), connections.close_all()))
    thread.start()
    assert written.wait(timeout=30)
    token = db.list_version(connection)
    assert titles(client) == ["Before"]  # not committed: neither the rows nor the token
    assert db.list_version(connection) == token
    release.set()
    assert done.wait(timeout=30)
    thread.join(timeout=30)
    assert db.list_version(connection) != token
    assert titles(client) == ["After"]


def test_a_transaction_reads_its_own_writes_and_a_rollback_changes_nothing(make_proposal,
                                                                          us_member):  # fmt: skip
    proposal = make_proposal("in_review", title="Before")
    client = token_client(us_member)
    assert titles(client) == ["Before"]
    token = db.list_version(connection)
    with pytest.raises(RuntimeError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(title="Uncommitted")
        assert db.list_version(connection) is None  # written here: read afresh
        assert titles(client) == ["Uncommitted"]
        raise RuntimeError("roll back")
    assert db.list_version(connection) == token
    assert titles(client) == ["Before"]


def test_a_transaction_of_many_rows_commits_one_new_token(sponsor_softbank):
    """Only the first write queues the deferred trigger; the commit sets one token."""
    before = db.list_version(connection)
    with transaction.atomic():
        for number in range(30):
            services.proposal_create(user=sponsor_softbank, **{**GOOD_DRAFT, "title": f"D{number}"})
    after = db.list_version(connection)
    assert after and after != before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_listversion")
        assert cursor.fetchone()[0] == 1


def test_concurrent_writers_neither_deadlock_nor_leave_a_stale_page(sponsor_softbank, us_staff):
    """Eight sessions submit drafts and edit others at once; each transaction also appends
    to the decision log (its head row is locked too). The token is taken last, at commit,
    so no lock-order cycle: no deadlock, and the list afterwards is the fresh one."""
    drafts = [
        services.proposal_create(user=sponsor_softbank, **{**GOOD_DRAFT, "title": f"D{n}"}).pk
        for n in range(16)
    ]
    client = token_client(us_staff)
    titles(client)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            mine = drafts[number * 2 : number * 2 + 2]
            services.proposal_update(user=sponsor_softbank, proposal_id=mine[1],
                                     title=f"Edited {number}")  # fmt: skip
            services.proposal_transition(user=sponsor_softbank, proposal_id=mine[0],
                                         action="submit")  # fmt: skip
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    cached = titles(client)
    caches["lists"].clear()
    assert cached == titles(client)
    assert len(cached) == 8  # staff see the eight submitted ones


def test_a_rolled_back_savepoint_leaves_the_token_and_the_cache_in_use(make_proposal,
                                                                       us_member):  # fmt: skip
    proposal = make_proposal("in_review", title="Before")
    client = token_client(us_member)
    assert titles(client) == ["Before"]
    token = db.list_version(connection)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Proposal.objects.filter(pk=proposal.pk).update(title="Undone")
            assert db.list_version(connection) is None
            raise RuntimeError("roll back to the savepoint")
        assert db.list_version(connection) == token  # the mark went with the savepoint
        Proposal.objects.filter(pk=proposal.pk).update(title="Kept")
        assert titles(client) == ["Kept"]
    assert db.list_version(connection) not in (None, token)
    assert titles(client) == ["Kept"]


def test_truncate_replaces_the_token_at_once(make_proposal, us_member, hitachi):
    make_proposal("in_review", co_sponsors=["Hitachi"])
    client = token_client(us_member)
    assert client.get("/api/v1/proposals/").json()["results"][0]["co_sponsors"] == ["Hitachi"]
    token = db.list_version(connection)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE projects_proposal_co_sponsors")
    assert db.list_version(connection) not in (None, token)
    assert client.get("/api/v1/proposals/").json()["results"][0]["co_sponsors"] == []
