"""The decision log's database guard, its head row, and the delegation-role groups."""

from django.db import migrations

from core.db import drop_append_only_guard, install_append_only_guard

DELEGATIONS = ("US", "JP")
ROLES = ("member", "chair", "staff", "observer")


def install_guard(apps, schema_editor):
    install_append_only_guard(schema_editor.connection)


def drop_guard(apps, schema_editor):
    drop_append_only_guard(schema_editor.connection)


def create_head_and_groups(apps, schema_editor):
    apps.get_model("committee", "DecisionLogHead").objects.get_or_create(id=1)
    Group = apps.get_model("auth", "Group")
    for delegation in DELEGATIONS:
        for role in ROLES:
            Group.objects.get_or_create(name=f"{delegation} {role}")


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(install_guard, drop_guard),
        migrations.RunPython(create_head_and_groups, migrations.RunPython.noop),
    ]
