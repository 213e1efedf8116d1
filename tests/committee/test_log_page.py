"""The log page reads like prose: money with currency and USD, rates as yen per dollar, splits,
tallies and reasons, in the reader's language; filters by label or code, any-case references,
and dates it cannot read named in a clear message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from committee.log_prose import prose
from financing import services as financing
from tests.financing.ledger_fixtures import commit, days_ago


@pytest.fixture
def money_log(make_proposal, us_staff):
    proposal = make_proposal("funding")
    financing.fx_rate_set(
        user=us_staff, date=days_ago(30), currency="JPY", usd_per_unit=Decimal("0.0066")
    )
    commit(us_staff, proposal, kind="guarantee", provider="NEXI", currency="JPY", committed="5000")
    commit(us_staff, proposal, committed="1000.00")
    financing.distribution_record(
        user=us_staff,
        proposal_id=proposal.pk,
        amount=Decimal("100.00"),
        currency="USD",
        date=days_ago(5),
    )
    return proposal


def page(client, user, query="", lang="en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/decision-log/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_money_in_words(client, money_log, us_chair):
    html = page(client, us_chair)
    assert "151.52 yen per dollar" in html
    assert "Committed: JPY 5,000" in html
    assert "Committed: USD 1,000.00" in html
    assert "Split: Japan USD" in html
    assert "Tally: US 3 for, 0 against, 0 abstaining" in html
    assert "FX rate set" in html


def test_the_page_reads_in_japanese(client, money_log, jp_member):
    html = page(client, jp_member, lang="ja")
    assert "1ドル＝151.52円" in html
    assert "為替レートを設定" in html
    assert "コミット額" in html
    assert "Fx rate set" not in html and "FX rate set" not in html


@pytest.mark.parametrize("needle", ["fx_rate_set", "FX rate", "fx rate set", "rate set"])
def test_the_event_filter_takes_a_label_or_a_code(client, money_log, us_chair, needle):
    html = page(client, us_chair, f"?event={needle}")
    assert "yen per dollar" in html
    assert 'title="ballot_closed"' not in html


def test_the_event_filter_takes_a_japanese_label(client, money_log, jp_member):
    html = page(client, jp_member, "?event=為替", lang="ja")
    assert "1ドル＝151.52円" in html


def test_votes_are_found_by_their_label(api, money_log, us_chair):
    body = api(us_chair).get("/api/v1/decision-log/?event=Vote cast").json()
    assert body["count"] == 6
    assert {row["event"] for row in body["results"]} == {"vote_cast"}


def test_the_reference_filter_ignores_case(api, money_log, us_chair):
    response = api(us_chair).get(f"/api/v1/decision-log/?proposal={money_log.reference.lower()}")
    body = response.json()
    assert body["count"] > 5
    assert {row["proposal"] for row in body["results"]} == {money_log.reference}


def test_a_date_it_cannot_read_gets_a_clear_message(client, api, money_log, us_chair):
    html = page(client, us_chair, "?since=02/12/2026")
    assert "YYYY-MM-DD" in html
    assert "field-errors" in html
    response = api(us_chair).get("/api/v1/decision-log/?since=02/12/2026")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in str(response.json())


def test_the_page_names_people_by_full_name(client, money_log, us_staff, us_chair):
    us_staff.first_name, us_staff.last_name = "Dana", "Whitfield"
    us_staff.save()
    assert "Dana Whitfield" in page(client, us_chair)


def test_every_fact_reads_in_the_readers_words(client, money_log, jp_member):
    """Keys the financing app writes are named by it; USD amounts read as money; a signing
    date, Japan's investment and what Japan has received read in Japanese."""
    html = page(client, jp_member, lang="ja")
    assert "署名日：" in html and "Signed on" not in html
    assert "日本の投資額：USD 0.00" in html  # with its currency, as money
    assert "Jpy per usd" not in html and "Confirmed" not in html
    english = page(client, jp_member)
    assert "Signed on: " in english and "Japan&#x27;s investment: USD 0.00" in english


def test_a_value_that_is_a_record_or_a_time_reads_as_words():
    data = {
        "was": {"text": "A signed offtake agreement.", "due": "2099-01-01"},
        "closes_at": "2026-12-05T07:08:28.674133Z",
        "confirmed": True,
        "lang": "ja",
        "japan_investment": "594305799.01",
    }
    with translation.override("en"):
        lines = prose("condition_edited", data)
    assert lines == [
        "Japan's investment: USD 594,305,799.01",
        "Was: Text: A signed offtake agreement.; Due: 2099-01-01",
        "Closes: 2026-12-05 07:08 UTC",
        "Large move confirmed: Yes",
        "Language: Japanese",
    ]


def test_a_time_that_is_not_one_is_shown_as_written():
    with translation.override("en"):
        assert prose("x", {"closes_at": "2026-13-45T99:00:00Z"}) == ["Closes: 2026-13-45T99:00:00Z"]
