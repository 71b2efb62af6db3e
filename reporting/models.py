import uuid

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel workbook"
    JSON = "json", "JSON"


class ExportJob(models.Model):
    """A quarterly-return export too large to answer in the request: built by a Celery task into
    MEDIA_ROOT/exports and downloaded by its owner only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    schemes = models.ManyToManyField("visits.Scheme", related_name="+")
    fy = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: the four quarters of the year.")
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent of the rows built.")
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Export {self.fy}{f' Q{self.quarter}' if self.quarter else ''} ({self.format}) by {self.owner}"
