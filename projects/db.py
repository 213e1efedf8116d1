"""Database triggers that version what the proposal list reads (``ListVersion``).

The proposal list's pages are cached (``projects.selectors.proposal_list_key``) under a token
that these triggers replace, with a random one, on every write to the four tables the list
reads: the proposals, the sponsors (their names), the co-sponsor links and the group grants
that decide who sees which proposal. The user's groups are not versioned: they are read on
every request and are part of the cache key.

- PostgreSQL: the first write of a transaction to any of the four tables marks the
  transaction (``accord.list_written``, transaction-local, undone with a rolled-back
  savepoint) and queues one deferred constraint trigger, which replaces the token at commit:
  other sessions see the new token exactly when they see the new rows, and the marked
  transaction reads its own writes afresh, uncached, until then. The token's row is locked
  from the moment the commit runs that trigger, through the deferred checks queued after it
  and the commit's flush: writers to these tables commit one at a time (most already do, on
  the decision log's head). ``TRUNCATE`` replaces the token at once.
- SQLite: one writer at a time; plain row triggers replace the token inside the transaction,
  which then reads under its own, new token.
- Any other database: no triggers, no token, no cache (the list is always read afresh).

A random token rather than a counter: a flushed test database never meets again a token
that some cache still holds. The triggers are installed by migration ``0002`` and again
after every ``migrate`` (a SQLite table rebuilt by a later migration loses its triggers).
Restoring a backup brings back the token of the moment of the backup with its rows;
restart the web processes after a restore all the same, as the pages live in their memory.
"""

from __future__ import annotations

import secrets

LIST = "proposals"
VERSION_TABLE = "projects_listversion"
TABLES = (
    "projects_proposal",
    "projects_sponsor",
    "projects_proposal_co_sponsors",
    "projects_proposalgroupobjectpermission",
)
OPERATIONS = ("INSERT", "UPDATE", "DELETE")

_SQLITE_NEW = "lower(hex(randomblob(16)))"
# No conflict clause in the body: SQLite lets the firing statement's own (Django's
# ``INSERT OR IGNORE`` for many-to-many links) override it, which would skip the new token.
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS accord_list_{table}_{op.lower()} AFTER {op} ON {table}
        BEGIN
            UPDATE {VERSION_TABLE} SET version = {_SQLITE_NEW} WHERE name = '{LIST}';
            INSERT INTO {VERSION_TABLE} (name, version) SELECT '{LIST}', {_SQLITE_NEW}
                WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE name = '{LIST}');
        END"""
    for table in TABLES
    for op in OPERATIONS
]
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS accord_list_{table}_{op.lower()}"
    for table in TABLES
    for op in OPERATIONS
]
_POSTGRES_NEW_TOKEN = f"""INSERT INTO {VERSION_TABLE} (name, version)
    VALUES ('{LIST}', gen_random_uuid()::text)
    ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version"""
_POSTGRES_FUNCTIONS = [
    # True for the transaction's first write to the versioned tables, and marks it: the
    # constraint trigger's WHEN runs at the write, so a transaction queues one event, not one
    # per row.
    """CREATE OR REPLACE FUNCTION accord_list_first_write() RETURNS boolean AS $$
        BEGIN
            IF current_setting('accord.list_written', true) = '1' THEN RETURN false; END IF;
            PERFORM set_config('accord.list_written', '1', true);
            RETURN true;
        END;
        $$ LANGUAGE plpgsql VOLATILE""",
    f"""CREATE OR REPLACE FUNCTION accord_list_bump() RETURNS trigger AS $$
        BEGIN {_POSTGRES_NEW_TOKEN}; RETURN NULL; END;
        $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION accord_list_truncated() RETURNS trigger AS $$
        BEGIN
            PERFORM set_config('accord.list_written', '1', true);
            {_POSTGRES_NEW_TOKEN};
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql""",
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {name} ON {table}"
    for table in TABLES
    for name in ("accord_list_bump", "accord_list_truncate")
]
_POSTGRES_INSTALL = [
    *_POSTGRES_FUNCTIONS,
    *_POSTGRES_DROP,  # constraint triggers cannot be created OR REPLACE
    *(
        statement
        for table in TABLES
        for statement in (
            f"""CREATE CONSTRAINT TRIGGER accord_list_bump AFTER INSERT OR UPDATE OR DELETE
                ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (accord_list_first_write()) EXECUTE FUNCTION accord_list_bump()""",
            f"""CREATE TRIGGER accord_list_truncate AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION accord_list_truncated()""",
        )
    ),
]
# Triggers each database should have once installed (checked by the tests).
TRIGGER_COUNT = {"sqlite": len(TABLES) * len(OPERATIONS), "postgresql": len(TABLES) * 2}


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_DROP
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_DROP
    return []


def install_list_version(connection) -> None:
    """Create the triggers and the first token (idempotent); nothing before the tables exist
    (``post_migrate`` also runs for a database migrated part of the way)."""
    if not {VERSION_TABLE, *TABLES} <= set(connection.introspection.table_names()):
        return
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (name, version) SELECT %s, %s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {VERSION_TABLE} WHERE name = %s)",
                [LIST, secrets.token_hex(16), LIST],
            )


def installed_triggers(connection) -> int:
    """How many of the triggers are in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["accord_list_%"],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
                ["accord_list_%"],
            )
        else:
            return 0
        return cursor.fetchone()[0]


def reinstall_after_migrate(using: str = "default", **kwargs) -> None:
    """``post_migrate``: put back triggers that a table rebuilt by a migration lost (one
    count when none did: no DDL, no table lock)."""
    from django.db import connections

    connection = connections[using]
    if installed_triggers(connection) < TRIGGER_COUNT.get(connection.vendor, 0):
        install_list_version(connection)


def drop_list_version(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)


def list_version(connection) -> str | None:
    """The list's current token as this connection may use it, or ``None``: no token (no
    triggers, or a flushed table), or, on PostgreSQL, this transaction has written to a
    versioned table and not committed yet (its own token is set only at the commit)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT (SELECT version FROM {VERSION_TABLE} WHERE name = %s), "
                "current_setting('accord.list_written', true)",
                [LIST],
            )
            version, written = cursor.fetchone()
            return None if written else version
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE name = %s", [LIST])
            row = cursor.fetchone()
            return row[0] if row else None
    return None
