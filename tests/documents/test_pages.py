"""The documents panel on the proposal page, the upload form and the package page."""

from __future__ import annotations

import pytest
from django.test import Client

from documents import services
from documents.models import Document
from projects.services import proposal_transition
from tests.documents import files


@pytest.fixture
def web():
    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


def attach(user, proposal, data=files.PDF, name="term-sheet.pdf", title="Term sheet"):
    return services.document_add(
        user=user,
        proposal_id=proposal.pk,
        kind="term_sheet",
        title=title,
        upload=files.upload(name, data),
    )


def test_the_lead_sponsor_sees_the_panel_with_the_upload_form(web, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    attach(sponsor_softbank, proposal)
    page = web(sponsor_softbank).get(f"/proposals/{proposal.pk}/").content.decode()

    assert 'id="documents"' in page
    assert "term-sheet.pdf" in page
    assert 'enctype="multipart/form-data"' in page
    assert "js/documents.js" in page


def test_a_co_sponsor_sees_the_documents_but_no_upload_form(
    web, make_proposal, sponsor_softbank, sponsor_ge, ge_vernova
):
    proposal = make_proposal("draft", co_sponsors=["GE Vernova"])
    attach(sponsor_softbank, proposal)
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    page = web(sponsor_ge).get(f"/proposals/{proposal.pk}/").content.decode()

    assert "term-sheet.pdf" in page
    assert "document-upload" not in page and 'enctype="multipart/form-data"' not in page


def test_an_upload_through_the_page_attaches_the_file(web, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    response = web(sponsor_softbank).post(
        f"/proposals/{proposal.pk}/documents/",
        {"file": files.term_sheet(), "kind": "term_sheet", "title": "Term sheet"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/proposals/{proposal.pk}/#documents")
    assert Document.objects.get().title == "Term sheet"


def test_a_refused_file_is_shown_beside_the_field_and_nothing_is_stored(
    web, make_proposal, sponsor_softbank
):
    proposal = make_proposal("draft")
    response = web(sponsor_softbank).post(
        f"/proposals/{proposal.pk}/documents/",
        {"file": files.upload("term-sheet.pdf", files.EXE), "kind": "term_sheet", "title": "T"},
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert 'class="field has-error' in page and "field-file" in page
    assert "This kind of file is not accepted" in page
    assert files.stored_names() == []


def test_an_oversized_file_through_the_page_is_refused_beside_the_field(
    web, make_proposal, sponsor_softbank, settings, media_root
):
    settings.ACCORD_MAX_UPLOAD_BYTES = 100
    proposal = make_proposal("draft")
    response = web(sponsor_softbank).post(
        f"/proposals/{proposal.pk}/documents/",
        {"file": files.term_sheet(), "kind": "term_sheet", "title": "Term sheet"},
    )
    assert response.status_code == 400
    assert "larger than 100" in response.content.decode()
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_the_ballot_panel_names_the_package_and_late_documents_are_marked(
    web, make_proposal, sponsor_softbank, us_staff, jp_member
):
    proposal = make_proposal("voting")
    package = proposal.packages.get()
    late = attach(us_staff, proposal, title="Late memo")
    page = web(jp_member).get(f"/proposals/{proposal.pk}/").content.decode()

    assert package.sha256[:12] in page
    assert f'href="/proposals/{proposal.pk}/package/"' in page
    assert "Added after the vote opened" in page
    assert late.title in page


def test_the_package_page_shows_what_was_put_to_the_vote(
    web, make_proposal, sponsor_softbank, us_staff, us_chair, jp_member
):
    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal)
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="accept")
    proposal_transition(user=us_chair, proposal_id=proposal.pk, action="open_ballot")
    page = web(jp_member).get(f"/proposals/{proposal.pk}/package/")

    assert page.status_code == 200
    text = page.content.decode()
    assert proposal.packages.get().sha256 in text
    assert document.sha256 in text
    assert f"/api/v1/documents/{document.pk}/download/" in text


def test_the_page_is_in_japanese_too(web, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    client = web(sponsor_softbank)
    client.cookies["django_language"] = "ja"
    page = client.get(f"/proposals/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "書類" in page


def test_the_replace_choice_lists_only_what_the_users_side_attached(
    web, make_proposal, sponsor_softbank, us_staff
):
    proposal = make_proposal("draft")
    attach(sponsor_softbank, proposal, title="Sponsor's term sheet")
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    attach(us_staff, proposal, title="Screening memo")
    page = web(us_staff).get(f"/proposals/{proposal.pk}/").content.decode()
    select = page[
        page.index('name="supersedes"') : page.index("</select>", page.index('name="supersedes"'))
    ]

    assert "Screening memo" in select
    assert "Sponsor&#x27;s term sheet" not in select and "Sponsor's term sheet" not in select


@pytest.mark.parametrize("state", ["submitted", "in_review", "voting"])
def test_the_sponsor_sends_the_term_sheet_that_follows_after_submission(
    web, make_proposal, sponsor_softbank, state
):
    proposal = make_proposal(state)
    client = web(sponsor_softbank)
    assert (
        'enctype="multipart/form-data"' in client.get(f"/proposals/{proposal.pk}/").content.decode()
    )
    response = client.post(
        f"/proposals/{proposal.pk}/documents/",
        {"file": files.term_sheet(), "kind": "term_sheet", "title": "Term sheet (final)"},
    )
    assert response.status_code == 302
    assert Document.objects.get().title == "Term sheet (final)"


def test_once_decided_the_sponsor_has_no_upload_form(web, make_proposal, sponsor_softbank):
    proposal = make_proposal("approved")
    page = web(sponsor_softbank).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' not in page
