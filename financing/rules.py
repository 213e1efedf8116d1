"""Pure rules of the program's money: no ORM, plain Decimals and dataclasses in and out.

The ledger (CONTRACT §6: which transaction types raise or lower exposure, undrawn, claims,
FX conversion, program limits) and profit sharing (CONTRACT §7: the waterfall, yen stress).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import number

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

CENT = Decimal("0.01")
KINDS = ("equity", "loan", "guarantee")
PROVIDERS = ("JBIC", "NEXI", "private")
CURRENCIES = ("USD", "JPY")
# Japan's public lenders: their money counts as Japan's investment (CONTRACT §7).
JAPANESE_PROVIDERS = ("JBIC", "NEXI")


@dataclass(frozen=True)
class KindRule:
    """What moves the exposure of one kind of instrument (CONTRACT §6's table)."""

    kind: str
    raising: tuple[str, ...]
    lowering: tuple[str, ...]
    claims: tuple[str, ...] = ()  # lowering types that also raise claims (a guarantee call)

    @property
    def types(self) -> tuple[str, ...]:
        return self.raising + self.lowering


LEDGER: dict[str, KindRule] = {
    rule.kind: rule
    for rule in (
        KindRule("loan", raising=("disbursement",), lowering=("repayment", "write_off")),
        KindRule("guarantee", raising=("issue",), lowering=("release", "call"), claims=("call",)),
        KindRule("equity", raising=("contribution",), lowering=("return_of_capital",)),
    )
}
TRANSACTION_TYPES: tuple[str, ...] = tuple(t for rule in LEDGER.values() for t in rule.types)

# How people read the kinds and types: every message names them by these labels.
KIND_LABELS = {
    "equity": gettext_lazy("Equity"),
    "loan": gettext_lazy("Loan"),
    "guarantee": gettext_lazy("Guarantee"),
}
TYPE_LABELS = {
    "disbursement": gettext_lazy("Disbursement"),
    "repayment": gettext_lazy("Repayment"),
    "write_off": gettext_lazy("Write-off"),
    "issue": gettext_lazy("Issue"),
    "release": gettext_lazy("Release"),
    "call": gettext_lazy("Call"),
    "contribution": gettext_lazy("Contribution"),
    "return_of_capital": gettext_lazy("Return of capital"),
    "cancellation": gettext_lazy("Cancellation"),
}


def label_of(labels: dict, code: str) -> str:
    return str(labels.get(code, code))


def types_for(kind: str) -> tuple[str, ...]:
    """The transaction types that fit ``kind`` (none for an unknown kind)."""
    rule = LEDGER.get(kind)
    return rule.types if rule else ()


def type_problem(kind: str, type_: str) -> str | None:
    """Why ``type_`` cannot be recorded on an instrument of ``kind``, in words; None if it fits."""
    fits = types_for(kind)
    if type_ in fits:
        return None
    return _("“%(type)s” does not fit this instrument (%(kind)s): use %(fits)s.") % {
        "type": label_of(TYPE_LABELS, type_),
        "kind": label_of(KIND_LABELS, kind),
        "fits": _(", ").join(label_of(TYPE_LABELS, t) for t in fits),
    }


def sign_of(kind: str, type_: str) -> int:
    """+1 if ``type_`` raises the exposure of ``kind``, -1 if it lowers it, 0 if it does not fit."""
    rule = LEDGER.get(kind)
    if rule is None:
        return 0
    if type_ in rule.raising:
        return 1
    if type_ in rule.lowering:
        return -1
    return 0


@dataclass(frozen=True)
class Entry:
    """One transaction as the rules see it."""

    type: str
    amount: Decimal
    value_date: dt.date


@dataclass(frozen=True)
class Figures:
    """An instrument's position as of a day, in its own currency."""

    committed: Decimal
    drawn: Decimal  # the raising types
    repaid: Decimal  # the lowering types
    claims: Decimal

    @property
    def exposure(self) -> Decimal:
        return self.drawn - self.repaid

    @property
    def undrawn(self) -> Decimal:
        return self.committed - self.drawn


def exposure_of(
    kind: str, committed: Decimal, entries: Iterable[Entry], as_of: dt.date | None = None
) -> Figures:
    """The instrument's figures from its transactions valued on or before ``as_of`` (all: None)."""
    rule = LEDGER[kind]
    drawn = repaid = claims = Decimal(0)
    for entry in entries:
        if as_of is not None and entry.value_date > as_of:
            continue
        if entry.type in rule.raising:
            drawn += entry.amount
        elif entry.type in rule.lowering:
            repaid += entry.amount
        if entry.type in rule.claims:
            claims += entry.amount
    return Figures(committed=Decimal(committed), drawn=drawn, repaid=repaid, claims=claims)


def transaction_problems(
    *,
    kind: str,
    committed: Decimal,
    existing: Sequence[Entry],
    new: Entry,
    today: dt.date,
) -> dict[str, list[str]]:
    """What is wrong with recording ``new`` on an instrument: messages per field (none: fine).

    The value date may be any day up to ``today`` (entries are booked late; money that has
    not moved yet is not a transaction). Exposure must stay at or above zero on every day
    from the new entry's value date on, and drawings never pass ``committed``.
    """
    problems: dict[str, list[str]] = {}
    if sign_of(kind, new.type) == 0:
        problems["type"] = [type_problem(kind, new.type)]
    if new.amount <= 0:
        problems["amount"] = [_("The amount must be above zero.")]
    if new.value_date > today:
        problems["value_date"] = [_("The value date cannot be in the future.")]
    if problems:
        return problems
    entries = [*existing, new]
    after = exposure_of(kind, committed, entries)
    if after.drawn > after.committed:
        problems["amount"] = [
            _("Drawings would reach %(drawn)s, above the %(committed)s committed.")
            % {"drawn": number(after.drawn), "committed": number(after.committed)}
        ]
        return problems
    if sign_of(kind, new.type) < 0:
        # A back-dated repayment must not take exposure below zero on any later day either.
        days = sorted({e.value_date for e in entries if e.value_date >= new.value_date})
        for day in days:
            exposure = exposure_of(kind, committed, entries, day).exposure
            if exposure < 0:
                problems["amount"] = [
                    _("This would take exposure below zero (to %(exposure)s on %(day)s).")
                    % {"exposure": number(exposure), "day": day.isoformat()}
                ]
                break
    return problems


def to_usd(amount: Decimal, currency: str, usd_per_unit: Decimal | None) -> Decimal | None:
    """``amount`` in US dollars, unrounded; None when a JPY amount has no rate (never zero)."""
    if currency == "USD":
        return Decimal(amount)
    if usd_per_unit is None:
        return None
    return Decimal(amount) * Decimal(usd_per_unit)


def cents(amount: Decimal | None) -> Decimal | None:
    """Round a USD amount half-even to the cent, for showing or storing it."""
    return None if amount is None else Decimal(amount).quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Limits:
    """The program's limits in USD (settings)."""

    program_usd: Decimal
    equity_ratio: Decimal

    @property
    def equity_usd(self) -> Decimal:
        return cents(self.program_usd * self.equity_ratio)


@dataclass(frozen=True)
class Breach:
    """A limit a new commitment would pass."""

    limit: str  # "program" or "equity"
    limit_usd: Decimal
    would_be_usd: Decimal

    @property
    def message(self) -> str:
        names = {
            "program": _("the program limit of %(limit)s USD in total commitments"),
            "equity": _("the equity ceiling of %(limit)s USD"),
        }
        return _("This commitment would take the total to %(total)s USD, above %(name)s.") % {
            "total": number(self.would_be_usd),
            "name": names[self.limit] % {"limit": number(self.limit_usd)},
        }


def limit_problems(
    *,
    kind: str,
    committed_usd: Decimal,
    total_committed_usd: Decimal,
    equity_committed_usd: Decimal,
    limits: Limits,
) -> list[Breach]:
    """The limits a new commitment of ``committed_usd`` would breach, given what is committed."""
    breaches = []
    program_total = total_committed_usd + committed_usd
    if program_total > limits.program_usd:
        breaches.append(Breach("program", limits.program_usd, cents(program_total)))
    if kind == "equity":
        equity_total = equity_committed_usd + committed_usd
        if equity_total > limits.equity_usd:
            breaches.append(Breach("equity", limits.equity_usd, cents(equity_total)))
    return breaches


# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# How profits split (CONTRACT §7): 50/50 until Japan has recovered its investment, then Japan
# gets 10% and the US 90%. Japan's share is rounded half-even to the cent; the US gets the rest.
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


NO_INVESTMENT = "no_investment"
UNVALUED = "unvalued"


def phase_shown(*, investment: Decimal, complete: bool, phase: str | None) -> str | None:
    """The recovery phase a page may show, or why none is shown.

    No phase while J cannot be valued (a yen amount has no rate) or while Japan has put in
    nothing: with J = R = 0 the arithmetic says "recovered", which reads as if Japan had been
    paid back money it never invested.
    """
    if not complete:
        return UNVALUED
    if investment <= 0:
        return NO_INVESTMENT
    return phase


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
