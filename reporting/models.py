import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.periods import Period


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("Excel workbook")
    JSON = "json", "JSON"


class ExportJob(models.Model):
    """A quarterly-return export too large to answer in the request: built by a Celery task into
    MEDIA_ROOT/exports and downloaded by its owner only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    schemes = models.ManyToManyField("visits.Scheme", related_name="+")
    # The period as asked: fy (and quarter), or date_from and date_to, or none of them for the
    # financial year to date when the file is built.
    fy = models.PositiveSmallIntegerField(null=True, blank=True,
                                          help_text=_("Empty for a period given by dates, or for the year to date."))
    quarter = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Empty: the four quarters of the year."))
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    # The language of whoever asked (their request's): the worker builds the file's words in it.
    language = models.CharField(max_length=8, default="en-gb",
                                help_text=_("Language the file's words are written in (en-gb or cy)."))
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Per cent of the rows built."))
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="export_job_one_period_form",
                condition=(models.Q(date_from__isnull=True, date_to__isnull=True)
                           | models.Q(date_from__isnull=False, date_to__isnull=False, fy__isnull=True,
                                      quarter__isnull=True, date_to__gte=models.F("date_from"))),
            ),
            models.CheckConstraint(name="export_job_quarter_has_its_year",
                                   condition=models.Q(quarter__isnull=True) | models.Q(fy__isnull=False)),
        ]

    def __str__(self):
        if self.fy is not None:
            span = f"{self.fy}{f' Q{self.quarter}' if self.quarter else ''}"
        elif self.date_from:
            span = f"{self.date_from} to {self.date_to}"
        else:
            span = "year to date"
        return f"Export {span} ({self.format}) by {self.owner}"

    @property
    def period(self) -> Period | None:
        """The dates asked for, when the export was asked for by dates rather than a year."""
        return Period(self.date_from, self.date_to) if self.date_from and self.date_to else None
