"""Every event appended to the decision log has a row in the label table, in both languages.

The source is walked for calls to ``decision_log_append`` (an ``event=`` given as a literal,
or through a variable or attribute set from literals in the same function) and for the
lifecycle table's events. A new event without a row fails here by name: add it to the
``log_events.py`` of the app that appends it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from core.log_events import EVENTS, TYPED_COLUMNS, spec_for, typed_values
from projects.workflow import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "projects", "committee", "documents", "financing", "notifications")


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _assigned(scope: ast.AST, name: str) -> set[str]:
    """The strings ``name`` is set to in ``scope`` (``A, B = "a", "b"`` included)."""
    codes: set[str] = set()
    for assign in ast.walk(scope):
        if not isinstance(assign, ast.Assign):
            continue
        for target in assign.targets:
            if getattr(target, "id", None) == name:
                codes |= _strings(assign.value)
            elif isinstance(target, ast.Tuple) and isinstance(assign.value, ast.Tuple):
                for item, value in zip(target.elts, assign.value.elts, strict=False):
                    if getattr(item, "id", None) == name:
                        codes |= _strings(value)
    return codes


def appended_events() -> dict[str, str]:
    """event code -> where it is appended."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for call in ast.walk(function):
                    if not (
                        isinstance(call, ast.Call)
                        and getattr(call.func, "id", getattr(call.func, "attr", ""))
                        == "decision_log_append"
                    ):
                        continue
                    event = next((k.value for k in call.keywords if k.arg == "event"), None)
                    if isinstance(event, ast.Constant):
                        codes = {event.value}
                    elif isinstance(event, ast.Name):
                        codes = _assigned(function, event.id) or _assigned(tree, event.id)
                    else:
                        continue  # e.g. transition.event: the table is checked below
                    where = f"{path.relative_to(ROOT)}:{call.lineno}"
                    for code in codes:
                        found.setdefault(code, where)
    for transition in TRANSITIONS.values():
        found.setdefault(transition.event, f"projects/workflow.py ({transition.action})")
    return found


def test_the_walk_finds_the_events_of_every_app():
    events = appended_events()
    for code in ("proposal_created", "vote_cast", "vote_changed", "ballot_closed"):
        assert code in events
    for code in ("document_added", "instrument_committed", "fx_rate_set", "limit_breached"):
        assert code in events


def test_every_appended_event_has_a_label():
    missing = {code: where for code, where in appended_events().items() if code not in EVENTS}
    assert not missing, (
        "events without a label (add them to the app's log_events.py): "
        + ", ".join(f"{code} at {where}" for code, where in sorted(missing.items()))
    )


def test_every_label_is_translated_to_japanese():
    untranslated = []
    for code, spec in EVENTS.items():
        with translation.override("en"):
            english = str(spec.label)
        with translation.override("ja"):
            japanese = str(spec.label)
        if japanese == english:
            untranslated.append(code)
    assert not untranslated, f"no Japanese label: {untranslated}"


def test_an_unknown_event_still_has_words():
    assert str(spec_for("mystery_event").label) == "Mystery event"


def test_typed_values_read_the_event_sources():
    values = typed_values(
        "instrument_committed",
        {"kind": "loan", "provider": "JBIC", "currency": "USD", "committed": "10.00"},
    )
    assert values["amount"] == values["amount_usd"] == "10.00"
    assert set(values) | {"event_label", "actor_name", "actor_role", "actor_delegation"} == set(
        TYPED_COLUMNS
    )
