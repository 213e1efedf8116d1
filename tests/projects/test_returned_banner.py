"""A returned draft shows the secretariat's reason in a banner until it is submitted again."""

from __future__ import annotations

from django.test import Client

from projects.services import proposal_transition

REASON = "Please add the environmental permitting timeline."


def page(user, proposal) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/proposals/{proposal.pk}/").content.decode()


def test_the_sponsor_sees_why_the_draft_came_back(make_proposal, sponsor_softbank, us_staff):
    proposal = make_proposal("submitted")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="return", comment=REASON)
    html = page(sponsor_softbank, proposal)
    assert 'id="returned"' in html and REASON in html
    assert html.index('id="returned"') < html.index('id="description"')

    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    assert 'id="returned"' not in page(sponsor_softbank, proposal)


def test_a_draft_never_returned_has_no_banner(make_proposal, sponsor_softbank):
    assert 'id="returned"' not in page(sponsor_softbank, make_proposal("draft"))


def test_the_page_shows_the_latest_reason_in_japanese_too(
    make_proposal, sponsor_softbank, us_staff
):
    proposal = make_proposal("submitted")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="return", comment="first")
    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="return", comment="second")
    client = Client()
    client.force_login(sponsor_softbank)
    client.cookies["django_language"] = "ja"
    html = client.get(f"/proposals/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    banner = html[html.index('id="returned"') :]
    banner = banner[: banner.index("</section>")]
    assert "second" in banner and "first" not in banner
    assert "差し戻" in banner
