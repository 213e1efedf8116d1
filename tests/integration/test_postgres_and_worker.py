"""On PostgreSQL with Redis and a real worker: what the embedded default cannot show."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from committee.services import vote_cast
from committee.tasks import close_due_ballots
from core.decision_log import decision_log_append, decision_log_verify
from core.models import DecisionLogEntry
from projects.models import Proposal
from projects.services import proposal_transition
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WRITERS = 8
APPENDS_EACH = 25


def test_it_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_eight_concurrent_writers_leave_a_gapless_verifying_chain():
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for i in range(APPENDS_EACH):
                with transaction.atomic():
                    decision_log_append(
                        actor=f"writer-{number}", event="load_test", data={"i": i, "w": number}
                    )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    seqs = list(DecisionLogEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * APPENDS_EACH + 1))
    result = decision_log_verify()
    assert result.ok and result.entries == WRITERS * APPENDS_EACH


def test_the_database_refuses_to_truncate_the_log():
    with transaction.atomic():
        decision_log_append(actor="system", event="probe")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE committee_decisionlogentry")


def test_a_real_worker_closes_a_ballot_once_its_deadline_passes(
    celery_worker_process, make_proposal, committee
):
    proposal = make_proposal("in_review")
    closes_at = timezone.now() + dt.timedelta(seconds=2)
    proposal_transition(
        user=committee["us_chair"],
        proposal_id=proposal.pk,
        action="open_ballot",
        closes_at=closes_at,
    )
    for name in ("us_chair", "us_member", "jp_chair", "jp_member"):
        vote_cast(user=committee[name], proposal_id=proposal.pk, choice="for")
    wait_for(lambda: timezone.now() > closes_at, timeout=5)

    close_due_ballots.delay()

    def decided():
        return Proposal.objects.get(pk=proposal.pk).status == "approved"

    wait_for(decided, timeout=30)
    closing = DecisionLogEntry.objects.get(event="ballot_closed", proposal=proposal.reference)
    assert closing.actor == "system"
    assert decision_log_verify().ok
