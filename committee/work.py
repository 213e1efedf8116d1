"""What apps above ``committee`` add to "My work": each registers, in its ``AppConfig.ready()``,
a section that lists what waits for a user (the higher app fills this lower registry, so
``committee`` never imports it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkSection:
    """A section of "My work": its items for a user and the template that shows them
    (given ``section`` and ``items``)."""

    key: str
    heading: Any
    template: str
    items: Callable[[Any], list[Any]]


WORK_SECTIONS: dict[str, WorkSection] = {}


def register_work_section(section: WorkSection) -> None:
    """Add (or replace, by key) a section of "My work"."""
    WORK_SECTIONS[section.key] = section


def registered_work(user: Any) -> list[dict[str, Any]]:
    """The registered sections that have something for ``user``, with their items."""
    found = []
    for section in WORK_SECTIONS.values():
        items = section.items(user)
        if items:
            found.append({"section": section, "items": items})
    return found
