"""The review form names both ends of every scale, risk's the right way round."""

from __future__ import annotations

from django.test import Client

from committee.models import Review


def test_the_risk_scale_says_which_end_is_low_risk(make_proposal, us_member):
    proposal = make_proposal("in_review")
    client = Client()
    client.force_login(us_member)
    html = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "1 (high risk)" in html and "5 (low risk)" in html
    assert "1 (weak)" in html and "5 (strong)" in html

    response = client.post(
        f"/proposals/{proposal.pk}/reviews/",
        {
            "strategic_fit": 4,
            "financial_viability": 4,
            "risk": 5,
            "execution": 4,
            "recommendation": "approve",
            "visibility": "committee",
        },
    )
    assert response.status_code == 302
    assert Review.objects.get().risk == 5  # the API field and its meaning are unchanged
    html = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Risk (5 = low risk)" in html
