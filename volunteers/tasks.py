from celery import shared_task
from django.conf import settings

from . import services

# Both are safe to run twice: the reminder is keyed by manager and week, an anonymised leaver is skipped.
RETRY = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (Exception,), "retry_backoff": 10,
         "retry_backoff_max": settings.CELERY_TASK_TIME_LIMIT, "retry_jitter": True, "max_retries": 5}


@shared_task(name="volunteers.reminders_notify", **RETRY)
def reminders_notify() -> int:
    """Weekly: each scheme's managers get what needs doing in the volunteer register soon."""
    return services.reminders_notify()


@shared_task(name="volunteers.leavers_anonymise", **RETRY)
def leavers_anonymise() -> int:
    """Daily: leavers past their scheme's keeping time are anonymised."""
    return services.leavers_anonymise()
