"""The committee's resolution on a proposal: what a chair signs and a ministry files.

Built from the record alone (the proposal, its latest closed ballot, recusals, the decision
text, the conditions and the decision-log entries they rest on), rendered to PDF in English
or Japanese with the Noto CJK font embedded, then signed (``committee.signing``). The same
record and language give the same bytes: the PDF's dates are the last entry's time, never now.

The package SHA-256 is read from the ballot's ``ballot_opened`` entry: the package itself
belongs to the documents app, which the committee does not import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from core import rules
from core.errors import Invalid, InvalidState, object_pk
from core.log_events import event_label
from core.models import DecisionLogEntry
from projects import permissions
from projects.models import Proposal

from . import fonts, signing
from .models import Ballot, Condition, Conflict
from .templatetags.decision_log_ui import OUTCOME_LABELS

LANGUAGES = ("en", "ja")
# The entries a resolution rests on: its ballot's, the recusals and the conditions.
BALLOT_EVENTS = ("ballot_opened", "ballot_closed", "decision_recorded")
PROPOSAL_EVENTS = (
    "conflict_declared",
    "condition_added",
    "condition_edited",
    "condition_withdrawn",
    "condition_satisfied",
    "condition_overdue",
)


@dataclass(frozen=True)
class Resolution:
    proposal: Proposal
    ballot: Ballot
    sponsors: list[str]
    recusals: list[tuple[str, str]]  # (name, delegation)
    conditions: list[Condition]
    package_sha256: str | None
    entries: list[DecisionLogEntry]

    @property
    def as_of(self) -> dt.datetime:
        return max(entry.at for entry in self.entries)


def resolution_for(*, user: Any, proposal_id: Any) -> Resolution:
    """Gather what the resolution states; the committee and the proposal's sponsors read it."""
    pk = object_pk(proposal_id)
    proposal = permissions.require_view(
        user, Proposal.objects.select_related("sponsor").filter(pk=pk).first()
    )
    ballot = (
        Ballot.objects.filter(proposal=proposal, status=Ballot.Status.CLOSED)
        .select_related("decision_by")
        .order_by("-closed_at", "-id")
        .first()
    )
    if ballot is None:
        raise InvalidState(_("The resolution exists once a ballot on this proposal has closed."))
    sponsors = [proposal.sponsor.name, *sorted(s.name for s in proposal.co_sponsors.all())]
    recusals = [
        (c.user.get_full_name() or c.user.get_username(), _delegation(c.user))
        for c in Conflict.objects.filter(proposal=proposal, created_at__lte=ballot.closed_at)
        .select_related("user__membership")
        .order_by("id")
    ]
    conditions = list(Condition.objects.filter(proposal=proposal).order_by("id"))
    rows = DecisionLogEntry.objects.filter(
        proposal=proposal.reference, event__in=BALLOT_EVENTS + PROPOSAL_EVENTS
    ).order_by("seq")
    entries = [
        e
        for e in rows
        if e.event in PROPOSAL_EVENTS
        or (isinstance(e.data, dict) and e.data.get("ballot") == ballot.pk)
    ]
    opened = next((e for e in entries if e.event == "ballot_opened"), None)
    sha = opened.data.get("package_sha256") if opened is not None else None
    return Resolution(proposal, ballot, sponsors, recusals, conditions, sha, entries)


def _delegation(user: Any) -> str:
    membership = getattr(user, "membership", None)
    return getattr(membership, "delegation", "") or ""


# --- Rendering --------------------------------------------------------------------------


def _money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    places = 0 if currency == "JPY" else 2
    return f"{currency} {amount:,.{places}f}"


class _Page(FPDF):
    """An A4 page in the embedded Noto font, with the paragraph shapes the resolution uses."""

    def __init__(self, footer_text: str, lang: str, font: Path) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.wrap = WrapMode.CHAR if lang == "ja" else WrapMode.WORD
        self.set_lang("ja-JP" if lang == "ja" else "en-US")
        self.add_font("noto", "", str(font), collection_font_number=0)
        # The subset's bounding boxes are the font's own: recomputing them at save is wasted work.
        self.fonts["noto"].ttfont.recalcBBoxes = False
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("noto", size=7)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    def para(self, text: str, size: float = 10, height: float = 5.5, color: int = 20) -> None:
        self.set_font("noto", "", size)
        self.set_text_color(color)
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=self.wrap)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.para(text, 12, 7, color=70)

    def fact(self, label: str, value: str) -> None:
        self.set_font("noto", "", 9.5)
        self.set_text_color(90)
        self.cell(48, 5.5, label)
        self.set_text_color(20)
        self.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=self.wrap)

    def row(self, values: Any, widths: Any, height: float, border: str = "") -> None:
        for value, width in zip(values, widths, strict=True):
            self.cell(width, height, str(value), border=border)
        self.ln()


def _render(res: Resolution, lang: str, font: Path) -> bytes | None:
    """The PDF, or None when a character is missing from ``font``."""
    pdf = _Page(
        _("Accord resolution %(reference)s, as of log entry %(seq)s")
        % {"reference": res.proposal.reference, "seq": res.entries[-1].seq},
        lang,
        font,
    )
    pdf.set_creation_date(res.as_of)
    pdf.set_title(_("Resolution on %(reference)s") % {"reference": res.proposal.reference})
    pdf.set_author(_("US–Japan Investment Committee"))
    pdf.set_creator("Accord")
    pdf.set_producer("Accord")
    pdf.add_page()
    for section in (
        _facts,
        _question,
        _outcome,
        _tally,
        _recusals,
        _decision,
        _conditions,
        _package,
        _entries,
        _signature,
    ):
        section(pdf, res, lang)
    if pdf.fonts["noto"].missing_glyphs:
        return None
    return bytes(pdf.output())


def _at(moment: dt.datetime | None) -> str:
    return rules.format_at(moment)[:16].replace("T", " ")


def _facts(pdf: _Page, res: Resolution, lang: str) -> None:
    proposal, ballot = res.proposal, res.ballot
    pdf.para(_("US–Japan Strategic Investment Program"), 9)
    pdf.para(_("Resolution of the Investment Committee"), 18, 10)
    pdf.ln(2)
    pdf.fact(_("Reference"), proposal.reference)
    pdf.fact(_("Title"), proposal.title)
    pdf.fact(_("Sponsors"), ", ".join(res.sponsors))
    pdf.fact(_("Amount requested"), _money(proposal.amount_requested, proposal.currency))
    pdf.fact(_("Ballot opened"), f"{_at(ballot.opened_at)} UTC")
    pdf.fact(_("Ballot closed"), f"{_at(ballot.closed_at)} UTC")


def _question(pdf: _Page, res: Resolution, lang: str) -> None:
    proposal = res.proposal
    pdf.heading(_("Question put"))
    pdf.para(
        _(
            "Shall the committee approve proposal %(reference)s, “%(title)s”, sponsored by "
            "%(sponsor)s, for %(amount)s under the program?"
        )
        % {
            "reference": proposal.reference,
            "title": proposal.title,
            "sponsor": res.sponsors[0],
            "amount": _money(proposal.amount_requested, proposal.currency),
        }
    )


def _outcome(pdf: _Page, res: Resolution, lang: str) -> None:
    ballot = res.ballot
    pdf.heading(_("Outcome"))
    outcome = str(OUTCOME_LABELS.get(ballot.outcome, ballot.outcome))
    rule = (
        _("dual majority (each delegation)")
        if ballot.rule == "dual_majority"
        else _("simple majority (both delegations pooled)")
    )
    pdf.para(_("%(outcome)s, by %(rule)s.") % {"outcome": outcome, "rule": rule}, 12, 7)


def _tally(pdf: _Page, res: Resolution, lang: str) -> None:
    ballot = res.ballot
    pdf.heading(_("Tally per delegation"))
    tally = ballot.tally or {}
    widths = (40, 30, 30, 30, 30)
    pdf.set_font("noto", "", 9.5)
    columns = (_("Delegation"), _("Eligible"), _("For"), _("Against"), _("Abstain"))
    pdf.row(columns, widths, 6.5, "B")
    pdf.set_font("noto", "", 9.5)
    eligible = {"US": ballot.eligible_us, "JP": ballot.eligible_jp}
    for delegation in ("US", "JP"):
        counts = tally.get(delegation) or {}
        values = [delegation, eligible[delegation]]
        values += [counts.get(choice, 0) for choice in ("for", "against", "abstain")]
        pdf.row(values, widths, 6)


def _recusals(pdf: _Page, res: Resolution, lang: str) -> None:
    pdf.heading(_("Recusals"))
    if not res.recusals:
        pdf.para(_("None."))
    for name, delegation in res.recusals:
        pdf.para(f"• {name} ({delegation})" if delegation else f"• {name}")


def _decision(pdf: _Page, res: Resolution, lang: str) -> None:
    ballot = res.ballot
    pdf.heading(_("Decision"))
    if not ballot.decision_text:
        pdf.para(_("The chair has not yet recorded the decision text."))
        return
    pdf.para(ballot.decision_text)
    by = ballot.decision_by
    if by is not None:
        pdf.para(
            _("Recorded by %(name)s on %(date)s UTC.")
            % {"name": by.get_full_name() or by.get_username(), "date": _at(ballot.decision_at)},
            8.5,
        )


def _conditions(pdf: _Page, res: Resolution, lang: str) -> None:
    pdf.heading(_("Conditions of approval"))
    if not res.conditions:
        pdf.para(_("None."))
    statuses = dict(Condition.Status.choices)
    for number, condition in enumerate(res.conditions, start=1):
        status = str(statuses.get(condition.status, condition.status))
        pdf.para(
            _("%(number)s. %(text)s (due %(due)s; %(status)s)")
            % {
                "number": number,
                "text": condition.text,
                "due": condition.due.isoformat(),
                "status": status.lower() if lang == "en" else status,
            }
        )


def _package(pdf: _Page, res: Resolution, lang: str) -> None:
    pdf.heading(_("Decision package"))
    pdf.para(_("SHA-256 of the package put to the vote:"), 9)
    pdf.para(res.package_sha256 or _("(none recorded)"), 8.5)


def _entries(pdf: _Page, res: Resolution, lang: str) -> None:
    pdf.heading(_("Decision-log entries this resolution rests on"))
    pdf.set_font("noto", "", 8)
    pdf.row((_("Seq"), _("Event"), _("Hash")), (14, 52, 0), 5.5, "B")
    for entry in res.entries:
        pdf.set_font("noto", "", 8)
        pdf.cell(14, 5, str(entry.seq))
        pdf.cell(52, 5, event_label(entry.event)[:34])
        pdf.set_font("noto", "", 6.5)
        pdf.cell(0, 5, entry.hash)
        pdf.ln()


def _signature(pdf: _Page, res: Resolution, lang: str) -> None:
    pdf.heading(_("Signature"))
    who = signing.identity()
    pdf.para(
        _(
            "This document is signed electronically (PAdES) by %(subject)s. Any change to it "
            "invalidates the signature. Each hash above can be checked against an export of "
            "the decision log with tools/verify_log.py."
        )
        % {"subject": who.subject}
    )
    if who.self_signed:
        pdf.para(
            _(
                "Signed with a self-signed demonstration certificate: it proves the file is "
                "unchanged, not who signed it."
            ),
            10,
        )


def render(resolution: Resolution, lang: str) -> bytes:
    """The unsigned PDF of ``resolution`` in ``lang``: the same bytes for the same record."""
    if lang not in LANGUAGES:
        raise Invalid(_("Language must be en or ja."), detail={"lang": [_("Use en or ja.")]})
    with translation.override(lang):
        pdf = _render(resolution, lang, fonts.reduced_font(str(fonts.full_font())))
        if pdf is None:  # a character beyond the reduced font: the full one has it
            pdf = _render(resolution, lang, fonts.full_font())
    return pdf


def resolution_pdf(*, user: Any, proposal_id: Any, lang: str) -> tuple[Resolution, bytes]:
    """The signed resolution in ``lang``; the same bytes whenever the record is the same."""
    resolution = resolution_for(user=user, proposal_id=proposal_id)
    return resolution, _signed(resolution, lang)


def _signed(resolution: Resolution, lang: str) -> bytes:
    document = render(resolution, lang)
    with translation.override(lang):
        reason = _("Resolution of the Investment Committee on %(reference)s") % {
            "reference": resolution.proposal.reference
        }
    return signing.sign_pdf(document, at=resolution.as_of, reason=reason)
