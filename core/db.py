"""Database-level guards: the decision log refuses UPDATE and DELETE (and TRUNCATE on
PostgreSQL) whatever client writes to the database, not only this application."""

from __future__ import annotations

TABLE = "committee_decisionlogentry"
MESSAGE = "the decision log is append-only"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS decision_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS decision_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS decision_log_no_update",
    "DROP TRIGGER IF EXISTS decision_log_no_delete",
]
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION decision_log_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END;
        $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER decision_log_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION decision_log_refuse()""",
    f"""CREATE OR REPLACE TRIGGER decision_log_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION decision_log_refuse()""",
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS decision_log_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS decision_log_no_truncate ON {TABLE}",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_DROP
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_DROP
    raise NotImplementedError(f"no append-only guard for {vendor}")


def install_append_only_guard(connection) -> None:
    """Create the triggers that refuse changes to logged entries (idempotent)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def drop_append_only_guard(connection) -> None:
    """Remove the triggers; only the test suite's database flush has cause to."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)
