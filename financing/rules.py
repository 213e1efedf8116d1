"""Pure rules of the program's money: no ORM, plain Decimals and dataclasses in and out.

The ledger (docs/ledger.md: which transaction types raise or lower exposure, undrawn, claims,
FX conversion, program limits) and profit sharing (docs/waterfall.md: the waterfall, yen stress).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import number

# --- Ledger: instruments, transactions, FX rates, exposure, limits (docs/ledger.md) ---------

CENT = Decimal("0.01")
KINDS = ("equity", "loan", "guarantee")
PROVIDERS = ("JBIC", "NEXI", "private")
CURRENCIES = ("USD", "JPY")
# Japan's public lenders: their money counts as Japan's investment (docs/waterfall.md).
JAPANESE_PROVIDERS = ("JBIC", "NEXI")


@dataclass(frozen=True)
class KindRule:
    """What moves the exposure of one kind of instrument: its raising and lowering types."""

    kind: str
    raising: tuple[str, ...]
    lowering: tuple[str, ...]
    claims: tuple[str, ...] = ()  # lowering types that also raise claims (a guarantee call)
    recovering: tuple[str, ...] = ()  # types that lower claims only (a recovery)

    @property
    def types(self) -> tuple[str, ...]:
        return self.raising + self.lowering + self.recovering + CANCELLING


# Every kind takes a cancellation: it lowers ``committed`` by an undrawn amount.
CANCELLING = ("cancellation",)
LEDGER: dict[str, KindRule] = {
    rule.kind: rule
    for rule in (
        KindRule("loan", raising=("disbursement",), lowering=("repayment", "write_off")),
        KindRule(
            "guarantee",
            raising=("issue",),
            lowering=("release", "call"),
            claims=("call",),
            recovering=("recovery",),
        ),
        KindRule("equity", raising=("contribution",), lowering=("return_of_capital",)),
    )
}
TRANSACTION_TYPES: tuple[str, ...] = (
    *(t for rule in LEDGER.values() for t in rule.types if t not in CANCELLING),
    *CANCELLING,
)

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
    "recovery": gettext_lazy("Recovery"),
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
    """+1 if ``type_`` raises the exposure of ``kind``, -1 if it lowers it, 0 otherwise (a
    cancellation, a recovery, or a type that does not fit)."""
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

    committed: Decimal  # as committed, less the cancellations
    drawn: Decimal  # the raising types
    repaid: Decimal  # the lowering types
    claims: Decimal  # calls less recoveries
    cancelled: Decimal = Decimal(0)

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
    sums = dict.fromkeys(("drawn", "repaid", "claims", "cancelled"), Decimal(0))
    for entry in entries:
        if as_of is not None and entry.value_date > as_of:
            continue
        if entry.type in rule.raising:
            sums["drawn"] += entry.amount
        elif entry.type in rule.lowering:
            sums["repaid"] += entry.amount
        elif entry.type in rule.recovering:
            sums["claims"] -= entry.amount
        elif entry.type in CANCELLING:
            sums["cancelled"] += entry.amount
        if entry.type in rule.claims:
            sums["claims"] += entry.amount
    return Figures(committed=Decimal(committed) - sums["cancelled"], **sums)


def covered_exposure(*, own: Decimal, ratio: Decimal, covered: Decimal) -> Decimal:
    """A guarantee's exposure when it covers ``ratio`` of a loan whose exposure is ``covered``:
    the covered share (half-even to the cent), never more than its own issue less release
    and call, so a risk shared by the loan and its guarantee is counted once."""
    return min(own, cents(Decimal(ratio) * Decimal(covered)))


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
    not moved yet is not a transaction). On every day from the new entry's value date on,
    exposure and claims stay at or above zero and drawings within ``committed`` less the
    cancellations (a cancellation takes only what is undrawn).
    """
    problems: dict[str, list[str]] = {}
    problem = type_problem(kind, new.type)
    if problem:
        problems["type"] = [problem]
    if new.amount <= 0:
        problems["amount"] = [_("The amount must be above zero.")]
    if new.value_date > today:
        problems["value_date"] = [_("The value date cannot be in the future.")]
    if problems:
        return problems
    entries = [*existing, new]
    days = sorted({e.value_date for e in entries if e.value_date >= new.value_date})
    for day in [*days, None]:
        message = _position_problem(new, exposure_of(kind, committed, entries, day), day)
        if message:
            problems["amount"] = [message]
            break
    return problems


def _position_problem(new: Entry, figures: Figures, day: dt.date | None) -> str | None:
    """Why the position after ``new`` is impossible on ``day`` (None: at the end), or None."""
    when = {"day": day.isoformat() if day else ""}
    if figures.undrawn < 0 and new.type in CANCELLING:
        return _("The cancellation is more than the %(undrawn)s undrawn.") % {
            "undrawn": number(figures.undrawn + new.amount)
        }
    if figures.undrawn < 0:
        return _("Drawings would reach %(drawn)s, above the %(committed)s committed.") % {
            "drawn": number(figures.drawn),
            "committed": number(figures.committed),
        }
    if figures.exposure < 0:
        return _("This would take exposure below zero (to %(exposure)s on %(day)s).") % {
            "exposure": number(figures.exposure),
            **when,
        }
    if figures.claims < 0:
        return _("The recovery is more than the claims outstanding (%(claims)s).") % {
            "claims": number(figures.claims + new.amount)
        }
    return None


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
    """A limit a total passes (or a new commitment would take it past)."""

    limit: str  # "program", "equity" or "approved" (the project's approved amount)
    limit_usd: Decimal
    would_be_usd: Decimal

    @property
    def name(self) -> str:
        names = {
            "program": _("the program limit of %(limit)s USD in total commitments"),
            "equity": _("the equity ceiling of %(limit)s USD"),
            "approved": _("the amount approved for the project, %(limit)s USD"),
        }
        return names[self.limit] % {"limit": number(self.limit_usd)}

    @property
    def message(self) -> str:
        return _("This commitment would take the total to %(total)s USD, above %(name)s.") % {
            "total": number(self.would_be_usd),
            "name": self.name,
        }


def limit_problems(
    *,
    kind: str,
    committed_usd: Decimal,
    total_committed_usd: Decimal,
    equity_committed_usd: Decimal,
    limits: Limits,
    project_committed_usd: Decimal = Decimal(0),
    approved_usd: Decimal | None = None,
) -> list[Breach]:
    """The limits a new JBIC or NEXI commitment of ``committed_usd`` would breach, given the
    program's (and its project's) commitments and the amount approved for the project."""
    breaches = []
    program_total = total_committed_usd + committed_usd
    if program_total > limits.program_usd:
        breaches.append(Breach("program", limits.program_usd, cents(program_total)))
    if kind == "equity":
        equity_total = equity_committed_usd + committed_usd
        if equity_total > limits.equity_usd:
            breaches.append(Breach("equity", limits.equity_usd, cents(equity_total)))
    project_total = project_committed_usd + committed_usd
    if approved_usd is not None and project_total > approved_usd:
        breaches.append(Breach("approved", cents(approved_usd), cents(project_total)))
    return breaches


def reversal_problems(
    *, kind: str, committed: Decimal, existing: Sequence[Entry], original: Entry
) -> dict[str, list[str]]:
    """What is wrong with reversing ``original`` (one of ``existing``): messages per field.

    The reversing entry has the original's type and value date with the amount negated, so
    it is checked like any entry: exposure and claims stay at or above zero on every day from
    that value date on.
    """
    entries = [*existing, Entry(original.type, -original.amount, original.value_date)]
    days = sorted({e.value_date for e in entries if e.value_date >= original.value_date})
    for day in days:
        figures = exposure_of(kind, committed, entries, day)
        if figures.exposure < 0 or figures.claims < 0:
            return {
                "transaction": [
                    _("Reversing it would take exposure below zero (to %(exposure)s on %(day)s).")
                    % {"exposure": min(figures.exposure, figures.claims), "day": day.isoformat()}
                ]
            }
    return {}


# --- FX rates as quoted ---------------------------------------------------------------------

QUOTE_PLACES = Decimal("1e-4")  # yen per dollar as shown
RATE_JUMP = Decimal("0.10")  # a move beyond this from the nearest rate needs confirming


def usd_per_unit_from_quote(jpy_per_usd: Decimal) -> Decimal:
    """USD per yen from the market's quote in yen per dollar, to the stored ten places."""
    rate = Decimal(1) / Decimal(jpy_per_usd)
    return rate.quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUND_HALF_EVEN)


def quote_from_usd_per_unit(usd_per_unit: Decimal) -> Decimal:
    """Yen per dollar, as the market quotes it, from the stored USD per yen."""
    return (Decimal(1) / Decimal(usd_per_unit)).quantize(QUOTE_PLACES, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Neighbour:
    date: dt.date
    usd_per_unit: Decimal


def nearest_rate(day: dt.date, neighbours: Iterable[Neighbour]) -> Neighbour | None:
    """The recorded rate nearest in time to ``day`` (the earlier one on a tie), not ``day``'s."""
    others = [n for n in neighbours if n.date != day]
    if not others:
        return None
    return min(others, key=lambda n: (abs((n.date - day).days), n.date > day))


def rate_move(usd_per_unit: Decimal, neighbour: Neighbour) -> Decimal:
    """The relative move from ``neighbour`` to ``usd_per_unit`` (0.25: 25% more USD per yen)."""
    return (Decimal(usd_per_unit) - neighbour.usd_per_unit) / neighbour.usd_per_unit


def rate_jump_problem(usd_per_unit: Decimal, neighbour: Neighbour | None) -> str | None:
    """Why a rate needs confirming (more than 10% from its nearest neighbour), or None."""
    if neighbour is None:
        return None
    move = rate_move(usd_per_unit, neighbour)
    if abs(move) <= RATE_JUMP:
        return None
    return _(
        "This rate is %(move)s%% from the nearest recorded rate, %(rate)s USD per yen "
        "(%(quote)s yen per dollar) on %(date)s. Check it (a rate typed upside down is a "
        "common slip) and confirm it if it is right."
    ) % {
        "move": f"{move * 100:+.1f}",
        "rate": neighbour.usd_per_unit.normalize(),
        "quote": quote_from_usd_per_unit(neighbour.usd_per_unit),
        "date": neighbour.date.isoformat(),
    }


def breaches_of(
    *, total_committed_usd: Decimal, equity_committed_usd: Decimal, limits: Limits
) -> list[Breach]:
    """The program limits that the committed totals stand above now (after a rate moved)."""
    out = []
    if total_committed_usd > limits.program_usd:
        out.append(Breach("program", limits.program_usd, cents(total_committed_usd)))
    if equity_committed_usd > limits.equity_usd:
        out.append(Breach("equity", limits.equity_usd, cents(equity_committed_usd)))
    return out


def is_program(provider: str) -> bool:
    """JBIC and NEXI money is the program's; ``private`` is co-financing beside it."""
    return provider in JAPANESE_PROVIDERS


# --- Amounts the database stores exactly --------------------------------------------------

# SQLite keeps a decimal as a double, exact to 15 significant digits; PostgreSQL's numeric
# columns hold more, but one limit for both keeps what is accepted the same everywhere.
SIGNIFICANT_DIGITS = 15
PLACES = {"USD": 2, "JPY": 0}  # JPY amounts are whole yen
RATE_PLACES = 10  # usd_per_unit as stored


def exactness_problem(amount: Decimal, *, places: int) -> str | None:
    """Why ``amount`` (finite, positive) cannot be stored exactly with ``places`` decimals:
    more than 15 digits in all (integer digits and ``places``), or finer than ``places``."""
    # Size first: quantizing 1e40 needs more digits than the context has (InvalidOperation).
    if amount >= Decimal(10) ** (SIGNIFICANT_DIGITS - places):
        return _largest(places)
    if amount != amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        if places == 0:
            return _("Yen amounts are whole yen: no fractions.")
        return _("Use at most %(places)d decimal places.") % {"places": places}
    return None


def _largest(places: int) -> str:
    largest = Decimal(10) ** (SIGNIFICANT_DIGITS - places) - Decimal(1).scaleb(-places)
    return _(
        "The largest value stored exactly is %(largest)s (%(digits)d digits, %(places)d of "
        "them decimal places)."
    ) % {"digits": SIGNIFICANT_DIGITS, "largest": f"{largest:,}", "places": places}


# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (docs/waterfall.md, docs/ledger.md) -----

# How profits split (docs/waterfall.md): 50/50 until Japan has recovered its investment, then Japan
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


# Japan's investment J: what JBIC and NEXI put into a project, less what came back to them.
# The providers qualify every line, so a private lender's money is never Japan's.
JAPAN_INVESTING = (("loan", "disbursement"), ("equity", "contribution"), ("guarantee", "call"))
JAPAN_RETURNING = (
    ("loan", "repayment"),
    ("equity", "return_of_capital"),
    ("guarantee", "recovery"),
)


@dataclass(frozen=True)
class Investment:
    """Japan's investment in a project in USD: ``gross`` put in, ``returned`` to Japan, and
    ``net`` (J), never below zero."""

    gross: Decimal
    returned: Decimal

    @property
    def net(self) -> Decimal:
        return max(self.gross - self.returned, Decimal(0))

    def as_dict(self) -> dict[str, Decimal]:
        return {"gross": self.gross, "returned": self.returned, "net": self.net}


def japan_investment(moves: Iterable[tuple[str, str, str, Decimal]]) -> Investment:
    """J from ``(provider, kind, type, usd)`` moves, each already converted at its value date's
    rate and rounded half-even to the cent: JBIC and NEXI disbursements, contributions and
    calls, less their repayments, returns of capital and claim recoveries. Write-offs and
    anything else leave J as it is."""
    gross = returned = Decimal(0)
    for provider, kind, type_, usd in moves:
        if provider not in JAPANESE_PROVIDERS:
            continue
        if (kind, type_) in JAPAN_INVESTING:
            gross += usd
        elif (kind, type_) in JAPAN_RETURNING:
            returned += usd
    return Investment(gross=gross, returned=returned)


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


# --- Restatement: the waterfall recomputed over today's ledger and rates -------------------


@dataclass(frozen=True)
class Flow:
    """A move of Japan's investment in USD cents on ``date`` (``usd`` None: no rate), as
    ``japan_investment`` counts it: what went in, or (``returned``) what came back."""

    date: dt.date
    usd: Decimal | None
    returned: bool = False  # a repayment, return of capital or claim recovery: lowers J


def paid_valued(
    *, recorded_usd: Decimal, japan: Decimal, amount_usd: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """What each country was paid of a distribution, valued like the distribution today.

    The countries shared the cash in its own currency: each keeps its recorded share of it.
    At an unchanged value that is the recorded split itself; after a rate for its date was
    corrected, Japan's part is its recorded fraction of the new value (cents, half-even) and
    the US has the rest, so the two still add up to the distribution.
    """
    if amount_usd is None:
        return None, None
    if amount_usd == recorded_usd:
        return japan, recorded_usd - japan
    japan_now = cents(japan * amount_usd / recorded_usd)
    return japan_now, amount_usd - japan_now


@dataclass(frozen=True)
class Paid:
    """A recorded distribution as the restatement sees it (amounts valued today, in USD)."""

    id: int
    date: dt.date
    amount_usd: Decimal | None  # None: no rate for its date
    japan: Decimal | None
    us: Decimal | None
    reverses: int | None = None  # the distribution this one reverses
    reversed: bool = False  # a later entry reverses this one

    @property
    def counts(self) -> bool:
        """A reversed distribution and the one reversing it are left out of the waterfall."""
        return self.reverses is None and not self.reversed


@dataclass(frozen=True)
class Restated:
    paid: Paid
    japan: Decimal | None  # the restated entitlement; None when it cannot be valued
    us: Decimal | None


@dataclass(frozen=True)
class Restatement:
    """The waterfall over the current ledger: per distribution and for the project."""

    rows: tuple[Restated, ...]
    complete: bool
    investment: Investment | None  # as of the day asked
    recovered: Decimal  # Japan's receipts: restated when complete, else as paid
    true_up: Decimal | None  # owed to Japan (negative: owed by Japan), net of settlements

    @property
    def remaining(self) -> Decimal | None:
        if self.investment is None:
            return None
        return remaining_to_recovery(investment=self.investment.net, recovered=self.recovered)

    @property
    def phase(self) -> str | None:
        if not self.complete or self.investment is None:
            return None
        return recovery_phase(investment=self.investment.net, recovered=self.recovered)


def _restated_split(paid: Paid, investment: Investment | None, recovered: Decimal | None):
    """The entitlement of one distribution (japan, us), or (None, None) if it has no value."""
    if not paid.counts:
        return Decimal("0"), Decimal("0")
    if investment is None or recovered is None or paid.amount_usd is None:
        return None, None
    if paid.amount_usd <= 0:  # worth less than a cent at today's rate
        return Decimal("0"), paid.amount_usd
    split = waterfall(investment=investment.net, recovered=recovered, amount=paid.amount_usd)
    return split.japan, split.us


def investments_at(flows: Iterable[Flow], days: Iterable[dt.date]) -> dict:
    """J on each of ``days`` (None where a flow up to it has no value): one pass over the
    flows in date order, so a thousand distributions over ten thousand flows stay cheap."""
    ordered = sorted(flows, key=lambda flow: flow.date)
    out: dict[dt.date, Investment | None] = {}
    gross = returned = Decimal("0")
    missing, index = False, 0
    for day in sorted(set(days)):
        while index < len(ordered) and ordered[index].date <= day:
            flow = ordered[index]
            if flow.usd is None:
                missing = True
            elif flow.returned:
                returned += flow.usd
            else:
                gross += flow.usd
            index += 1
        out[day] = None if missing else Investment(gross=gross, returned=returned)
    return out


def restate(
    *,
    distributions: Iterable[Paid],
    flows: Sequence[Flow],
    settled: Decimal = Decimal("0"),
    as_of: dt.date,
) -> Restatement:
    """Recompute every split in date order (J at each date, R the restated receipts before
    it) and what one country owes the other for the differences from what was paid and
    already settled (``settled``: true-ups paid to Japan). Pure: the hypothesis tests hold
    paid + true-up = restated entitlement to the cent, and Japan + US = D on every row."""
    ordered = sorted(distributions, key=lambda p: (p.date, p.id))
    investments = investments_at(flows, [p.date for p in ordered] + [as_of])
    rows: list[Restated] = []
    recovered: Decimal | None = Decimal("0")
    for paid in ordered:
        japan, us = _restated_split(paid, investments[paid.date], recovered)
        rows.append(Restated(paid, japan, us))
        recovered = None if (recovered is None or japan is None) else recovered + japan
    valued = recovered is not None and all(r.paid.japan is not None for r in rows)
    paid_japan = sum((r.paid.japan or Decimal("0") for r in rows), Decimal("0"))
    true_up = None
    if valued:
        true_up = sum((r.japan - r.paid.japan for r in rows), Decimal("0")) - settled
    return Restatement(
        rows=tuple(rows),
        complete=valued and investments[as_of] is not None,
        investment=investments[as_of],
        recovered=recovered if valued else paid_japan + settled,
        true_up=true_up,
    )


def stressed_rate(usd_per_unit: Decimal, shock: Decimal) -> Decimal:
    """The USD value of one yen after the yen weakens by ``shock`` percent (docs/ledger.md)."""
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
    undrawn_usd: Decimal = Decimal(0)
    yen_cost: Decimal | None = None


YEN = Decimal(1)


def yen_cost(undrawn_usd: Decimal, usd_per_unit: Decimal | None, shock: Decimal) -> Decimal | None:
    """The yen Japan must find to fund ``undrawn_usd`` at the yen's rate weakened by ``shock``
    percent, in whole yen (half-even); None without a rate."""
    if usd_per_unit is None:
        return None
    rate = stressed_rate(usd_per_unit, shock)
    return (Decimal(undrawn_usd) / rate).quantize(YEN, rounding=ROUND_HALF_EVEN)


def stress(
    groups: list[StressGroup],
    shocks: list[Decimal],
    *,
    undrawn_usd: Decimal = Decimal(0),
    jpy_rate: Decimal | None = None,
) -> tuple[bool, list[StressFigures]]:
    """The USD totals with every non-USD amount converted at its rate weakened by each shock,
    and the yen cost of the program's undrawn USD commitments (``undrawn_usd``) at ``jpy_rate``
    weakened the same way.

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
        cost = yen_cost(undrawn_usd, jpy_rate, shock)
        figures.append(
            StressFigures(shock, cents(exposure), cents(committed), cents(undrawn_usd), cost)
        )
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
