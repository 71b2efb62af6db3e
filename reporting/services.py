"""Writes: export jobs for quarterly returns too large to build within a request."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from kombu.exceptions import OperationalError as KombuOperationalError

from visits.models import Scheme, User
from visits.periods import Period
from visits.services import QueueUnavailable, enqueue

from . import exports
from .models import ExportJob, ExportStatus

QUEUE_DOWN = gettext_noop("The task queue was not answering, so the file was never built. Ask for the export again.")

# A return of more scheme-quarters than this is built by a worker (each row is ~10 queries).
EXPORT_SYNC_MAX_ROWS = 40


def export_is_large(*, schemes: list[Scheme], fy: int | None, quarter: int | None, period: Period | None) -> bool:
    return exports.row_count(schemes=schemes, fy=fy, quarter=quarter, period=period) > EXPORT_SYNC_MAX_ROWS


@transaction.atomic
def export_job_create(*, owner: User, schemes: list[Scheme], fy: int | None, quarter: int | None = None,
                      period: Period | None = None, format: str) -> ExportJob:
    """Store the job, with the period as asked (fy and quarter, dates, or neither for the financial
    year to date), and queue its build once committed. Raises QueueUnavailable (the job marked
    failed with the reason) when the broker does not take it. The file is built in the language
    active now, the asker's (their request's), whenever the worker gets to it."""
    job = ExportJob.objects.create(owner=owner, fy=fy, quarter=quarter, format=format,
                                   language=translation.get_language() or settings.LANGUAGE_CODE,
                                   date_from=period.date_from if period else None,
                                   date_to=period.date_to if period else None)
    job.schemes.set(schemes)

    def queue():
        try:
            enqueue("reporting.export_job_build", str(job.pk))
        except KombuOperationalError as exc:
            ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=gettext(QUEUE_DOWN))
            raise QueueUnavailable() from exc

    # Queued only once the job row is committed, so the worker always finds it.
    transaction.on_commit(queue)
    return job


def export_job_run(*, job_id) -> ExportJob | None:
    """Build the job's file, in the language of whoever asked for it. Safe to run twice: a finished
    job is left as it is."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.status == ExportStatus.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=0, error="")

    def on_row(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=done * 100 // total)

    try:
        rows = exports.quarterly_return(
            schemes=list(job.schemes.order_by("name")), fy=job.fy, quarter=job.quarter, period=job.period,
            on_row=on_row,
        )
        with translation.override(job.language):
            content = exports.WRITERS[job.format](rows)
        job.file.save(f"{job.pk}.{job.format}", ContentFile(content), save=False)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:1000])
        raise
    job.status, job.progress, job.rows, job.error = ExportStatus.DONE, 100, len(rows), ""
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "rows", "error", "finished_at"])
    return job
