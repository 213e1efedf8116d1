"""Mail follows the decision log: queued on commit, swept by beat, each recipient told once."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max, Q
from kombu.exceptions import OperationalError as BrokerDown

from core.decision_log import decision_log_append
from core.models import DecisionLogEntry, Role
from notifications.dispatch import MAIL, decision_log_dispatch, mail_for
from notifications.models import DispatchCursor, Notification
from notifications.services import Outgoing, active_users
from notifications.tasks import dispatch_decision_log
from projects.services import proposal_transition

VOTERS = {"alice", "sato", "bob", "carol", "yuki", "aiko"}
STAFF_AND_CHAIRS = {"laura", "mei", "alice", "sato"}


def recipients():
    return sorted(m.to[0].split("@")[0] for m in mail.outbox)


def cursor() -> int:
    return DispatchCursor.objects.get(id=1).seq


def last_seq() -> int:
    return DecisionLogEntry.objects.aggregate(last=Max("seq"))["last"]


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def registry():
    """The mail registry as it was before the test, put back after it."""
    saved = dict(MAIL)
    yield MAIL
    MAIL.clear()
    MAIL.update(saved)


def queued_dispatches(callbacks) -> int:
    return sum("dispatch_decision_log" in c.__qualname__ for c in callbacks)


def test_an_entry_that_calls_for_mail_queues_the_dispatcher_on_commit_and_others_do_not(
    make_proposal, committee, capture
):
    proposal = make_proposal("submitted")
    with capture() as callbacks:
        proposal_transition(user=committee["us_staff"], proposal_id=proposal.pk, action="accept")
    assert queued_dispatches(callbacks) == 0
    with capture() as callbacks:
        proposal_transition(
            user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot"
        )
    assert queued_dispatches(callbacks) == 1
    assert mail.outbox == []  # nothing is sent before the commit


def test_mail_lost_at_commit_because_the_broker_was_down_goes_out_with_the_sweep(
    make_proposal, committee, capture, monkeypatch, caplog
):
    proposal = make_proposal("in_review")

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(dispatch_decision_log, "delay", broker_down)
    with capture(execute=True):
        proposal_transition(
            user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot"
        )
    assert "Connection refused" in caplog.text  # logged, not answered to the chair
    assert mail.outbox == []
    monkeypatch.undo()

    # The beat schedule runs the same task every minute.
    schedule = django_settings.CELERY_BEAT_SCHEDULE.values()
    assert any(job["task"] == "notifications.tasks.dispatch_decision_log" for job in schedule)
    assert dispatch_decision_log.delay().get() == len(VOTERS)
    assert recipients() == sorted(VOTERS)
    assert cursor() == last_seq()
    assert dispatch_decision_log.delay().get() == 0
    assert len(mail.outbox) == len(VOTERS)


def test_the_dispatcher_run_twice_over_the_same_entries_mails_nobody_twice(
    make_proposal, committee, capture
):
    proposal = make_proposal("in_review")
    proposal_transition(user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    # A second dispatcher that reads the cursor before the first has moved it.
    DispatchCursor.objects.filter(id=1).update(seq=0)
    assert decision_log_dispatch() == len(VOTERS)
    DispatchCursor.objects.filter(id=1).update(seq=0)
    assert decision_log_dispatch() == 0
    assert recipients() == sorted(VOTERS)


class ReentrantBackend:
    """Delivers to the outbox; on its first message, a second dispatcher runs to the end.

    That is two workers at once, interleaved at the worst moment: the second reads the
    entry the first is in the middle of mailing, before the first has moved the cursor.
    """

    nested: list[int] = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        if not ReentrantBackend.nested:
            ReentrantBackend.nested.append(-1)
            ReentrantBackend.nested[0] = decision_log_dispatch()
        return len(messages)


def test_two_dispatchers_at_once_tell_each_recipient_once(make_proposal, committee, settings):
    proposal = make_proposal("in_review")
    proposal_transition(user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    settings.EMAIL_BACKEND = f"{__name__}.ReentrantBackend"
    ReentrantBackend.nested = []
    first = decision_log_dispatch()
    (second,) = ReentrantBackend.nested
    assert first + second == len(VOTERS) and second == len(VOTERS) - 1
    assert recipients() == sorted(VOTERS)
    assert Notification.objects.filter(event="ballot_opened").count() == len(VOTERS)
    assert cursor() == last_seq()


class DeadSMTP:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_mail_server_down_stops_the_run_before_the_entry_and_the_sweep_sends_it(
    make_proposal, committee, settings
):
    proposal = make_proposal("submitted")
    before = last_seq()
    proposal_transition(
        user=committee["us_staff"], proposal_id=proposal.pk, action="return", comment="Add X."
    )
    settings.EMAIL_BACKEND = f"{__name__}.DeadSMTP"
    with pytest.raises(ConnectionRefusedError):
        decision_log_dispatch()
    assert cursor() == before
    assert not Notification.objects.exists()  # the failed claim was given back

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert decision_log_dispatch() == 1
    assert recipients() == ["ken"] and "Add X." in mail.outbox[0].body


def test_an_entry_whose_handler_fails_is_logged_and_later_mail_still_goes_out(
    make_proposal, committee, monkeypatch, caplog
):
    def broken(entry):
        raise KeyError("condition")

    monkeypatch.setitem(MAIL, "condition_overdue", broken)
    proposal = make_proposal("in_review")
    with transaction.atomic():
        decision_log_append(actor=None, event="condition_overdue", data={})
    proposal_transition(user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    assert decision_log_dispatch() == len(VOTERS)
    assert "mail for decision log entry" in caplog.text and "skipped" in caplog.text
    assert cursor() == last_seq()


def test_a_sweep_over_past_entries_mails_only_what_still_holds(make_proposal, committee):
    make_proposal("approved")
    DispatchCursor.objects.filter(id=1).update(seq=0)
    # Its opening and closing are past: the ballot is closed, so only the outcome is mailed.
    assert decision_log_dispatch() > 0
    assert {n.event for n in Notification.objects.all()} == {"ballot_closed"}
    assert cursor() == last_seq()


def test_mail_for_a_new_event_is_one_function_and_its_templates(
    db, committee, capture, registry, settings, tmp_path
):
    folder = tmp_path / "notifications" / "mail"
    folder.mkdir(parents=True)
    (folder / "budget_exceeded_subject.txt").write_text("Limit {{ limit }} breached")
    (folder / "budget_exceeded.txt").write_text("{{ limit }} is over. {{ url }}")
    (folder / "budget_exceeded.html").write_text(
        '{% extends "notifications/mail/base.html" %}{% block heading %}{{ limit }}{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    settings.ACCORD_SITE_URL = "https://accord.example.org"

    @mail_for("budget_exceeded")
    def budget_exceeded(entry):
        return Outgoing(
            key=f"log:{entry.seq}",
            recipients=active_users(Q(membership__role__in=[Role.STAFF, Role.CHAIR])),
            link="/exposure/",
            context={"limit": entry.data["limit"]},
        )

    assert registry["budget_exceeded"] is budget_exceeded
    with capture(execute=True), transaction.atomic():
        decision_log_append(actor=None, event="budget_exceeded", data={"limit": "equity"})
    assert recipients() == sorted(STAFF_AND_CHAIRS)
    assert mail.outbox[0].subject == "Limit equity breached"
    assert "equity is over. https://accord.example.org/exposure/" in mail.outbox[0].body


def test_a_second_handler_for_one_event_or_a_name_too_long_to_claim_is_refused(registry):
    with pytest.raises(ImproperlyConfigured, match="ballot_opened"):
        mail_for("ballot_opened")(lambda entry: None)
    with pytest.raises(ImproperlyConfigured, match="too long"):
        mail_for("x" * 33)(lambda entry: None)


def test_the_migration_starts_the_cursor_after_the_entries_already_logged(make_proposal):
    make_proposal("approved")
    DispatchCursor.objects.all().delete()
    migration = importlib.import_module("notifications.migrations.0002_dispatch_cursor")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.start_at_the_end_of_the_log(apps, editor)
    assert cursor() == last_seq() > 0
    assert decision_log_dispatch() == 0
