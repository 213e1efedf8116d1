"""Documents in a real browser: a sponsor attaches a term sheet, the proposal goes to a
ballot, and a member opens the decision package and downloads the document (docs/documents.md)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.decision_log import decision_log_verify
from core.models import DecisionLogEntry
from documents.models import Document
from projects.services import proposal_transition
from tests.documents import files

pytestmark = pytest.mark.e2e


def test_a_member_opens_the_package_and_downloads_the_sponsors_term_sheet(
    live_server,
    page,
    another_page,
    sign_in,
    make_proposal,
    sponsor_softbank,
    us_staff,
    us_chair,
    jp_member,
    tmp_path,
):
    proposal = make_proposal("draft")
    term_sheet = tmp_path / "term-sheet.pdf"
    term_sheet.write_bytes(files.PDF)

    sign_in(sponsor_softbank)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    # The plain file input works as it is; drag and drop only fills it.
    page.get_by_label("File").set_input_files(str(term_sheet))
    page.get_by_label("Kind").select_option("term_sheet")
    page.get_by_label("Title").fill("Term sheet, JBIC senior loan")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents")).to_contain_text("Term sheet, JBIC senior loan")
    document = Document.objects.get()
    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()

    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="accept")
    chair = another_page()
    sign_in(us_chair, chair)
    chair.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    chair.get_by_role("button", name="Open ballot").click()
    expect(chair.locator("#ballot")).to_contain_text("Voting on decision package")
    package_sha256 = proposal.packages.get().sha256
    logged = DecisionLogEntry.objects.get(event="ballot_opened").data["package_sha256"]
    assert logged == package_sha256

    member = another_page()
    sign_in(jp_member, member)
    member.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    member.locator("#ballot").get_by_role("link", name=package_sha256[:12]).click()
    expect(member).to_have_url(re.compile(rf"/proposals/{proposal.pk}/package/$"))
    expect(member.locator(".package-sha256")).to_have_text(package_sha256)
    with member.expect_download() as download:
        member.get_by_role("link", name="Term sheet, JBIC senior loan").click()
    assert download.value.suggested_filename == "term-sheet.pdf"
    assert Path(download.value.path()).read_bytes() == files.PDF
    assert decision_log_verify().ok


def test_a_file_dropped_on_the_panel_fills_the_file_field(
    live_server, page, sign_in, make_proposal, sponsor_softbank
):
    proposal = make_proposal("draft")
    sign_in(sponsor_softbank)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    zone = page.locator("[data-dropzone-area]")
    expect(zone).to_have_class(re.compile("dropzone-ready"))
    transfer = page.evaluate_handle(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["a,b\\n1,2\\n"], "cash-flows.csv", {type: "text/csv"}));
            return transfer;
        }"""
    )
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    expect(page.get_by_label("Title")).to_have_value("cash-flows")
    page.get_by_label("Kind").select_option("financial_model")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents")).to_contain_text("cash-flows.csv")
    assert Document.objects.get().content_type == "text/csv"
