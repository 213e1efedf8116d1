"""Each docs/lifecycle.md event mails exactly its recipients, once, in their language."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from committee.models import Ballot
from committee.services import (
    condition_add,
    conditions_mark_overdue,
    conflict_declare,
    decision_record,
    vote_cast,
)
from config.celery import app as celery_app
from notifications.models import Notification
from notifications.services import preference_set
from notifications.tasks import send_deadline_reminders, send_notifications
from projects.services import proposal_transition

VOTERS = {"alice", "sato", "bob", "carol", "yuki", "aiko"}
CHAIRS = {"alice", "sato"}
STAFF = {"laura", "mei"}


def recipients(outbox=None):
    """Usernames (the local part of the address) of every mail sent, in a sorted list."""
    return sorted(m.to[0].split("@")[0] for m in (outbox if outbox is not None else mail.outbox))


def act(capture, **kwargs):
    """Fire a lifecycle action and run what it queued on commit (the mail tasks)."""
    with capture(execute=True):
        return proposal_transition(**kwargs)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_a_ballot_opening_mails_every_eligible_voter_once(make_proposal, committee, capture):
    proposal = make_proposal("in_review")
    conflict_declare(
        user=committee["us_member_2"], proposal_id=proposal.pk, reason="Former employer."
    )
    closes = timezone.now() + dt.timedelta(days=3)
    act(
        capture,
        user=committee["us_chair"],
        proposal_id=proposal.pk,
        action="open_ballot",
        closes_at=closes,
    )
    assert recipients() == sorted(VOTERS - {"carol"})
    message = mail.outbox[0]
    assert proposal.reference in message.subject
    assert closes.strftime("%Y-%m-%d %H:%M") in message.subject
    assert f"http://testserver/proposals/{proposal.pk}/" in message.body or (
        f"/proposals/{proposal.pk}/" in message.body
    )
    html = message.alternatives[0]
    assert html[1] == "text/html" and proposal.reference in html[0]

    ballot = Ballot.objects.get(proposal=proposal)
    assert send_notifications.delay("ballot_opened", ballot.pk).get() == 0
    assert len(mail.outbox) == 5
    assert Notification.objects.filter(event="ballot_opened").count() == 5


def test_the_link_is_absolute_from_the_site_url_setting(
    make_proposal, committee, capture, settings
):
    settings.ACCORD_SITE_URL = "https://accord.example.org/"
    proposal = make_proposal("in_review")
    act(capture, user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    link = f"https://accord.example.org/proposals/{proposal.pk}/"
    assert all(link in m.body and link in m.alternatives[0][0] for m in mail.outbox)


def test_the_reminder_goes_24_hours_ahead_to_voters_who_have_not_voted(
    make_proposal, committee, capture
):
    proposal = make_proposal("in_review")
    closes = timezone.now() + dt.timedelta(days=2)
    proposal_transition(
        user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot", closes_at=closes
    )
    vote_cast(user=committee["us_member"], proposal_id=proposal.pk, choice="for")
    vote_cast(user=committee["jp_chair"], proposal_id=proposal.pk, choice="against")

    assert send_deadline_reminders.delay().get() == []  # two days ahead: too early
    with time_machine.travel(closes - dt.timedelta(hours=23)):
        ballot = Ballot.objects.get(proposal=proposal)
        assert send_deadline_reminders.delay().get() == [ballot.pk]
        assert send_deadline_reminders.delay().get() == []
    assert recipients() == sorted(VOTERS - {"bob", "sato"})
    assert all("Reminder" in m.subject and proposal.reference in m.subject for m in mail.outbox)


def test_a_closing_ballot_mails_voters_chairs_and_sponsors_the_outcome_only(
    make_proposal, committee, capture, sponsor_softbank, sponsor_ge, sponsor_westinghouse
):
    proposal = make_proposal("voting", co_sponsors=["GE Vernova"])
    for name, choice in (
        ("us_member", "for"),
        ("us_member_2", "abstain"),
        ("jp_member", "for"),
        ("jp_member_2", "abstain"),
    ):
        vote_cast(user=committee[name], proposal_id=proposal.pk, choice=choice)
    act(capture, user=committee["us_chair"], proposal_id=proposal.pk, action="close_ballot")
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    # Voters (bob, carol, yuki, aiko), both chairs, SoftBank's and GE Vernova's users.
    assert recipients() == sorted({"bob", "carol", "yuki", "aiko", "alice", "sato", "ken", "gary"})
    to_sponsor = next(m for m in mail.outbox if m.to == ["ken@example.org"])
    assert "Approved" in to_sponsor.subject
    assert proposal.decided_at.strftime("%Y-%m-%d") in to_sponsor.body
    for part in (to_sponsor.body, to_sponsor.alternatives[0][0]):
        for secret in ("bob", "carol", "yuki", "aiko", "abstain", "Abstain", "2 for"):
            assert secret not in part


def test_the_recorded_decision_follows_to_the_same_people(
    make_proposal, committee, capture, sponsor_softbank
):
    proposal = make_proposal("approved")
    with capture(execute=True):
        decision_record(
            user=committee["jp_chair"], proposal_id=proposal.pk, text="Approved; JBIC 60% cap."
        )
    assert "ken" in recipients() and set(recipients()) >= CHAIRS
    to_sponsor = next(m for m in mail.outbox if m.to == ["ken@example.org"])
    assert "Approved; JBIC 60% cap." in to_sponsor.body
    assert "Approved; JBIC 60% cap." in to_sponsor.alternatives[0][0]
    assert proposal.reference in to_sponsor.subject


def test_a_returned_proposal_mails_its_lead_sponsor_with_the_comment(
    make_proposal, committee, capture, sponsor_softbank, sponsor_ge
):
    proposal = make_proposal("submitted", co_sponsors=["GE Vernova"])
    act(
        capture,
        user=committee["us_staff"],
        proposal_id=proposal.pk,
        action="return",
        comment="Add the permitting timeline.",
    )
    # GE Vernova co-sponsors, but may not see the draft the proposal has become again.
    assert recipients() == ["ken"]
    assert all("Add the permitting timeline." in m.body for m in mail.outbox)
    # Returned, fixed and returned again: a second mail, about the second return.
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    act(
        capture,
        user=committee["jp_staff"],
        proposal_id=proposal.pk,
        action="return",
        comment="Now the offtake terms.",
    )
    assert len(mail.outbox) == 2 and "Now the offtake terms." in mail.outbox[-1].body


def test_an_overdue_condition_mails_staff_and_chairs_once(make_proposal, committee, capture):
    proposal = make_proposal("approved")
    due = timezone.localdate() + dt.timedelta(days=1)
    condition_add(user=committee["us_staff"], proposal_id=proposal.pk, text="Permit", due=due)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        with capture(execute=True):
            conditions_mark_overdue()
        with capture(execute=True):
            conditions_mark_overdue()
    assert recipients() == sorted(STAFF | CHAIRS)
    assert all("Permit" in m.body and proposal.reference in m.subject for m in mail.outbox)


def test_a_japanese_speaker_gets_japanese_mail(make_proposal, committee, capture):
    preference_set(user=committee["jp_member"], language="ja")
    proposal = make_proposal("in_review")
    act(capture, user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    japanese = next(m for m in mail.outbox if m.to == ["yuki@example.org"])
    english = next(m for m in mail.outbox if m.to == ["bob@example.org"])
    assert "投票" in japanese.subject and "投票" in japanese.body
    assert "投票" in japanese.alternatives[0][0]
    assert english.subject.startswith("Ballot open on")
    assert Notification.objects.get(recipient=committee["jp_member"]).language == "ja"


def test_mail_follows_the_notification_language_not_the_sites(make_proposal, committee, capture):
    # Reads the site in English, gets mail in Japanese; and the reverse.
    preference_set(user=committee["us_member"], language="en", notification_language="ja")
    preference_set(user=committee["jp_member"], language="ja", notification_language="en")
    preference_set(user=committee["jp_member_2"], language="ja")  # no choice: as the site
    proposal = make_proposal("in_review")
    act(capture, user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    to = {m.to[0].split("@")[0]: m for m in mail.outbox}
    japanese, english, following = to["bob"], to["yuki"], to["aiko"]
    assert "投票" in japanese.subject and "投票" in japanese.body
    assert "投票" in japanese.alternatives[0][0]
    assert english.subject.startswith("Ballot open on") and "投票" not in english.body
    assert "投票" not in english.alternatives[0][0]
    assert "投票" in following.subject
    languages = dict(Notification.objects.values_list("recipient__username", "language"))
    assert (languages["bob"], languages["yuki"], languages["aiko"]) == ("ja", "en", "ja")


class FlakySMTP:
    """A mail backend that fails the first time, like an SMTP server that hangs up."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakySMTP.calls += 1
        if FlakySMTP.calls == 1:
            raise ConnectionError("connection reset")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failed_send_gives_the_claim_back_so_the_retry_sends_it(
    make_proposal, committee, settings
):
    proposal = make_proposal("voting")
    ballot = Ballot.objects.get(proposal=proposal)
    settings.EMAIL_BACKEND = f"{__name__}.FlakySMTP"
    FlakySMTP.calls = 0
    with pytest.raises(ConnectionError):
        send_notifications.run("ballot_opened", ballot.pk)
    assert send_notifications.run("ballot_opened", ballot.pk) == 6
    assert send_notifications.run("ballot_opened", ballot.pk) == 0
    assert recipients() == sorted(VOTERS)


def test_the_outcome_reaches_a_japanese_sponsor_in_japanese(
    make_proposal, committee, capture, sponsor_softbank
):
    preference_set(user=sponsor_softbank, language="ja")
    proposal = make_proposal("voting")
    for name in ("us_member", "us_member_2", "jp_member", "jp_member_2"):
        vote_cast(user=committee[name], proposal_id=proposal.pk, choice="for")
    act(capture, user=committee["jp_chair"], proposal_id=proposal.pk, action="close_ballot")
    japanese = next(m for m in mail.outbox if m.to == ["ken@example.org"])
    assert "承認済み" in japanese.subject and "投票" in japanese.body
    english = next(m for m in mail.outbox if m.to == ["bob@example.org"])
    assert "Approved" in english.subject


def test_the_admin_lists_who_was_told_what(client, make_proposal, committee, capture):
    from django.contrib.auth import get_user_model

    proposal = make_proposal("in_review")
    act(capture, user=committee["us_chair"], proposal_id=proposal.pk, action="open_ballot")
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x-pass-123")
    client.force_login(admin)
    page = client.get("/admin/notifications/notification/")
    assert page.status_code == 200 and "ballot_opened" in page.content.decode()
    assert client.get("/admin/notifications/preference/").status_code == 200


class DeadSMTP:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_down_on_the_embedded_default_is_logged_not_answered_as_a_500(
    api, make_proposal, committee, settings, caplog
):
    # Eager tasks (no broker) send the mail in the request's process, after its commit: the
    # ballot is open whatever the mail server does, so the chair gets 200, and the failure
    # goes to the log, where the operator sees it.
    proposal = make_proposal("in_review")
    settings.EMAIL_BACKEND = f"{__name__}.DeadSMTP"
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)  # CI's run 2 too
    try:
        response = api(committee["us_chair"]).post(f"/api/v1/proposals/{proposal.pk}/open_ballot/")
    finally:
        celery_app.conf.update(task_always_eager=eager[0], task_eager_propagates=eager[1])
    assert response.status_code == 200, response.content
    assert Ballot.objects.get(proposal=proposal).status == "open"
    assert Notification.objects.filter(sent_at__isnull=False).count() == 0
    assert "the mail server is down" in caplog.text
