import django.db.models.deletion
from django.db import migrations, models


def from_the_report(apps, schema_editor):
    """A correction's scheme is its report's, not its corrector's (a superuser has none)."""
    ReportCorrection = apps.get_model("visits", "ReportCorrection")
    for correction in ReportCorrection.objects.select_related("custody_visit", "animal_visit"):
        correction.scheme_id = (correction.custody_visit or correction.animal_visit).scheme_id
        correction.save(update_fields=["scheme"])


class Migration(migrations.Migration):
    dependencies = [("visits", "0002_field_bounds")]

    operations = [
        migrations.AddField(
            model_name="reportcorrection", name="scheme",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="visits.scheme"),
        ),
        migrations.RunPython(from_the_report, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportcorrection", name="scheme",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="visits.scheme"),
        ),
        migrations.AddConstraint(
            model_name="reportcorrection",
            constraint=models.CheckConstraint(
                condition=models.Q(custody_visit__isnull=False, animal_visit__isnull=True)
                | models.Q(custody_visit__isnull=True, animal_visit__isnull=False),
                name="correction_on_exactly_one_visit",
            ),
        ),
    ]
