"""Attaching documents through the services: who, when, what is stored and what is logged."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command

from committee.services import review_submit
from core.decision_log import decision_log_verify
from core.errors import Invalid, InvalidState, NotAllowed, NotVisible
from core.models import DecisionLogEntry
from documents import services
from documents.models import Document
from projects.services import proposal_transition
from tests.documents import files

SCORES = {"strategic_fit": 4, "financial_viability": 3, "risk": 3, "execution": 4}


def add(user, proposal, upload=None, **extra):
    return services.document_add(
        user=user,
        proposal_id=proposal.pk,
        kind=extra.pop("kind", "term_sheet"),
        title=extra.pop("title", "Term sheet"),
        upload=upload or files.term_sheet(),
        **extra,
    )


def test_a_sponsor_attaches_a_term_sheet_to_a_draft_and_the_log_records_its_hash(
    make_proposal, sponsor_softbank, media_root
):
    proposal = make_proposal("draft")
    document = add(sponsor_softbank, proposal)

    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert document.size == len(files.PDF)
    assert document.content_type == "application/pdf"
    assert document.filename == "term-sheet.pdf"
    with document.file.open("rb") as stored:
        assert stored.read() == files.PDF
    assert "term-sheet" not in document.file.name  # storage names never carry the user's name
    entry = DecisionLogEntry.objects.filter(event="document_added").get()
    assert entry.proposal == proposal.reference
    assert entry.data["sha256"] == document.sha256
    assert entry.data["document"] == document.pk
    assert "title" not in entry.data  # a draft's content stays out of the staff export
    assert decision_log_verify().ok


def test_it_refuses_a_pdf_name_with_executable_content_and_stores_nothing(
    make_proposal, sponsor_softbank, media_root
):
    proposal = make_proposal("draft")
    with pytest.raises(Invalid) as refused:
        add(sponsor_softbank, proposal, files.upload("term-sheet.pdf", files.ELF))

    assert "file" in refused.value.detail
    assert Document.objects.count() == 0
    assert files.stored_names() == []
    assert not DecisionLogEntry.objects.filter(event="document_added").exists()


def test_it_refuses_a_file_whose_name_disagrees_with_its_content(
    make_proposal, sponsor_softbank, media_root
):
    proposal = make_proposal("draft")
    with pytest.raises(Invalid) as refused:
        add(sponsor_softbank, proposal, files.upload("model.xlsx", files.PDF))
    assert "PDF" in refused.value.detail["file"][0]
    assert files.stored_names() == []


def test_it_refuses_an_oversized_file_without_writing_it_to_storage(
    make_proposal, sponsor_softbank, settings, media_root
):
    settings.ACCORD_MAX_UPLOAD_BYTES = len(files.PDF) - 1
    proposal = make_proposal("draft")
    with pytest.raises(Invalid) as refused:
        add(sponsor_softbank, proposal)

    assert "larger" in refused.value.detail["file"][0]
    assert not media_root.exists() or not any(media_root.rglob("*"))
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "photo"}, "kind"), ({"title": "  "}, "title"), ({"title": "x" * 301}, "title")],
)
def test_it_refuses_bad_fields_with_a_message_per_field(
    make_proposal, sponsor_softbank, media_root, fields, field
):
    proposal = make_proposal("draft")
    with pytest.raises(Invalid) as refused:
        add(sponsor_softbank, proposal, **fields)
    assert field in refused.value.detail
    assert files.stored_names() == []


def test_only_the_lead_sponsor_attaches_to_a_draft(
    make_proposal, sponsor_ge, ge_vernova, sponsor_westinghouse, us_staff, media_root
):
    proposal = make_proposal("draft", co_sponsors=["GE Vernova"])
    for user in (sponsor_ge, sponsor_westinghouse, us_staff):  # none of them sees a draft
        with pytest.raises(NotVisible):
            add(user, proposal)
    assert files.stored_names() == []


def test_a_co_sponsor_sees_but_never_attaches(make_proposal, sponsor_ge, ge_vernova, media_root):
    proposal = make_proposal("submitted", co_sponsors=["GE Vernova"])
    with pytest.raises(NotAllowed):
        add(sponsor_ge, proposal)


def test_the_sponsor_keeps_attaching_until_the_vote_closes(
    make_proposal, sponsor_softbank, media_root
):
    for state in ("submitted", "in_review", "voting"):
        document = add(sponsor_softbank, make_proposal(state), title=f"Term sheet ({state})")
        assert document.party == "sponsor"
    stored = files.stored_names()
    for state in ("approved", "withdrawn"):
        with pytest.raises(InvalidState):
            add(sponsor_softbank, make_proposal(state))
    assert files.stored_names() == stored


def test_a_new_version_sent_while_voting_leaves_the_frozen_package_as_it_was(
    make_proposal, sponsor_softbank, us_staff, us_chair, media_root
):
    proposal = make_proposal("draft")
    first = add(sponsor_softbank, proposal)
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="accept")
    proposal_transition(user=us_chair, proposal_id=proposal.pk, action="open_ballot")
    package = proposal.packages.get()
    frozen = (bytes(package.canonical), package.sha256)

    newer = add(
        sponsor_softbank,
        proposal,
        files.upload("term-sheet.pdf", files.PDF + b"% signed\n"),
        supersedes_id=first.pk,
    )
    assert newer.supersedes_id == first.pk
    package.refresh_from_db()
    assert (bytes(package.canonical), package.sha256) == frozen
    assert [d["id"] for d in json.loads(frozen[0])["documents"]] == [first.pk]


def test_staff_attach_memos_from_submission_on(make_proposal, us_staff, jp_staff, media_root):
    for state in ("submitted", "in_review", "voting", "approved"):
        proposal = make_proposal(state)
        document = add(us_staff, proposal, kind="memo", title=f"Screening memo ({state})")
        assert document.party == "secretariat"


def test_members_and_chairs_attach_review_material_only_in_review_or_voting(
    make_proposal, jp_member, us_chair, us_observer, media_root
):
    for state in ("in_review", "voting"):
        proposal = make_proposal(state)
        add(jp_member, proposal, upload=files.upload("analysis.csv", files.CSV), kind="other")
        add(us_chair, proposal, upload=files.upload("chart.png", files.png()), kind="other")
        with pytest.raises(NotAllowed):
            add(us_observer, proposal)
    approved = make_proposal("approved")
    with pytest.raises(InvalidState):
        add(jp_member, approved)


def test_a_new_version_supersedes_the_old_one_which_stays_unchanged(
    make_proposal, sponsor_softbank, committee, media_root
):
    proposal = make_proposal("draft")
    first = add(sponsor_softbank, proposal)
    second = add(
        sponsor_softbank,
        proposal,
        files.upload("term-sheet-v2.pdf", files.PDF + b"% v2\n"),
        supersedes_id=first.pk,
    )
    assert second.supersedes_id == first.pk
    first.refresh_from_db()
    assert first.sha256 == hashlib.sha256(files.PDF).hexdigest()
    with first.file.open("rb") as old:
        assert old.read() == files.PDF

    # Only the newest version can be replaced, and never twice.
    with pytest.raises(Invalid) as refused:
        add(sponsor_softbank, proposal, supersedes_id=first.pk)
    assert "supersedes" in refused.value.detail


def test_only_the_party_that_attached_a_document_replaces_it(
    make_proposal, sponsor_softbank, us_staff, media_root
):
    proposal = make_proposal("draft")
    term_sheet = add(sponsor_softbank, proposal)
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    with pytest.raises(Invalid) as refused:
        add(us_staff, proposal, kind="memo", supersedes_id=term_sheet.pk)
    assert "supersedes" in refused.value.detail


def test_documents_are_never_edited_or_deleted_once_the_proposal_left_draft(
    make_proposal, sponsor_softbank, us_staff, media_root
):
    proposal = make_proposal("draft")
    document = add(sponsor_softbank, proposal)
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")

    # There is no edit or delete service; a new version is the one way to change a file, and
    # the old version stays as it was, bytes and all.
    assert not [
        name
        for name in dir(services)
        if name.startswith("document_")
        and ("delete" in name or "update" in name or "remove" in name)
    ]
    newer = add(
        sponsor_softbank,
        proposal,
        files.upload("term-sheet.pdf", files.PDF + b"% v2\n"),
        supersedes_id=document.pk,
    )
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert sorted(files.stored_names()) == sorted([document.file.name, newer.file.name])


def test_a_failed_record_removes_the_stored_file(
    make_proposal, sponsor_softbank, media_root, monkeypatch
):
    proposal = make_proposal("draft")

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "decision_log_append", boom)
    with pytest.raises(RuntimeError):
        add(sponsor_softbank, proposal)
    assert files.stored_names() == []
    assert Document.objects.count() == 0


# --- The decision package -------------------------------------------------------------------


def review(user, proposal, recommendation, comments, visibility):
    review_submit(
        user=user,
        proposal_id=proposal.pk,
        scores=SCORES,
        recommendation=recommendation,
        comments=comments,
        visibility=visibility,
    )


def test_opening_a_ballot_freezes_the_package_and_logs_its_hash(
    make_proposal, sponsor_softbank, us_staff, us_chair, jp_member, us_member, media_root
):
    proposal = make_proposal("draft")
    old = add(sponsor_softbank, proposal)
    current = add(
        sponsor_softbank,
        proposal,
        files.upload("term-sheet.pdf", files.PDF + b"% final\n"),
        supersedes_id=old.pk,
    )
    xlsx = files.upload("model.xlsx", files.ooxml("xlsx"))
    model = add(sponsor_softbank, proposal, xlsx, kind="financial_model", title="Model")
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="accept")
    review(jp_member, proposal, "approve", "良い案件", "committee")
    review(us_member, proposal, "reject", "US eyes only", "delegation")
    proposal_transition(user=us_chair, proposal_id=proposal.pk, action="open_ballot")

    package = proposal.packages.get()
    canonical = bytes(package.canonical)
    assert hashlib.sha256(canonical).hexdigest() == package.sha256
    entry = DecisionLogEntry.objects.filter(event="ballot_opened").get()
    assert entry.data["package_sha256"] == package.sha256
    assert decision_log_verify().ok
    out = io.StringIO()
    call_command("verify_decision_log", stdout=out)
    assert out.getvalue().startswith("OK ")

    body = json.loads(canonical)
    # Canonical: sorted keys, compact separators, non-ASCII kept.
    assert canonical == json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "良い案件".encode() in canonical
    assert [d["id"] for d in body["documents"]] == [current.pk, model.pk]  # not the superseded
    assert body["documents"][0]["sha256"] == current.sha256
    assert body["proposal"]["reference"] == proposal.reference
    assert body["proposal"]["amount_requested"] == "4000000000.00"
    assert [r["comments"] for r in body["reviews"]] == ["良い案件"]
    assert body["delegation_only_reviews"] == {"US": 1, "JP": 0}
    assert b"US eyes only" not in canonical


def test_each_ballot_gets_its_own_package(make_proposal, us_chair, jp_chair, media_root):
    proposal = make_proposal("voting")
    proposal_transition(user=jp_chair, proposal_id=proposal.pk, action="close_ballot")  # no quorum
    proposal_transition(user=us_chair, proposal_id=proposal.pk, action="open_ballot")
    packages = list(proposal.packages.order_by("id"))
    assert len(packages) == 2
    assert packages[0].ballot_id != packages[1].ballot_id
    hashes = [
        e.data["package_sha256"] for e in DecisionLogEntry.objects.filter(event="ballot_opened")
    ]
    assert hashes == [p.sha256 for p in packages]


def test_freezing_the_same_record_twice_gives_the_same_bytes(make_proposal, media_root):
    from core import rules

    proposal = make_proposal("voting")
    ballot = proposal.ballots.get()
    first = rules.canonical_json(services.package_contents(proposal=proposal, ballot_id=ballot.pk))
    again = rules.canonical_json(services.package_contents(proposal=proposal, ballot_id=ballot.pk))
    assert first == again == bytes(proposal.packages.get().canonical)
