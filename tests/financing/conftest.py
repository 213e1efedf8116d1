"""Fixtures of the financing tests (the ledger's builders live in ``ledger_fixtures``)."""

from tests.financing.ledger_fixtures import funded, jpy_rate  # noqa: F401
