"""Drop the proposal list's version token and the triggers that kept it.

The list is read afresh on every request, so nothing needs to know when the proposals,
sponsors, co-sponsor links or viewing grants change. The triggers go first: on SQLite they
write to the token's table, and a write to one of those tables must not reach a dropped table.
"""

from django.db import migrations

TABLES = (
    "projects_proposal",
    "projects_sponsor",
    "projects_proposal_co_sponsors",
    "projects_proposalgroupobjectpermission",
)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS accord_list_{table}_{operation}"
            for table in TABLES
            for operation in ("insert", "update", "delete")
        ]
    elif vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
            for table in TABLES
            for trigger in ("accord_list_bump", "accord_list_truncate")
        ]
        statements += [
            f"DROP FUNCTION IF EXISTS {function}()"
            for function in ("accord_list_bump", "accord_list_truncated", "accord_list_first_write")
        ]
    else:
        return  # no triggers were ever installed on other databases
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_list_version"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="ListVersion"),
    ]
