from django.db import migrations


def drop_per_zone_tasks(apps, schema_editor):
    """One periodic task now finds the sites whose local week has turned; `setup_schedules`
    makes it. The per-zone rows it replaces name a task that no longer exists."""
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="scheduling.refresh_all").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(drop_per_zone_tasks, migrations.RunPython.noop)]
