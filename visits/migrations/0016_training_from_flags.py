"""Each scheme gets its training courses; each visitor's TACT and animal welfare flags become records
of those courses, completed on the day they joined (or the account was made); each visitor's stage
is read from their dates: left, on probation, or appointed."""

from django.db import migrations
from django.utils import timezone

COURSES = (
    ("induction", "Induction", None),
    ("tact", "TACT visits", None),
    ("animal_welfare", "Animal welfare visits", None),
    ("refresher", "Refresher", 36),
)
FLAGS = {"tact": "tact_trained", "animal_welfare": "animal_welfare_trained"}


def forwards(apps, schema_editor):
    Scheme = apps.get_model("visits", "Scheme")
    User = apps.get_model("visits", "User")
    TrainingCourse = apps.get_model("visits", "TrainingCourse")
    TrainingRecord = apps.get_model("visits", "TrainingRecord")
    today = timezone.localdate()
    for scheme in Scheme.objects.all():
        courses = {key: TrainingCourse.objects.get_or_create(
            scheme=scheme, key=key, defaults={"name": name, "validity_months": months})[0]
            for key, name, months in COURSES}
        records = []
        for user in User.objects.filter(scheme=scheme):
            for key, flag in FLAGS.items():
                if getattr(user, flag):
                    records.append(TrainingRecord(volunteer=user, course=courses[key],
                                                  completed_on=user.joined_on or timezone.localdate(user.date_joined)))
        TrainingRecord.objects.bulk_create(records)
    visitors = User.objects.filter(role="visitor")
    visitors.filter(left_on__lte=today).update(stage="left")
    visitors.filter(left_on__isnull=True, probation_ends_on__gte=today).update(stage="probation")


def backwards(apps, schema_editor):
    User = apps.get_model("visits", "User")
    TrainingRecord = apps.get_model("visits", "TrainingRecord")
    for key, flag in FLAGS.items():
        User.objects.filter(pk__in=TrainingRecord.objects.filter(course__key=key).values("volunteer")).update(**{flag: True})


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0015_volunteer_register"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
