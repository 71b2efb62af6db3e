from celery import shared_task
from django.conf import settings

from . import services
from .models import Scheme


# No Celery retries: a failed attempt is kept on the row with its next time, and the sweep sends
# it then, so a retry survives a worker's or the broker's restart. Safe to repeat: a run takes the
# row's lease first, so a redelivered message sends nothing twice.
@shared_task(name="visits.notification_send", acks_late=True, reject_on_worker_lost=True)
def notification_send(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


# Safe to repeat: it recomputes each report's derived fields from the scheme's current settings.
@shared_task(name="visits.scheme_reports_rederive", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(Exception,), retry_backoff=10, retry_backoff_max=settings.CELERY_TASK_TIME_LIMIT,
             max_retries=5)
def scheme_reports_rederive(scheme_id: int) -> int | None:
    """After a settings change: the scheme's stored reports follow its new zone, bands and delays."""
    scheme = Scheme.objects.filter(pk=scheme_id).first()
    return None if scheme is None else services.scheme_reports_rederive(scheme=scheme)


# Named for its first job; the beat schedule's rows name it, so the name stays.
@shared_task(name="visits.notifications_flush", acks_late=True, reject_on_worker_lost=True)
def notifications_flush() -> int:
    """The outbox sweep: do what the broker or a worker dropped. Every note still unsent after a
    grace period is sent, and every scheme settings change not yet carried through its reports is."""
    pending = services.notifications_pending()
    for pk in pending:
        notification_send.delay(pk)
    due = services.schemes_rederive_due()
    for pk in due:
        scheme_reports_rederive.delay(pk)
    return len(pending) + len(due)


@shared_task(name="visits.issues_overdue_notify", acks_late=True)
def issues_overdue_notify() -> int:
    """Daily: the managers' digest of overdue issues and the force's weekly reminders."""
    return services.issues_overdue_notify()
