"""Mail over real SMTP from real workers, on PostgreSQL: each recipient told once.

An SMTP server (aiosmtpd) listens on a free port of 127.0.0.1; two Celery worker processes
send to it with Django's SMTP backend, so the production path is the one tested. The mail
tasks are routed to a queue only these two workers consume, so a worker started by another
test module (with another mail backend) cannot take them.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading

import pytest
from aiosmtpd.controller import Controller
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from committee.models import Ballot
from config.celery import app
from core.models import DecisionLogEntry
from notifications.models import DispatchCursor, Notification
from notifications.services import preference_set
from notifications.tasks import dispatch_decision_log, send_notifications
from projects.services import proposal_transition
from tests.integration.conftest import ROOT, _database_url, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE = "accord-test-notifications"
VOTERS = {"alice", "sato", "bob", "carol", "yuki", "aiko"}


class Inbox:
    """What the SMTP server received: one entry per envelope recipient."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[str, email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt.split("@")[0], message))
        return "250 OK"

    def to(self) -> list[str]:
        with self.lock:
            return sorted(name for name, _message in self.messages)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def _mail_worker(name: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=WARNING", "-Q", QUEUE, f"--hostname={name}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def mail_workers(smtp, django_db_setup, django_db_blocker):
    """Two worker processes on the mail queue, sending with the SMTP backend."""
    _inbox, port = smtp
    with django_db_blocker.unblock():
        database_url = _database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "ACCORD_SITE_URL": "https://accord.example.org",
    }
    names = [f"accord-mail-{n}@{socket.gethostname()}" for n in (1, 2)]
    workers = [_mail_worker(name, env) for name in names]

    def both_answer():
        if any(worker.poll() is not None for worker in workers):
            pytest.fail("a mail worker exited at start")
        return len(app.control.ping(destination=names, timeout=1)) == 2

    # Route the mail tasks to the workers' own queue while this module runs.
    saved = app.conf.task_routes
    app.conf.task_routes = {"notifications.tasks.*": {"queue": QUEUE}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        wait_for(both_answer, timeout=60, every=0.5)
        yield workers
    finally:
        app.conf.task_routes = saved
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def test_a_ballot_opening_reaches_every_eligible_voter_over_smtp_in_their_language(
    smtp, mail_workers, make_proposal, committee
):
    inbox, _port = smtp
    inbox.clear()
    preference_set(user=committee["jp_member"], language="ja")
    proposal = make_proposal("in_review")
    proposal_transition(
        user=committee["us_chair"],
        proposal_id=proposal.pk,
        action="open_ballot",
        closes_at=timezone.now() + dt.timedelta(days=2),
    )  # committed: the task goes to the workers, which send over SMTP

    wait_for(lambda: len(inbox.to()) >= len(VOTERS), timeout=60)
    assert inbox.to() == sorted(VOTERS)
    by_name = dict(inbox.messages)
    japanese, english = by_name["yuki"], by_name["bob"]
    assert proposal.reference in japanese["Subject"] and "投票" in japanese["Subject"]
    assert english["Subject"].startswith(f"Ballot open on {proposal.reference}")
    text = english.get_body(("plain",)).get_content()
    html = english.get_body(("html",)).get_content()
    link = f"https://accord.example.org/proposals/{proposal.pk}/"
    assert link in text and link in html


def test_the_same_job_run_twice_at_once_mails_nobody_twice(
    smtp, mail_workers, make_proposal, committee
):
    inbox, _port = smtp
    inbox.clear()
    proposal = make_proposal("in_review")
    proposal_transition(
        user=committee["us_chair"],
        proposal_id=proposal.pk,
        action="open_ballot",
        closes_at=timezone.now() + dt.timedelta(hours=20),
    )
    wait_for(lambda: len(inbox.to()) >= len(VOTERS), timeout=60)  # the opening's own mail
    ballot = Ballot.objects.get(proposal=proposal)
    inbox.clear()

    # The same reminder job, duplicated four times, taken by two workers at once.
    results = [send_notifications.delay("ballot_reminder", ballot.pk) for _ in range(4)]
    sent = [result.get(timeout=60) for result in results]

    assert sum(sent) == len(VOTERS)
    wait_for(lambda: len(inbox.to()) >= len(VOTERS), timeout=30)
    assert inbox.to() == sorted(VOTERS)  # each voter exactly once
    assert Notification.objects.filter(event="ballot_reminder").count() == len(VOTERS)
    assert not Notification.objects.filter(event="ballot_reminder", sent_at__isnull=True).exists()


def test_mail_the_broker_missed_at_commit_goes_out_once_when_two_workers_sweep_at_once(
    smtp, mail_workers, make_proposal, committee, monkeypatch
):
    inbox, _port = smtp
    inbox.clear()
    proposal = make_proposal("in_review")

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to the broker. Connection refused.")

    monkeypatch.setattr(dispatch_decision_log, "delay", broker_down)
    proposal_transition(
        user=committee["us_chair"],
        proposal_id=proposal.pk,
        action="open_ballot",
        closes_at=timezone.now() + dt.timedelta(days=2),
    )  # committed; queuing its mail failed and was logged
    monkeypatch.undo()
    assert inbox.to() == [] and not Notification.objects.exists()

    # The sweep, duplicated as beat and a late on-commit job might, taken by both workers.
    results = [dispatch_decision_log.delay() for _ in range(4)]
    sent = [result.get(timeout=60) for result in results]

    assert sum(sent) == len(VOTERS)
    wait_for(lambda: len(inbox.to()) >= len(VOTERS), timeout=30)
    assert inbox.to() == sorted(VOTERS)  # each voter exactly once
    last = DecisionLogEntry.objects.aggregate(last=Max("seq"))["last"]
    assert DispatchCursor.objects.get(id=1).seq == last
