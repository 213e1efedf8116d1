"""Server-rendered SVG charts for the exposure page: no JavaScript, no CDN, no library.

Each function takes plain figures (labels and Decimals) and returns safe SVG markup with a
``<title>`` and an ``aria-label``; the tables beside the charts carry the same figures for
anyone who cannot see them. Presentation only: nothing here decides or computes a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

PALETTE = ("#27497f", "#107569", "#b54708", "#9e165f", "#3538cd", "#667085", "#067647")
TEXT = "#3d4756"
GRID = "#dde2ea"


def percent(share: Any) -> str:
    """A share (0.1234) as a percentage (12.34%), per locale."""
    if share in (None, ""):
        return "—"
    return number_format(Decimal(share) * 100, decimal_pos=2, use_l10n=True) + "%"


def compact(value: Decimal | None) -> str:
    """A large USD amount short enough for a chart label: 12.3 bn, or 123億 in Japanese."""
    if value is None:
        return "—"
    value = Decimal(value)
    if (get_language() or "").startswith("ja"):
        steps = ((Decimal("1e12"), "兆"), (Decimal("1e8"), "億"), (Decimal("1e4"), "万"))
    else:
        steps = ((Decimal("1e12"), " tn"), (Decimal("1e9"), " bn"), (Decimal("1e6"), " m"))
    for size, unit in steps:
        if abs(value) >= size:
            shown = value / size
            places = 0 if abs(shown) >= 100 else 1
            return number_format(shown, decimal_pos=places, use_l10n=True) + unit
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def _svg(width: int, height: int, label: str, body: str, css: str) -> SafeString:
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        "<title>{}</title>{}</svg>",
        css,
        width,
        height,
        label,
        label,
        mark_safe(body),  # noqa: S308 -- built below from escaped pieces only
    )


def bar_chart(items: Sequence[tuple[str, Decimal | None]], *, label: str) -> SafeString:
    """Horizontal bars, one per (label, USD amount), longest first as given."""
    width, row, left, right = 640, 30, 150, 110
    height = max(len(items), 1) * row + 10
    top = max((v for _, v in items if v is not None), default=Decimal("0"))
    parts = []
    if not items:
        parts.append(
            format_html(
                '<text x="10" y="24" fill="{}" font-size="14">{}</text>', TEXT, _("Nothing yet")
            )
        )
    for index, (name, value) in enumerate(items):
        y = 5 + index * row
        span = width - left - right
        length = 0 if not top or value is None or value <= 0 else float(value / top) * span
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="14">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}">'
                "<title>{}: {} USD</title></rect>"
                '<text x="{}" y="{}" fill="{}" font-size="13">{}</text>',
                left - 8,
                y + row / 2 + 4,
                TEXT,
                name,
                left,
                y + 4,
                f"{max(length, 1 if value else 0):.1f}",
                row - 10,
                colour,
                name,
                number_format(value or 0, decimal_pos=0, use_l10n=True, force_grouping=True),
                f"{left + length + 6:.1f}",
                y + row / 2 + 4,
                TEXT,
                compact(value),
            )
        )
    return _svg(width, height, label, "".join(parts), "chart-bars")


def limit_chart(limits: Sequence[dict], *, label: str) -> SafeString:
    """One gauge per program limit: the used part filled, the share written beside it."""
    width, row, left, right = 640, 46, 180, 70
    height = len(limits) * row + 6
    parts = []
    for index, limit in enumerate(limits):
        y = 6 + index * row
        span = width - left - right
        share = limit["share"]  # 0..1 or more (a breach would show a full red bar)
        filled = min(float(share), 1.0) * span
        colour = "#b42318" if share >= 1 else ("#b54708" if share >= Decimal("0.8") else "#107569")
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="14">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="18" rx="4" fill="#eef0f3" stroke="{}"/>'
                '<rect class="limit-used" x="{}" y="{}" width="{}" height="18" rx="4" '
                'fill="{}">'
                "<title>{}</title></rect>"
                '<text x="{}" y="{}" fill="{}" font-size="14" font-weight="600">{}</text>'
                '<text x="{}" y="{}" fill="{}" font-size="11">{}</text>',
                left - 8,
                y + 14,
                TEXT,
                limit["label"],
                left,
                y,
                span,
                GRID,
                left,
                y,
                f"{filled:.1f}",
                colour,
                limit["label"],
                left + span + 8,
                y + 14,
                TEXT,
                percent(share),
                left,
                y + 34,
                TEXT,
                _("%(used)s of %(limit)s USD")
                % {"used": compact(limit["used"]), "limit": compact(limit["limit"])},
            )
        )
    return _svg(width, height, label, "".join(parts), "chart-limits")


def line_chart(points: Sequence[tuple[dt.date, Decimal]], *, label: str) -> SafeString:
    """Exposure over time: an area under a line through each dated total."""
    if not points:
        body = format_html(
            '<text x="10" y="24" fill="{}" font-size="14">{}</text>', TEXT, _("Nothing yet")
        )
        return _svg(_LINE.width, 40, label, body, "chart-line")
    plot = _Plot(points)
    parts = [
        _gridlines(plot),
        _series(plot, [plot.xy(day, value) for day, value in points]),
        _date_labels(plot),
    ]
    return _svg(_LINE.width, _LINE.height, label, "".join(str(p) for p in parts), "chart-line")


@dataclass(frozen=True)
class _Frame:
    width: int = 640
    height: int = 220
    left: int = 70
    bottom: int = 30
    top: int = 16
    right: int = 20

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.bottom - self.top


_LINE = _Frame()


class _Plot:
    """Where a dated value lands: days across, value up to the peak."""

    def __init__(self, points: Sequence[tuple[dt.date, Decimal]]) -> None:
        self.points = points
        self.peak = max((v for _, v in points), default=Decimal("0")) or Decimal("1")
        self.first, self.last = points[0][0], points[-1][0]
        self.days = max((self.last - self.first).days, 1)

    def xy(self, day: dt.date, value: Decimal) -> tuple[float, float]:
        f = _LINE
        across = f.plot_w * (day - self.first).days / self.days
        x = f.left + (across if len(self.points) > 1 else f.plot_w / 2)
        return x, f.top + f.plot_h - float(value / self.peak) * f.plot_h


def _gridlines(plot: _Plot) -> str:
    """Gridlines at 0, half and the peak, labelled on the left."""
    f = _LINE
    return "".join(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="11">{}</text>',
            f.left,
            f.width - f.right,
            f"{f.top + f.plot_h * (1 - share):.1f}",
            f"{f.top + f.plot_h * (1 - share):.1f}",
            GRID,
            f.left - 6,
            f"{f.top + f.plot_h * (1 - share) + 4:.1f}",
            TEXT,
            compact(plot.peak * Decimal(str(share))),
        )
        for share in (0, 0.5, 1)
    )


def _series(plot: _Plot, coords: list[tuple[float, float]]) -> str:
    """The shaded area, the line and a dot per point whose tooltip gives the date and total."""
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    base = _LINE.top + _LINE.plot_h
    area = f"{coords[0][0]:.1f},{base} {line} {coords[-1][0]:.1f},{base}"
    parts = [
        format_html('<polygon points="{}" fill="#27497f" fill-opacity="0.12"/>', area),
        format_html(
            '<polyline class="chart-series" points="{}" fill="none" stroke="#27497f" '
            'stroke-width="2.5"/>',
            line,
        ),
    ]
    for (day, value), (x, y) in zip(plot.points, coords, strict=True):
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" fill="#27497f"><title>{}: {} USD</title></circle>',
                f"{x:.1f}",
                f"{y:.1f}",
                date_format(day, "SHORT_DATE_FORMAT"),
                number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True),
            )
        )
    return "".join(str(p) for p in parts)


def _date_labels(plot: _Plot) -> str:
    """The first and last dates under the axis (one, centred, for a single day)."""
    parts = []
    for day, anchor in ((plot.first, "start"), (plot.last, "end")):
        if day == plot.first and day == plot.last and anchor == "end":
            break
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-size="11">{}</text>',
                f"{plot.xy(day, Decimal(0))[0]:.1f}",
                _LINE.height - 8,
                anchor if len(plot.points) > 1 else "middle",
                TEXT,
                escape(day.isoformat()),
            )
        )
    return "".join(str(p) for p in parts)
