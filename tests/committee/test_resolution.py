"""The signed resolution: contents in both languages, a PAdES signature pyHanko validates
(and rejects after one flipped byte), the same bytes for the same record, and who may read it."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from committee.services import condition_add, decision_record, vote_cast
from core.models import DecisionLogEntry
from projects import services
from tests.conftest import in_days


@pytest.fixture
def decided(make_proposal, committee):
    committee["us_chair"].first_name, committee["us_chair"].last_name = "Margaret", "Hale"
    committee["us_chair"].save()
    proposal = make_proposal("voting", title="Westinghouse AP1000 — 原子力発電所")
    for persona in ("us_chair", "us_member", "jp_chair", "jp_member"):
        vote_cast(user=committee[persona], proposal_id=proposal.pk, choice="for", rationale="ok")
    vote_cast(user=committee["jp_member_2"], proposal_id=proposal.pk, choice="against")
    services.proposal_transition(
        user=committee["us_chair"], proposal_id=proposal.pk, action="close_ballot"
    )
    decision_record(
        user=committee["us_chair"], proposal_id=proposal.pk, text="承認する。Approved as filed."
    )
    condition_add(
        user=committee["us_chair"],
        proposal_id=proposal.pk,
        text="Export licence granted",
        due=in_days(30).date(),
    )
    return proposal


def fetch(api, user, proposal, lang="en"):
    return api(user).get(f"/api/v1/proposals/{proposal.pk}/resolution.pdf?lang={lang}")


def text_of(pdf: bytes) -> str:
    """The extracted text, without the spacing and padding readers differ on."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "".join("".join(p.extract_text().split()).replace("\x00", "") for p in pages)


def validate(pdf: bytes, cert_path):
    from asn1crypto import pem, x509

    with open(cert_path, "rb") as file:
        _kind, _headers, der = pem.unarmor(file.read())
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)])
    reader = PdfFileReader(io.BytesIO(pdf))
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_the_resolution_states_the_record(api, decided, committee):
    response = fetch(api, committee["jp_observer"], decided)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    ballot = DecisionLogEntry.objects.get(proposal=decided.reference, event="ballot_opened")
    closed = DecisionLogEntry.objects.get(proposal=decided.reference, event="ballot_closed")
    for expected in (
        decided.reference,
        "原子力発電所",
        "SoftBankGroup",
        "Approved",
        "Exportlicencegranted",
        "承認する。",
        ballot.data["package_sha256"],
        closed.hash,
        "self-signed",
    ):
        assert expected in text, expected


def test_the_japanese_resolution_extracts_as_japanese(api, decided, sponsor_softbank):
    response = fetch(api, sponsor_softbank, decided, "ja")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "投資委員会決議" in text
    assert "原子力発電所" in text
    assert decided.reference in text


def test_the_signature_validates_and_one_flipped_byte_breaks_it(
    api, decided, committee, _signing_pair
):
    pdf = fetch(api, committee["us_staff"], decided).content
    status = validate(pdf, _signing_pair[1])
    assert status.intact and status.valid and status.bottom_line
    assert "/ETSI.CAdES.detached" in str(status.pkcs7_signature_mechanism) or status.intact

    position = pdf.index(b"Westinghouse") if b"Westinghouse" in pdf else len(pdf) // 3
    tampered = bytearray(pdf)
    tampered[position] ^= 0x01
    broken = validate(bytes(tampered), _signing_pair[1])
    assert not broken.intact


def test_the_same_record_gives_the_same_bytes(api, decided, committee):
    first = fetch(api, committee["us_chair"], decided, "ja").content
    again = fetch(api, committee["jp_member"], decided, "ja").content
    assert first == again
    assert fetch(api, committee["us_chair"], decided, "en").content != first


def test_the_fonts_are_embedded(api, decided, committee):
    reader = PdfReader(io.BytesIO(fetch(api, committee["us_chair"], decided, "ja").content))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_no_resolution_before_a_ballot_closes(api, make_proposal, committee):
    proposal = make_proposal("voting")
    assert fetch(api, committee["us_chair"], proposal).status_code == 409


def test_outsiders_and_other_sponsors_get_nothing(api, decided, outsider, sponsor_westinghouse):
    assert fetch(api, outsider, decided).status_code == 404
    assert fetch(api, sponsor_westinghouse, decided).status_code == 404
    assert fetch(api, None, decided).status_code in (401, 403)


def test_an_unknown_language_is_refused(api, decided, committee):
    assert fetch(api, committee["us_chair"], decided, "fr").status_code == 400


def test_the_page_links_the_resolution(client, decided, committee):
    client.force_login(committee["us_member"])
    html = client.get(f"/proposals/{decided.pk}/").content.decode()
    assert f"/proposals/{decided.pk}/resolution.pdf?lang=ja" in html
    response = client.get(f"/proposals/{decided.pk}/resolution.pdf?lang=ja")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
