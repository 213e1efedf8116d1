"""The permission matrix's world and clients, shared by the tests that drive its rows."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.permissions.matrix import FINANCING_STATES
from tests.permissions.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The personas and one proposal per state, built once for the whole module.

    Built inside a transaction that is rolled back when the module ends; every test's own
    transaction (the ``db`` fixture) nests in it as a savepoint, so what a POST changes is
    undone before the next row.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(FINANCING_STATES)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients():
    """One API client and one page client for the module.

    A new client loads the middleware again, and WhiteNoise scans every static file when
    it loads: reusing the two clients saves most of the matrix's run time. Each request
    starts from no cookies and no forced user.
    """
    return APIClient(), Client()
