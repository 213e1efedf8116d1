"""Presentation helpers shared by every page: badges, money, dates, role labels, policy asks.

Nothing here decides anything: the filters that answer "may this user …" only ask
``projects.permissions``, so a template shows exactly what the policy allows.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.models import Role, Visibility
from projects.models import Sector, Status

register = template.Library()

_STATUS_LABELS = dict(Status.choices)
_SECTOR_LABELS = dict(Sector.choices)
_ROLE_LABELS = dict(Role.choices)
_DELEGATION_LABELS = {"US": _("US delegation"), "JP": _("Japanese delegation")}


@register.simple_tag
def status_badge(status: str) -> str:
    """A coloured pill for a proposal status."""
    label = _STATUS_LABELS.get(status, status)
    return format_html('<span class="badge badge-{}">{}</span>', status, label)


@register.filter
def sector_label(sector: str) -> str:
    return _SECTOR_LABELS.get(sector, sector) if sector else "—"


@register.filter
def role_label(role: str) -> str:
    return _ROLE_LABELS.get(role, role)


@register.filter
def delegation_label(delegation: str) -> str:
    return _DELEGATION_LABELS.get(delegation, delegation)


@register.simple_tag
def money(amount: Any, currency: str = "") -> str:
    """Group the digits of an amount and name its currency; whole amounts lose their cents."""
    if amount in (None, ""):
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    places = 0 if value == value.to_integral_value() else 2
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if not currency:
        return text
    return format_html('<span class="money">{} <span class="ccy">{}</span></span>', text, currency)


@register.simple_tag
def visibility_badge(visibility: str) -> str:
    """Mark what only the author's delegation can read."""
    if visibility == Visibility.DELEGATION:
        return format_html('<span class="badge badge-private">{}</span>', _("Delegation only"))
    return format_html('<span class="badge badge-soft">{}</span>', _("Committee"))


@register.filter
def display_name(user: Any) -> str:
    """A person's full name, or their username when they have none."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
