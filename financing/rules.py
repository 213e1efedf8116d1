"""Pure rules of the program's money: no ORM, plain Decimals and dataclasses in and out.

The ledger (CONTRACT §6: which transaction types raise or lower exposure, undrawn, claims,
FX conversion, program limits) and profit sharing (CONTRACT §7: the waterfall, yen stress).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# How profits split (CONTRACT §7): 50/50 until Japan has recovered its investment, then Japan
# gets 10% and the US 90%. Japan's share is rounded half-even to the cent; the US gets the rest.
CENT = Decimal("0.01")
BEFORE_RECOVERY = Decimal("0.5")  # Japan's share until recovery
AFTER_RECOVERY = Decimal("0.1")  # Japan's share once recovered

PRE_RECOVERY = "pre_recovery"
CROSSING = "crossing"
POST_RECOVERY = "post_recovery"
PHASES = (PRE_RECOVERY, CROSSING, POST_RECOVERY)


@dataclass(frozen=True)
class Split:
    """One distribution of ``amount`` USD split between the two countries."""

    amount: Decimal
    japan: Decimal
    us: Decimal
    phase: str


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-even to the cent."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_EVEN)


def waterfall(*, investment: Decimal, recovered: Decimal, amount: Decimal) -> Split:
    """Split a distribution of ``amount`` USD given Japan's investment J and receipts R so far."""
    if amount <= 0:
        raise ValueError("a distribution is a positive amount")
    owed = investment - recovered  # J - R
    if owed <= 0:
        japan, phase = amount * AFTER_RECOVERY, POST_RECOVERY
    elif amount * BEFORE_RECOVERY <= owed:
        japan, phase = amount * BEFORE_RECOVERY, PRE_RECOVERY
    else:
        # The first 2(J - R) splits 50/50 (Japan gets J - R), the rest 90/10.
        japan, phase = owed + (amount - 2 * owed) * AFTER_RECOVERY, CROSSING
    japan = cents(japan)
    return Split(amount=amount, japan=japan, us=amount - japan, phase=phase)


def remaining_to_recovery(*, investment: Decimal, recovered: Decimal) -> Decimal:
    """What Japan still has to receive before the split turns 90/10 (never below zero)."""
    return max(investment - recovered, Decimal("0"))


def recovery_phase(*, investment: Decimal, recovered: Decimal) -> str:
    """Where a project stands now: recovered (post) or not yet (pre)."""
    return POST_RECOVERY if recovered >= investment else PRE_RECOVERY


def stressed_rate(usd_per_unit: Decimal, shock: Decimal) -> Decimal:
    """The USD value of one yen after the yen weakens by ``shock`` percent (CONTRACT §6)."""
    return usd_per_unit * (1 - Decimal(shock) / 100)


@dataclass(frozen=True)
class StressGroup:
    """Amounts in one currency that convert at one rate (``usd_per_unit`` None: no rate)."""

    currency: str
    usd_per_unit: Decimal | None
    exposure: Decimal
    committed: Decimal


@dataclass(frozen=True)
class StressFigures:
    shock: Decimal
    exposure_usd: Decimal
    committed_usd: Decimal


def stress(groups: list[StressGroup], shocks: list[Decimal]) -> tuple[bool, list[StressFigures]]:
    """The USD totals with every non-USD amount converted at its rate weakened by each shock.

    The first figures are the unshocked base (shock 0). Groups without a rate are left out and
    make the answer incomplete: never counted as zero.
    """
    complete = all(g.currency == "USD" or g.usd_per_unit is not None for g in groups)
    figures = []
    for shock in [Decimal("0"), *shocks]:
        exposure = committed = Decimal("0")
        for group in groups:
            if group.currency == "USD":
                rate = Decimal("1")
            elif group.usd_per_unit is None:
                continue
            else:
                rate = stressed_rate(group.usd_per_unit, shock)
            exposure += group.exposure * rate
            committed += group.committed * rate
        figures.append(StressFigures(shock, cents(exposure), cents(committed)))
    return complete, figures


MAX_SHOCKS = 10


def parse_shocks(text: str) -> list[Decimal]:
    """Read ``"10,20,30"`` into percentages 0 <= s < 100; ValueError says what is wrong."""
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        raise ValueError("Give at least one shock, e.g. 10,20,30.")
    if len(parts) > MAX_SHOCKS:
        raise ValueError(f"Give at most {MAX_SHOCKS} shocks.")
    shocks = []
    for part in parts:
        try:
            value = Decimal(part)
        except InvalidOperation:
            raise ValueError(f"{part!r} is not a number.") from None
        if not value.is_finite() or not (0 <= value < 100):
            raise ValueError("Each shock is a percentage from 0 up to (not including) 100.")
        shocks.append(value)
    return shocks


# --- end of profit sharing ----------------------------------------------------------------
