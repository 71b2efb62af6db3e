from celery import shared_task

from . import services


@shared_task(name="reporting.export_job_build", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=30, retry_backoff_max=600, max_retries=3)
def export_job_build(job_id: str) -> str | None:
    job = services.export_job_run(job_id=job_id)
    return None if job is None else job.status
