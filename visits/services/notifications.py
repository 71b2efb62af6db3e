"""The notification outbox: written in the report's transaction, delivered by a task."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import (
    Notification,
    Role,
    User,
)


def issues_raised_notify(report, *, issues=None) -> None:
    """Tell the force's custody staff of new unresolved issues (by default all the report's), through the outbox."""
    if issues is None:
        issues = report.issues.select_related("category")
    open_issues = [i for i in issues if not i.resolved_during_visit]
    if not open_issues:
        return
    recipients = User.objects.filter(scheme=report.scheme, role=Role.CUSTODY, is_active=True).exclude(email="")
    lines = "\n".join(f"- {i.category.name}: {i.description}" for i in open_issues)
    notes = Notification.objects.bulk_create(
        Notification(
            to_email=user.email,
            subject=f"{len(open_issues)} issue(s) raised at {report.site.name}",
            body=(
                f"Independent custody visitors raised these issues at {report.site.name} on {report.local_date}:\n\n"
                f"{lines}\n\nPlease record the force's response in the custody visiting service."
            ),
        )
        for user in recipients
    )
    from ..tasks import notification_send

    for note in notes:
        # robust: the report is committed; a broker that is down leaves the note for the sweeper.
        transaction.on_commit(lambda pk=note.pk: notification_send.delay(pk), robust=True)


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification once: the row is claimed with a conditional UPDATE before sending."""
    from django.core.mail import send_mail

    claimed = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(sent_at=timezone.now())
    if not claimed:
        return False
    note = Notification.objects.get(pk=notification_id)
    try:
        send_mail(note.subject, note.body, None, [note.to_email])
    except Exception as exc:
        Notification.objects.filter(pk=note.pk).update(sent_at=None, attempts=note.attempts + 1, last_error=str(exc)[:2000])
        raise
    Notification.objects.filter(pk=note.pk).update(attempts=note.attempts + 1, last_error="")
    return True


def notifications_pending(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(Notification.objects.filter(sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=10)
                .values_list("pk", flat=True)[:500])


def concern_raised_notify(report) -> None:
    """An allegation or sign of ill-treatment goes to the scheme's managers at once, never to the force's
    custody staff. The details stay behind sign-in; the e-mail says where to read them."""
    recipients = User.objects.filter(scheme=report.scheme, role=Role.MANAGER, is_active=True).exclude(email="")
    notes = Notification.objects.bulk_create(
        Notification(
            to_email=user.email,
            subject=f"URGENT: concern of ill-treatment raised at {report.site.name} on {report.local_date}",
            body=(
                f"Independent custody visitors raised a concern about the treatment of a detainee at "
                f"{report.site.name} on {report.local_date} (custody visit report {report.pk}).\n\n"
                "Read it in the custody visiting service and act on it today; mark it handled with a note "
                "once it is dealt with."
            ),
        )
        for user in recipients
    )
    from ..tasks import notification_send

    for note in notes:
        # Sent at once after the commit; a broker that is down leaves the note for the sweeper.
        transaction.on_commit(lambda pk=note.pk: notification_send.delay(pk), robust=True)
