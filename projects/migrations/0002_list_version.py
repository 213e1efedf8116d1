"""The proposal list's version token (``ListVersion``), removed again by ``0003``.

The table's triggers were installed here too; ``0003`` drops them wherever they were
installed, so a database migrated from scratch skips them.
"""

from django.db import migrations, models


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
    ]
