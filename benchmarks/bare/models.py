from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=200)

    class Meta:
        app_label = "bare"
        db_table = "bare_note"
        managed = False  # made by the benchmark in its own database, beside the service's tables
