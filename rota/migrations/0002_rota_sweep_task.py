from django.db import migrations


def add_sweep(apps, schema_editor):
    """The rota's periodic look (made, missed, lost plans and refills, reminders), every 5 minutes; editable
    in the admin, where a changed interval is kept."""
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(name="Rota: visits made and missed, refills, reminders",
                                     defaults={"task": "rota.sweep", "interval": every_5})


def drop_sweep(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="rota.sweep").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rota", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_sweep, drop_sweep)]
