"""``recompute_exposure [--as-of DATE]`` runs the job Celery runs; the admin enters FX rates."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.models import DecisionLogEntry
from financing.models import ExposureDay, FxRate, Instrument
from financing.selectors import today
from tests.financing.ledger_fixtures import commit, days_ago, record


def run(*args) -> str:
    out = io.StringIO()
    call_command("recompute_exposure", *args, stdout=out)
    return out.getvalue()


def test_it_writes_todays_snapshot_of_every_instrument_and_the_days_total(
    us_staff, funded, jpy_rate
):
    loan = commit(us_staff, funded)
    record(us_staff, loan, "disbursement", "300.00")
    commit(us_staff, funded, kind="equity", currency="JPY", committed="1000.00")

    out = run()

    assert "300.00 USD over 2 instrument(s); figures of 2 instrument(s) written" in out
    assert Instrument.objects.filter(figures_as_of=today()).count() == 2
    assert Instrument.objects.get(pk=loan.pk).exposure == Decimal("300.00")
    day = ExposureDay.objects.get(as_of=today())
    assert (day.exposure_usd, day.committed_usd) == (Decimal("300.00"), Decimal("1006.60"))
    assert "figures of 0 instrument(s) written" in run()  # nothing changed


def test_as_of_a_past_day_counts_only_what_had_moved(us_staff, funded, jpy_rate):
    loan = commit(us_staff, funded)
    record(us_staff, loan, "disbursement", "300.00", days_ago(10))
    record(us_staff, loan, "disbursement", "200.00", days_ago(2))

    out = run("--as-of", str(days_ago(5)))

    assert f"as of {days_ago(5)}: 300.00 USD over 1 instrument(s)" in out
    assert ExposureDay.objects.get(as_of=days_ago(5)).exposure_usd == Decimal("300.00")
    # The instruments' figures are today's (500 drawn): every run brings them up to date.
    assert "figures of 1 instrument(s) written" in out
    assert Instrument.objects.get(pk=loan.pk).exposure == Decimal("500.00")


def test_a_day_without_a_yen_rate_says_how_many_were_left_out(us_staff, funded, jpy_rate):
    # Signed before the day asked about, so counted then, though nothing moved on it.
    commit(
        us_staff, funded, kind="equity", currency="JPY", committed="1000", signed_on=days_ago(401)
    )
    loan = commit(us_staff, funded)
    record(us_staff, loan, "disbursement", "300.00", days_ago(400))
    before_any_rate = days_ago(380)  # the first rate is a year old

    out = run("--as-of", str(before_any_rate))

    assert "300.00 USD over 2 instrument(s), 1 without a rate (not counted)" in out
    assert ExposureDay.objects.get(as_of=before_any_rate).missing == 1


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", ""])
def test_a_bad_date_exits_non_zero_with_a_reason(db, bad):
    with pytest.raises(CommandError, match="not a date") as refused:
        run("--as-of", bad)
    assert refused.value.returncode == 1


def test_with_no_instruments_it_recomputes_nothing(db):
    assert "0.00 USD over 0 instrument(s); figures of 0 instrument(s) written" in run()


def test_staff_enter_a_rate_in_the_admin_and_the_log_records_it(client, us_staff, us_chair):
    us_staff.is_staff = True
    us_staff.is_superuser = True
    us_staff.save()
    client.force_login(us_staff)
    body = {"date": str(days_ago(1)), "currency": "JPY", "usd_per_unit": "0.0068"}

    response = client.post("/admin/financing/fxrate/add/", body)

    assert response.status_code == 302, response.content[:500]
    assert FxRate.objects.get().usd_per_unit == Decimal("0.0068")
    assert DecisionLogEntry.objects.latest("seq").event == "fx_rate_set"
    future = {**body, "date": str(days_ago(-3))}
    assert client.post("/admin/financing/fxrate/add/", future).status_code == 200  # form error
    assert FxRate.objects.count() == 1
