"""The proposal page is composed of panels that apps register, the way Wagtail's hooks work.

``projects`` knows nothing of the apps above it: each registers, from its
``AppConfig.ready()``, a template and a function that builds the template's context from the
page's (``request``, ``user``, ``proposal``, ``bound_forms``: a POST that failed passes its
bound form to show the errors). A function may answer ``None`` to leave its panel out.
Panels sit in a slot (``top``, ``main`` or ``side``) in ``order``. A panel's context may
name a ``skip_link`` (anchor, label): the page offers it before its other skip links.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

SLOTS = ("top", "main", "side")


@dataclass(frozen=True)
class Panel:
    name: str
    slot: str
    order: int
    template: str
    context: Callable[[Mapping[str, Any]], Mapping[str, Any] | None]


_PANELS: dict[str, Panel] = {}


def register_panel(
    name: str,
    *,
    slot: str,
    order: int,
    template: str,
    context: Callable[[Mapping[str, Any]], Mapping[str, Any] | None],
) -> None:
    """Add (or replace, by ``name``) a panel of the proposal page."""
    if slot not in SLOTS:
        raise ValueError(f"unknown slot {slot!r}")
    _PANELS[name] = Panel(name=name, slot=slot, order=order, template=template, context=context)


def registered() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (SLOTS.index(panel.slot), panel.order))


def render_panels(request: HttpRequest, page: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Each slot's panels, rendered in order, and the skip links panels offer."""
    slots: dict[str, list[Any]] = {slot: [] for slot in SLOTS}
    slots["skip_links"] = []
    for panel in registered():
        context = panel.context(page)
        if context is None:
            continue
        if context.get("skip_link"):
            slots["skip_links"].append(context["skip_link"])
        # The request's own CSRF token and user come from the context processors.
        values = {k: v for k, v in {**page, **context}.items() if k not in ("csrf_token",)}
        html = render_to_string(panel.template, values, request=request)
        if html.strip():
            slots[panel.slot].append(mark_safe(html))  # noqa: S308 - rendered by our templates
    return slots
