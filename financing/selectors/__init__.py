"""Reads of the program's money, always filtered by the permission policy.

By sub-domain: ``ledger`` (instruments, transactions, FX, exposure and limits: docs/ledger.md),
``sharing`` (Japan's investment, distributions and recovery: §7) and ``dashboard`` (the
exposure page's grouped figures and the yen stress). Callers use ``financing.selectors``.
"""

from .approvals import approvals_list, approvals_waiting_for
from .dashboard import exposure_dashboard, exposure_groups, exposure_series, exposure_stress
from .ledger import (
    approved_amount,
    committed_usd_totals,
    exposure_days_converted_by,
    exposure_figures,
    exposure_report,
    fx_rate_on,
    fx_rates_list,
    instrument_get,
    instruments_for,
    ledger_figures,
    program_limits,
    today,
    transactions_for,
)
from .restatement import (
    announced_true_up,
    announced_true_ups,
    recovery_report,
    restatement,
)
from .sharing import (
    distributions_for,
    japan_investment,
    proposal_transactions,
    recovery_position,
    recovery_table,
)

__all__ = [
    "announced_true_up",
    "announced_true_ups",
    "approvals_list",
    "approvals_waiting_for",
    "recovery_report",
    "restatement",
    "approved_amount",
    "exposure_figures",
    "committed_usd_totals",
    "distributions_for",
    "exposure_dashboard",
    "exposure_days_converted_by",
    "exposure_groups",
    "exposure_report",
    "exposure_series",
    "exposure_stress",
    "fx_rate_on",
    "fx_rates_list",
    "instrument_get",
    "instruments_for",
    "japan_investment",
    "ledger_figures",
    "program_limits",
    "proposal_transactions",
    "recovery_position",
    "recovery_table",
    "today",
    "transactions_for",
]
