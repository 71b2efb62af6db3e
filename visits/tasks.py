from celery import shared_task

from . import services


@shared_task(name="visits.notification_send", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def notification_send(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task(name="visits.notifications_flush", acks_late=True)
def notifications_flush() -> int:
    """Send what the broker or a worker dropped: every note still unsent after a grace period."""
    pending = services.notifications_pending()
    for pk in pending:
        notification_send.delay(pk)
    return len(pending)
