"""The proposal page's timeline: the last five entries shown, the earlier ones folded, and
every one names who acted by their full name (the username on hover)."""

from __future__ import annotations

import re

from django.test import Client

from projects.services import proposal_transition


def test_folded_and_shown_entries_name_the_actor_alike(make_proposal, sponsor_softbank, us_staff):
    sponsor_softbank.first_name, sponsor_softbank.last_name = "Ken", "Mori"
    sponsor_softbank.save()
    us_staff.first_name, us_staff.last_name = "Laura", "Chen"
    us_staff.save()
    proposal = make_proposal("submitted")
    for _round in range(3):  # returned and submitted again: enough entries to fold some
        proposal_transition(user=us_staff, proposal_id=proposal.pk, action="return", comment="x")
        proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    client = Client()
    client.force_login(sponsor_softbank)
    html = client.get(f"/proposals/{proposal.pk}/").content.decode()
    timeline = html[html.index('id="timeline"') :]
    folded = timeline[timeline.index("<details") : timeline.index("</details>")]
    shown = timeline[timeline.index("</details>") :]

    def actors(part: str) -> list[str]:
        return re.findall(r'<span title="([^"]+)">([^<]+)</span>', part)

    assert actors(folded) and len(actors(shown)) == 5
    for username, name in actors(folded) + actors(shown):
        expected = {sponsor_softbank.username: "Ken Mori", us_staff.username: "Laura Chen"}
        assert name == expected[username]
