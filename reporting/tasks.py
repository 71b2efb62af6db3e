from celery import shared_task
from django.conf import settings

from . import services


# Safe to repeat: a job already built is not built again. A retry's countdown stays within one task
# time limit, as the broker's visibility timeout counts it.
@shared_task(name="reporting.export_job_build", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=settings.CELERY_TASK_TIME_LIMIT,
             max_retries=3)
def export_job_build(job_id: str) -> str | None:
    job = services.export_job_run(job_id=job_id)
    return None if job is None else job.status
