"""The proposal list's version token and the triggers that replace it on every write."""

from django.db import migrations, models

from projects.db import drop_list_version, install_list_version


def install(apps, schema_editor):
    install_list_version(schema_editor.connection)


def drop(apps, schema_editor):
    drop_list_version(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListVersion",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("version", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(install, drop),
    ]
