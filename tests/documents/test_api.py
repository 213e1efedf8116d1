"""The documents API (docs/documents.md): multipart uploads, the list, downloads and the package."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.decision_log import decision_log_verify
from core.models import DecisionLogEntry
from documents import services
from documents.models import Document
from tests.documents import files

LIST_FIELDS = {"id", "kind", "title", "filename", "size", "sha256", "uploaded_by", "uploaded_at",
               "superseded"}  # fmt: skip


def fresh(user):
    """The same user, without the answers the policy cached on the object."""
    return type(user).objects.get(pk=user.pk)


def post(client, proposal, upload, **fields):
    body = {"file": upload, "kind": "term_sheet", "title": "Term sheet", **fields}
    return client.post(f"/api/v1/proposals/{proposal.pk}/documents/", body, format="multipart")


def attach(user, proposal, data=files.PDF, name="term-sheet.pdf", **extra):
    return services.document_add(
        user=user,
        proposal_id=proposal.pk,
        kind=extra.get("kind", "term_sheet"),
        title=extra.get("title", "Term sheet"),
        upload=files.upload(name, data),
        supersedes_id=extra.get("supersedes_id"),
    )


def test_a_sponsor_uploads_a_term_sheet_as_multipart(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    response = post(api(sponsor_softbank), proposal, files.term_sheet())

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= LIST_FIELDS
    assert body["sha256"] == hashlib.sha256(files.PDF).hexdigest()
    assert body["uploaded_by"] == "ken"
    assert body["superseded"] is False
    assert body["filename"] == "term-sheet.pdf"
    entry = DecisionLogEntry.objects.get(event="document_added")
    assert entry.data["sha256"] == body["sha256"]


def test_an_executable_named_pdf_gets_a_400_and_nothing_is_stored(
    api, make_proposal, sponsor_softbank
):
    proposal = make_proposal("draft")
    response = post(api(sponsor_softbank), proposal, files.upload("term-sheet.pdf", files.ELF))

    assert response.status_code == 400
    assert "file" in response.json()
    assert Document.objects.count() == 0
    assert files.stored_names() == []


def damaged_docx() -> bytes:
    """A DOCX whose [Content_Types].xml part has garbage in its compressed bytes."""
    data = bytearray(files.ooxml("docx"))
    start = 30 + len("[Content_Types].xml")  # the first entry's local header, then its data
    for i in range(start, start + 20):
        data[i] ^= 0xFF
    return bytes(data)


def test_a_damaged_office_file_gets_a_400_not_a_500(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    response = post(api(sponsor_softbank), proposal, files.upload("plan.docx", damaged_docx()))

    assert response.status_code == 400, response.content
    assert "not accepted" in response.json()["file"][0]
    assert Document.objects.count() == 0
    assert files.stored_names() == []


def test_an_oversized_upload_gets_a_400_and_never_reaches_storage(
    api, make_proposal, sponsor_softbank, settings, media_root
):
    settings.ACCORD_MAX_UPLOAD_BYTES = 1000
    proposal = make_proposal("draft")
    response = post(api(sponsor_softbank), proposal, files.upload("big.pdf", files.PDF * 20))

    assert response.status_code == 400
    assert "larger than" in response.json()["file"][0]
    assert not media_root.exists() or not any(media_root.rglob("*"))
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "photo"}, "kind"), ({"title": ""}, "title"), ({"file": ""}, "file")],
)
def test_bad_fields_get_a_message_each(api, make_proposal, sponsor_softbank, fields, field):
    proposal = make_proposal("draft")
    body = {"file": files.term_sheet(), "kind": "term_sheet", "title": "T", **fields}
    response = api(sponsor_softbank).post(
        f"/api/v1/proposals/{proposal.pk}/documents/", body, format="multipart"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert files.stored_names() == []


def test_the_list_shows_every_version_in_a_fixed_number_of_queries(
    api, make_proposal, sponsor_softbank, jp_member
):
    proposal = make_proposal("draft")
    first = attach(sponsor_softbank, proposal)
    attach(sponsor_softbank, proposal, files.PDF + b"%2", supersedes_id=first.pk)
    client = api(sponsor_softbank)
    url = f"/api/v1/proposals/{proposal.pk}/documents/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        rows = client.get(url).json()
    for n in range(8):
        attach(sponsor_softbank, proposal, files.CSV, name=f"table-{n}.csv", kind="other")
    with CaptureQueriesContext(connection) as many:
        more = client.get(url).json()

    assert [row["superseded"] for row in rows] == [True, False]
    assert set(rows[0]) >= LIST_FIELDS
    assert len(more) == 10
    assert len(many) == len(few)


def test_a_download_is_an_attachment_with_the_sniffed_type(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal, files.ooxml("xlsx"), name="model.xlsx")
    response = api(sponsor_softbank).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.ooxml("xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "model.xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_download_ignores_what_the_client_accepts(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal)
    response = api(sponsor_softbank).get(
        f"/api/v1/documents/{document.pk}/download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "want"),
    [
        ("sponsor_softbank", 200),
        ("sponsor_ge", 200),  # co-sponsor: sees the proposal from submission on
        ("sponsor_westinghouse", 404),
        ("us_staff", 200),
        ("jp_staff", 200),
        ("us_chair", 200),
        ("jp_member", 200),
        ("us_observer", 200),
        ("outsider", 404),
    ],
)
def test_downloads_follow_who_may_see_the_proposal(
    request, api, make_proposal, sponsor_softbank, ge_vernova, persona, want
):
    proposal = make_proposal("draft", co_sponsors=["GE Vernova"])
    document = attach(sponsor_softbank, proposal)
    user = request.getfixturevalue(persona)
    url = f"/api/v1/documents/{document.pk}/download/"
    # In draft nobody but the lead sponsor sees it ...
    draft_answer = api(user).get(url).status_code
    assert draft_answer == (200 if persona == "sponsor_softbank" else 404)
    # ... once in review, everyone who may see the proposal downloads.
    from projects.services import proposal_transition

    us_staff = request.getfixturevalue("us_staff")
    proposal_transition(user=fresh(sponsor_softbank), proposal_id=proposal.pk, action="submit")
    proposal_transition(user=fresh(us_staff), proposal_id=proposal.pk, action="accept")
    assert api(fresh(user)).get(url).status_code == want


def test_a_download_of_an_unknown_or_unseen_document_is_404(api, sponsor_softbank, outsider):
    assert api(sponsor_softbank).get("/api/v1/documents/999999/download/").status_code == 404
    assert api(None).get("/api/v1/documents/1/download/").status_code in (401, 403)


def test_the_package_bytes_hash_to_the_ballots_package_sha256(
    api, make_proposal, sponsor_softbank, us_staff, us_chair, jp_member
):
    from projects.services import proposal_transition

    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal)
    url = f"/api/v1/proposals/{proposal.pk}/package/"
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="accept")
    assert api(fresh(jp_member)).get(url).status_code == 404  # no ballot yet
    proposal_transition(user=fresh(us_chair), proposal_id=proposal.pk, action="open_ballot")

    client = api(fresh(jp_member))
    package = client.get(url)
    ballot = client.get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert package.status_code == 200
    assert package["Content-Type"].startswith("application/json")
    assert hashlib.sha256(package.content).hexdigest() == ballot["package_sha256"]
    assert package.json()["documents"][0]["sha256"] == document.sha256
    entry = DecisionLogEntry.objects.get(event="ballot_opened")
    assert entry.data["package_sha256"] == ballot["package_sha256"]
    assert decision_log_verify().ok
    # The sponsor sees the ballot's status and outcome only, and not the package.
    sponsor = api(fresh(sponsor_softbank))
    ballot_seen = sponsor.get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert set(ballot_seen) == {"status", "outcome"}
    assert sponsor.get(url).status_code == 403


def test_a_japanese_file_name_survives_the_download(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal, name="タームシート.pdf")
    response = api(sponsor_softbank).get(f"/api/v1/documents/{document.pk}/download/")
    assert document.filename == "タームシート.pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_the_admin_shows_documents_but_changes_nothing(client, make_proposal, sponsor_softbank):
    from django.contrib.auth import get_user_model

    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    assert client.get("/admin/documents/document/").status_code == 200
    page = client.get(f"/admin/documents/document/{document.pk}/change/")
    assert page.status_code == 200
    assert client.post(f"/admin/documents/document/{document.pk}/delete/").status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


def test_stored_files_are_not_served_by_their_url(client, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal)
    client.force_login(sponsor_softbank)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/{document.file.name}").status_code == 404


def test_too_many_files_in_one_request_get_the_json_error(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("draft")
    body = {"kind": "term_sheet", "title": "T", "file": files.term_sheet()}
    body.update({f"extra{n}": files.term_sheet() for n in range(6)})
    response = post_raw(api(sponsor_softbank), proposal, body)
    assert response.status_code == 400
    assert "file" in response.json()
    assert files.stored_names() == []


def post_raw(client, proposal, body):
    return client.post(f"/api/v1/proposals/{proposal.pk}/documents/", body, format="multipart")


def test_a_file_missing_from_storage_is_a_404_not_a_500(api, make_proposal, sponsor_softbank):
    from django.core.files.storage import default_storage

    proposal = make_proposal("draft")
    document = attach(sponsor_softbank, proposal)
    default_storage.delete(document.file.name)
    response = api(sponsor_softbank).get(f"/api/v1/documents/{document.pk}/download/")
    assert response.status_code == 404
    assert "detail" in response.json()
    japanese = api(sponsor_softbank).get(
        f"/api/v1/documents/{document.pk}/download/", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert japanese.json()["detail"] == "ファイルを利用できません。"
