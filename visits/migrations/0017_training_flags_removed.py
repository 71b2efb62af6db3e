"""The training flags, now records (0016), go."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0016_training_from_flags"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='animal_welfare_trained',
        ),
        migrations.RemoveField(
            model_name='user',
            name='tact_trained',
        ),
    ]
