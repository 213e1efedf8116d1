"""No recovery phase is shown while Japan has invested nothing or while J cannot be valued."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from financing import rules, services
from financing.selectors import today
from tests.financing.ledger_fixtures import commit, days_ago, record


@pytest.mark.parametrize(
    ("investment", "complete", "phase", "shown"),
    [
        (Decimal(0), True, "post_recovery", rules.NO_INVESTMENT),
        (Decimal(0), False, "post_recovery", rules.UNVALUED),
        (Decimal(100), False, "pre_recovery", rules.UNVALUED),
        (Decimal(100), True, "pre_recovery", "pre_recovery"),
        (Decimal(100), True, "post_recovery", "post_recovery"),
    ],
)
def test_the_phase_shown(investment, complete, phase, shown):
    assert rules.phase_shown(investment=investment, complete=complete, phase=phase) == shown


@pytest.fixture
def staff_page(us_staff):
    client = Client()
    client.force_login(us_staff)
    return client


def badge_area(html: str) -> str:
    """The financing card's header, where the phase badge sits."""
    start = html.index('id="financing"')
    return html[start : html.index("</header>", start)]


def test_right_after_approval_the_project_shows_no_recovery_phase(staff_page, funded):
    html = staff_page.get(f"/proposals/{funded.pk}/").content.decode()
    assert "No Japanese money disbursed yet" in badge_area(html)
    assert "After recovery" not in badge_area(html)
    exposure = staff_page.get("/exposure/").content.decode()
    assert "No Japanese money disbursed yet" in exposure and "After recovery" not in exposure


def test_once_japan_has_disbursed_the_phase_shows(staff_page, us_staff, funded):
    loan = commit(us_staff, funded, provider="JBIC")
    record(us_staff, loan, "disbursement", "100.00")
    html = staff_page.get(f"/proposals/{funded.pk}/").content.decode()
    assert "Before recovery" in badge_area(html)


def test_a_yen_disbursement_without_a_rate_shows_no_phase(staff_page, us_staff, funded):
    # A rate from today only: the disbursement five days back has none to convert at.
    services.fx_rate_set(
        user=us_staff, date=today(), currency="JPY", usd_per_unit=Decimal("0.0066")
    )
    loan = commit(us_staff, funded, provider="NEXI", currency="JPY", committed="1000000")
    record(us_staff, loan, "disbursement", "1000", value_date=days_ago(5))
    html = staff_page.get(f"/proposals/{funded.pk}/").content.decode()
    assert "J cannot be valued yet" in badge_area(html)
    assert "recovery" not in badge_area(html).split("<h2>")[1].lower()
