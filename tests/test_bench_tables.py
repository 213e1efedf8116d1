"""The benchmarks write some tables with COPY and raw INSERTs, past the models' defaults: each
such write names every column the database requires, so a field added to a model without a
database default fails here, not in the middle of a benchmark run weeks later."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import NOT_PROVIDED

BENCH = Path(settings.BASE_DIR) / "bench"
INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\)")


def _raw_writes() -> list[tuple[str, str, set[str]]]:
    """(where, table, columns) for every ``_copy(cursor, table, columns, rows)`` call and every
    ``INSERT INTO table (columns)`` string in the benchmarks."""
    writes = []
    for path in sorted(BENCH.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_copy":
                table, columns = node.args[1], node.args[2]
                if isinstance(table, ast.Constant) and isinstance(columns, ast.Tuple):
                    names = {c.value for c in columns.elts if isinstance(c, ast.Constant)}
                    writes.append((where, table.value, names))
            elif isinstance(node, ast.BinOp | ast.Constant):
                try:
                    text = ast.literal_eval(node)
                except ValueError:
                    continue
                if isinstance(text, str):
                    for match in INSERT.finditer(text):
                        names = {c.strip() for c in match.group(2).split(",")}
                        writes.append((where, match.group(1), names))
    return writes


def _required(table: str) -> set[str]:
    """The columns of ``table`` the database refuses to leave empty."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return {
        field.column
        for field in model._meta.concrete_fields
        if not field.null
        and field.db_default is NOT_PROVIDED
        and not (field.primary_key and field.get_internal_type().endswith("AutoField"))
    }


def test_the_walk_finds_the_copies_and_inserts():
    tables = {table for _, table, _ in _raw_writes()}
    assert {"financing_fxrate", "financing_instrument", "financing_transaction"} <= tables


def test_every_raw_write_names_the_columns_the_database_requires():
    missing = [
        f"{where} {table}: {sorted(_required(table) - columns)}"
        for where, table, columns in _raw_writes()
        if _required(table) - columns
    ]
    assert not missing, "benchmark writes that leave a required column empty:\n" + "\n".join(
        missing
    )
