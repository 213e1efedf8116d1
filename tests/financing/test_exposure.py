"""The program's exposure (docs/ledger.md): today from the job's snapshots converted at today's
rate, other days on request, the same figures either way; the job rewrites only what changed
and records each day's totals; a missing rate flags the row and never counts as zero."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from financing import services
from financing.exposure_job import recompute_exposure
from financing.models import ExposureDay, Instrument
from financing.selectors import today
from tests.financing.ledger_fixtures import commit, days_ago, record

D = Decimal
URL = "/api/v1/exposure/"
ROW_KEYS = {
    "id", "proposal", "kind", "provider", "currency", "committed", "exposure", "undrawn",
    "claims", "exposure_usd",
}  # fmt: skip
TOTAL_KEYS = {"by_kind", "by_provider", "by_sector", "by_sponsor", "by_currency", "all"}


@pytest.fixture
def ledger(us_staff, funded, django_capture_on_commit_callbacks):
    """A USD loan, a JPY equity stake and a JPY guarantee, with money moved 30 and 10 days ago;
    the JPY rate exists only from 20 days ago."""
    with django_capture_on_commit_callbacks(execute=True):
        services.fx_rate_set(
            user=us_staff, date=days_ago(20), currency="JPY", usd_per_unit="0.0065"
        )
        services.fx_rate_set(user=us_staff, date=days_ago(5), currency="JPY", usd_per_unit="0.0070")
        loan = commit(us_staff, funded, "loan", "JBIC", "USD", "1000.00")
        equity = commit(us_staff, funded, "equity", "private", "JPY", "100000.00")
        guarantee = commit(us_staff, funded, "guarantee", "NEXI", "JPY", "50000.00")
        record(us_staff, loan, "disbursement", "600.00", days_ago(30))
        record(us_staff, loan, "repayment", "100.00", days_ago(10))
        record(us_staff, equity, "contribution", "40000.00", days_ago(30))
        record(us_staff, guarantee, "issue", "30000.00", days_ago(30))
        record(us_staff, guarantee, "call", "10000.00", days_ago(10))
    return {"loan": loan, "equity": equity, "guarantee": guarantee}


def stamps_now():
    """When each instrument's figures were last written."""
    return dict(Instrument.objects.values_list("id", "figures_computed_at"))


def rows_by_kind(body):
    return {row["kind"]: row for row in body["instruments"]}


def test_today_comes_from_the_snapshots_in_the_contracts_shape(api, jp_member, ledger):
    body = api(jp_member).get(URL).json()

    assert {"as_of", "computed_at", "complete", "instruments", "totals"} <= set(body)
    assert body["as_of"] == str(today()) and body["complete"] is True
    rows = rows_by_kind(body)
    assert all(set(row) >= ROW_KEYS for row in rows.values())
    assert (rows["loan"]["exposure"], rows["loan"]["exposure_usd"]) == ("500.00", "500.00")
    # 40,000 JPY at today's rate (0.0070, from 5 days ago) = 280 USD.
    assert rows["equity"]["exposure_usd"] == "280.00"
    assert (rows["guarantee"]["exposure"], rows["guarantee"]["claims"]) == ("20000.00", "10000.00")
    assert rows["guarantee"]["exposure_usd"] == "140.00"
    totals = body["totals"]
    assert set(totals) >= TOTAL_KEYS
    assert totals["all"] == "920.00"
    assert totals["by_kind"] == {"equity": "280.00", "guarantee": "140.00", "loan": "500.00"}
    assert totals["by_provider"] == {"JBIC": "500.00", "NEXI": "140.00", "private": "280.00"}
    assert totals["by_currency"] == {"JPY": "420.00", "USD": "500.00"}
    assert totals["by_sector"] == {"energy_storage": "920.00"}
    assert totals["by_sponsor"] == {"SoftBank Group": "920.00"}
    stored = Instrument.objects.get(pk=ledger["equity"].pk)
    assert body["computed_at"].startswith(str(stored.figures_computed_at.date()))


def test_a_day_without_a_yen_rate_flags_the_rows_and_marks_the_totals_incomplete(
    api, us_staff, ledger
):
    body = api(us_staff).get(URL, {"as_of": str(days_ago(25))}).json()

    assert body["complete"] is False
    rows = rows_by_kind(body)
    assert rows["equity"]["exposure_usd"] is None and rows["equity"]["rate_missing"] is True
    assert rows["equity"]["exposure"] == "40000.00"  # still shown in yen
    assert rows["loan"]["rate_missing"] is False
    # Only the dollar loan counts: 600 disbursed, the repayment came later. Never a zero.
    assert body["totals"]["all"] == "600.00"
    assert body["totals"]["by_currency"]["JPY"] == "0.00"


def test_a_past_day_converts_at_the_latest_rate_on_or_before_it(api, us_staff, ledger):
    body = api(us_staff).get(URL, {"as_of": str(days_ago(15))}).json()
    rows = rows_by_kind(body)
    assert body["complete"] is True
    assert rows["equity"]["usd_per_unit"] == "0.0065000000"
    assert rows["equity"]["exposure_usd"] == "260.00"
    assert rows["guarantee"]["exposure"] == "30000.00"  # the call came 10 days ago
    assert rows["loan"]["exposure"] == "600.00"


def test_another_day_on_request_equals_the_jobs_totals_of_that_day(api, us_staff, ledger):
    day = days_ago(12)
    on_request = api(us_staff).get(URL, {"as_of": str(day)}).json()
    stamps = stamps_now()

    call_command("recompute_exposure", "--as-of", str(day), stdout=io.StringIO())

    recorded = ExposureDay.objects.get(as_of=day)
    assert str(recorded.exposure_usd) == on_request["totals"]["all"] == "1055.00"
    assert str(recorded.committed_usd) == on_request["committed_totals"]["all"]
    assert (recorded.instruments, recorded.missing) == (3, 0)
    # The instruments hold today's figures, unchanged: the run rewrote none of them.
    assert stamps_now() == stamps


def test_a_day_without_a_rate_is_recorded_with_its_missing_rows_not_as_zero(us_staff, ledger):
    call_command("recompute_exposure", "--as-of", str(days_ago(25)), stdout=io.StringIO())

    recorded = ExposureDay.objects.get(as_of=days_ago(25))
    assert (recorded.instruments, recorded.missing) == (3, 2)
    assert recorded.exposure_usd == D("600.00")  # the dollar loan alone


def test_a_new_rate_converts_today_at_once_and_rewrites_no_figure(
    api, us_staff, ledger, django_capture_on_commit_callbacks
):
    stamps = stamps_now()

    with django_capture_on_commit_callbacks(execute=True):
        services.fx_rate_set(
            user=us_staff, date=today(), currency="JPY", usd_per_unit="0.0050", confirm=True
        )

    rows = rows_by_kind(api(us_staff).get(URL).json())
    assert rows["equity"]["exposure_usd"] == "200.00"  # 40,000 JPY at 0.0050
    assert rows["equity"]["usd_per_unit"] == "0.0050000000"
    assert stamps_now() == stamps


def test_a_rate_entered_late_records_again_the_totals_it_converts(
    us_staff, ledger, django_capture_on_commit_callbacks
):
    for day in (days_ago(12), days_ago(3)):
        recompute_exposure(as_of=day)
    assert ExposureDay.objects.get(as_of=days_ago(12)).exposure_usd == D("1055.00")
    checked = ExposureDay.objects.get(as_of=today()).checked_at

    with django_capture_on_commit_callbacks(execute=True):
        services.fx_rate_set(
            user=us_staff, date=days_ago(15), currency="JPY", usd_per_unit="0.0060"
        )

    # 600 USD + 40,000 and 30,000 JPY at the new 0.0060; three days ago converts at the
    # rate of five days ago, which the new one does not replace.
    assert ExposureDay.objects.get(as_of=days_ago(12)).exposure_usd == D("1020.00")
    assert ExposureDay.objects.get(as_of=days_ago(3)).exposure_usd == D("920.00")
    # Only totals: the figures, in their own currencies, were not checked again.
    assert ExposureDay.objects.get(as_of=today()).checked_at == checked


def test_the_nightly_run_makes_unchanged_figures_as_fresh_as_itself(api, us_staff, ledger):
    written = Instrument.objects.get(pk=ledger["loan"].pk).figures_computed_at
    later = timezone.now() + dt.timedelta(minutes=30)

    with time_machine.travel(later, tick=False):
        assert recompute_exposure() == 0  # nothing changed, nothing rewritten
        body = api(us_staff).get(URL).json()

    assert Instrument.objects.get(pk=ledger["loan"].pk).figures_computed_at == written
    assert body["computed_at"] == later.isoformat().replace("+00:00", "Z")


def test_before_the_days_run_the_figures_are_as_fresh_as_the_last_run(api, us_staff, ledger):
    recompute_exposure()
    checked = ExposureDay.objects.get(as_of=today()).checked_at

    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        body = api(us_staff).get(URL).json()

    assert body["as_of"] == str(today() + dt.timedelta(days=1))
    assert body["computed_at"] == checked.isoformat().replace("+00:00", "Z")
    assert body["totals"]["all"] == "920.00"


def test_the_nightly_run_records_the_month_end_just_closed_once(us_staff, ledger):
    closed = today().replace(day=1) - dt.timedelta(days=1)

    recompute_exposure()
    recorded = ExposureDay.objects.get(as_of=closed)
    recompute_exposure()

    assert ExposureDay.objects.get(as_of=closed).totals_at == recorded.totals_at
    assert recorded.instruments == 3 and recorded.exposure_usd is not None


def test_the_job_is_idempotent(us_staff, ledger):
    first = list(Instrument.objects.order_by("id").values())
    recompute_exposure(as_of=today())
    day = ExposureDay.objects.values().get(as_of=today())
    recompute_exposure(as_of=today())
    again = list(Instrument.objects.order_by("id").values())
    assert again == first and len(again) == 3  # nothing changed: not even a time stamp
    day_again = ExposureDay.objects.values().get(as_of=today())
    strip = ("checked_at", "totals_at")
    assert {k: v for k, v in day_again.items() if k not in strip} == {
        k: v for k, v in day.items() if k not in strip
    }
    assert day_again["exposure_usd"] == D("920.00")


def test_a_re_run_rewrites_only_the_figures_that_changed(us_staff, ledger):
    stamps = stamps_now()
    assert recompute_exposure() == 0
    assert stamps_now() == stamps

    record(us_staff, ledger["loan"], "repayment", "5.00", days_ago(1))
    assert recompute_exposure() == 1
    loan = Instrument.objects.get(pk=ledger["loan"].pk)
    assert loan.exposure == D("495.00") and loan.figures_computed_at > stamps[loan.pk]
    assert loan.figures_as_of == today()


def test_an_instrument_the_job_has_not_reached_is_computed_on_request(
    api, us_staff, funded, jpy_rate
):
    loan = commit(us_staff, funded)  # on_commit callbacks not run: no figures yet
    record(us_staff, loan, "disbursement", "70.00")
    assert Instrument.objects.get(pk=loan.pk).figures_computed_at is None
    (row,) = api(us_staff).get(URL).json()["instruments"]
    assert row["exposure_usd"] == "70.00"


def test_a_stale_snapshot_shows_until_the_job_runs(api, us_staff, funded, jpy_rate):
    loan = commit(us_staff, funded)
    recompute_exposure()
    record(us_staff, loan, "disbursement", "70.00")  # its on_commit job has not run
    assert api(us_staff).get(URL).json()["totals"]["all"] == "0.00"
    recompute_exposure(instrument_ids=[loan.pk])
    assert api(us_staff).get(URL).json()["totals"]["all"] == "70.00"


def test_the_limits_are_shown_with_their_use(api, us_staff, funded, jpy_rate):
    commit(us_staff, funded, kind="equity", committed="1100000000.00")
    limits = api(us_staff).get(URL).json()["limits"]
    assert limits["equity"]["limit_usd"] == "11000000000.00"
    assert limits["equity"]["utilisation_percent"] == "10.00"
    assert limits["program"]["limit_usd"] == "550000000000.00"
    assert limits["program"]["committed_usd"] == "1100000000.00"


@pytest.mark.parametrize("persona", ["us_staff", "us_chair", "jp_member", "jp_observer"])
def test_the_committee_and_staff_read_the_exposure(api, request, persona):
    assert api(request.getfixturevalue(persona)).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["sponsor_softbank", "outsider"])
def test_a_sponsor_or_an_outsider_gets_403(api, request, persona):
    response = api(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 403 and response.json()["detail"]


@pytest.mark.parametrize("bad", ["yesterday", "2026-02-30", "2026-1-1x", "0000-01-01"])
def test_a_bad_as_of_is_400(api, us_staff, bad):
    response = api(us_staff).get(URL, {"as_of": bad})
    assert response.status_code == 400 and "as_of" in response.json()


def test_far_days_are_answered(api, us_staff, funded, jpy_rate):
    commit(us_staff, funded)
    for day in ("0001-01-01", "9999-12-31"):
        assert api(us_staff).get(URL, {"as_of": day}).status_code == 200


@pytest.mark.parametrize("as_of", [None, "2020-01-01"])
def test_the_exposure_costs_the_same_queries_for_three_or_thirty_instruments(
    api, us_staff, funded, jpy_rate, django_assert_max_num_queries, as_of
):
    params = {"as_of": as_of} if as_of else {}

    def grow(count):
        for _ in range(count):
            loan = commit(us_staff, funded, currency="JPY", committed="100.00")
            record(us_staff, loan, "disbursement", "10.00", dt.date(2019, 1, 1))
        recompute_exposure()

    grow(3)
    with django_assert_max_num_queries(12) as few:
        assert len(api(us_staff).get(URL, params).json()["instruments"]) == 3
    grow(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api(us_staff).get(URL, params).json()["instruments"]) == 30


@pytest.mark.parametrize(
    ("yen", "rate", "usd"),
    [
        ("1", "0.125", "0.12"),  # a tie: half-even keeps the even cent
        ("1", "0.135", "0.14"),
        ("3", "0.0065", "0.02"),  # 0.0195
        ("77", "0.0065", "0.50"),  # 0.5005
        ("123456789", "0.0066", "814814.81"),  # 814814.8074
    ],
)
def test_the_usd_figure_rounds_half_even_on_every_database(
    api, us_staff, funded, django_capture_on_commit_callbacks, yen, rate, usd
):
    """Today's snapshot and a past day computed on request give the same cents, on SQLite
    (floats: the product is made in Python) as on PostgreSQL (numerics)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.fx_rate_set(user=us_staff, date=days_ago(20), currency="JPY", usd_per_unit=rate)
        loan = commit(us_staff, funded, "loan", "JBIC", "JPY", "200000000")
        record(us_staff, loan, "disbursement", yen, days_ago(10))
    today_row = api(us_staff).get(URL).json()["instruments"][0]
    past_row = api(us_staff).get(URL, {"as_of": str(days_ago(1))}).json()["instruments"][0]
    assert today_row["exposure_usd"] == usd
    assert past_row["exposure_usd"] == usd
