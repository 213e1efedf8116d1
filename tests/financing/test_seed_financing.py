"""``seed_financing``: demo money on top of ``seed_demo``, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from core.decision_log import decision_log_verify
from financing.models import Distribution, ExposureDay, Instrument


def test_it_needs_the_demo_users_first(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_financing")


def test_it_funds_the_demo_projects_once(db, capsys):
    call_command("seed_demo")
    call_command("seed_financing")
    instruments, distributions = Instrument.objects.count(), Distribution.objects.count()
    assert instruments > 0 and distributions > 0
    # Every instrument's figures written; the last twelve month-ends' totals for the trend.
    assert not Instrument.objects.filter(figures_computed_at__isnull=True).exists()
    assert ExposureDay.objects.filter(totals_at__isnull=False).count() >= 12
    assert {d.phase for d in Distribution.objects.all()} <= {"pre_recovery", "crossing"}
    call_command("seed_financing")
    assert (Instrument.objects.count(), Distribution.objects.count()) == (
        instruments,
        distributions,
    )
    assert decision_log_verify().ok
