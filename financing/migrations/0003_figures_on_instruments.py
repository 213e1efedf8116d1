"""The exposure job's figures move onto the instruments, written only when one changes;
each day's program totals move to ``ExposureDay``.

The old per-day snapshot rows are summed into ``ExposureDay`` first (the trend keeps its
history) and then dropped: they are derived, an instrument whose figures are not written yet
is computed on request, and the next run of the job (nightly, or ``recompute_exposure``)
writes them.
"""

from django.db import migrations, models
from django.db.models import Count, Max, Sum


def days_from_snapshots(apps, schema_editor):
    snapshot = apps.get_model("financing", "ExposureSnapshot")
    day = apps.get_model("financing", "ExposureDay")
    rows = (
        snapshot.objects.order_by()
        .values("as_of")
        .annotate(
            count=Count("pk"),
            priced=Count("exposure_usd"),
            exposure=Sum("exposure_usd", default=0),
            committed=Sum("committed_usd", default=0),
            at=Max("computed_at"),
        )
    )
    day.objects.bulk_create(
        day(
            as_of=row["as_of"],
            checked_at=row["at"],
            totals_at=row["at"],
            instruments=row["count"],
            missing=row["count"] - row["priced"],
            exposure_usd=row["exposure"],
            committed_usd=row["committed"],
        )
        for row in rows
    )


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0002_snapshots_lean"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExposureDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField(unique=True)),
                ("checked_at", models.DateTimeField(null=True)),
                ("totals_at", models.DateTimeField(null=True)),
                ("instruments", models.PositiveIntegerField(null=True)),
                ("missing", models.PositiveIntegerField(null=True)),
                ("exposure_usd", models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ("committed_usd", models.DecimalField(decimal_places=2, max_digits=20, null=True)),
            ],
            options={
                "ordering": ["as_of"],
            },
        ),
        migrations.AddField(
            model_name="instrument",
            name="claims",
            field=models.DecimalField(
                decimal_places=2, editable=False, max_digits=20, null=True, verbose_name="claims"
            ),
        ),
        migrations.AddField(
            model_name="instrument",
            name="exposure",
            field=models.DecimalField(
                decimal_places=2, editable=False, max_digits=20, null=True, verbose_name="exposure"
            ),
        ),
        migrations.AddField(
            model_name="instrument",
            name="figures_as_of",
            field=models.DateField(editable=False, null=True, verbose_name="figures as of"),
        ),
        migrations.AddField(
            model_name="instrument",
            name="figures_computed_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="figures computed at"
            ),
        ),
        migrations.AddField(
            model_name="instrument",
            name="undrawn",
            field=models.DecimalField(
                decimal_places=2, editable=False, max_digits=20, null=True, verbose_name="undrawn"
            ),
        ),
        migrations.RunPython(days_from_snapshots, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="ExposureSnapshot",
        ),
    ]
