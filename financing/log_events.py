"""The financing events of the decision log: their names and the data behind typed columns."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.log_events import EventSpec, register_data, register_events


def register() -> None:
    """Name the events this app appends (called from ``FinancingConfig.ready``)."""
    register_events(
        [
            EventSpec("instrument_committed", _("Instrument committed")),
            EventSpec("transaction_recorded", _("Transaction recorded")),
            EventSpec("fx_rate_set", _("FX rate set"), {"amount": (), "comment": ("source",)}),
            EventSpec("distribution_recorded", _("Distribution recorded")),
            EventSpec("limit_breached", _("Program limit breached")),
            EventSpec("limit_cleared", _("Program limit breach cleared")),
            EventSpec("approval_requested", _("Entry waiting for a second staff user")),
            EventSpec("approval_approved", _("Entry approved by a second staff user")),
            EventSpec("approval_rejected", _("Entry rejected by a second staff user")),
            EventSpec("transaction_reversed", _("Transaction reversed")),
            EventSpec("distribution_reversed", _("Distribution reversed")),
            EventSpec("true_up_arose", _("True-up owed")),
            EventSpec("true_up_cleared", _("True-up no longer owed")),
            EventSpec("true_up_settled", _("True-up settled")),
        ]
    )
    register_data(
        {
            "signed_on": _("Signed on"),
            "covers": _("Covers instrument"),
            "cover_ratio": _("Share covered"),
            "confirmed": _("Large move confirmed"),
            "previous_source": _("Previous source"),
            "as_of": _("As of"),
            "limit": _("Limit"),
            "limit_usd": _("Limit (USD)"),
            "committed_usd": _("Committed in USD"),
            "made_by": _("Entered by"),
            "what": _("Entry"),
        },
        usd=("japan_investment", "japan_recovered", "committed_usd", "limit_usd"),
        # Ids of rows the entry's other facts already name; the quoted rate is said by the
        # rate sentence.
        quiet=("approval", "entry", "reversal", "true_up", "jpy_per_usd"),
        words={"program": _("Program total"), **_what_words()},
    )


def _what_words() -> dict:
    from .models import Approval

    return dict(Approval.What.choices)
