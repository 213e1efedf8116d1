"""Migrations that remove something leave nothing of it behind, on either database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

# What the proposal list's version token used to install on each database (one of each kind).
INSTALLED_BEFORE = {
    "sqlite": [
        """CREATE TRIGGER accord_list_projects_proposal_insert AFTER INSERT ON projects_proposal
           BEGIN UPDATE projects_listversion SET version = 'x'; END""",
    ],
    "postgresql": [
        """CREATE FUNCTION accord_list_bump() RETURNS trigger AS $$
           BEGIN UPDATE projects_listversion SET version = 'x'; RETURN NULL; END;
           $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER accord_list_bump AFTER INSERT ON projects_proposal
           FOR EACH ROW EXECUTE FUNCTION accord_list_bump()""",
    ],
}
LEFT_OVER = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'accord_list%'",
    "postgresql": """SELECT tgname FROM pg_trigger WHERE tgname LIKE 'accord_list%'
                     UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'accord_list%'""",
}


@pytest.mark.django_db(transaction=True)
def test_dropping_the_list_version_removes_its_triggers_and_table(make_proposal):
    call_command("migrate", "projects", "0002", verbosity=0)
    with connection.cursor() as cursor:
        for sql in INSTALLED_BEFORE[connection.vendor]:
            cursor.execute(sql)

    call_command("migrate", "projects", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute(LEFT_OVER[connection.vendor])
        assert cursor.fetchall() == []
    assert "projects_listversion" not in connection.introspection.table_names()
    assert make_proposal("submitted").status == "submitted"  # writes need no token
