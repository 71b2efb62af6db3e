"""The notification outbox. A row is written in the transaction of its cause; a task claims it
with a lease, sends it and marks it sent, so a worker that dies mid-way leaves it to be sent again
once the lease runs out. Failures are retried with back-off up to a ceiling, then kept as failed
for the manager to see. The e-mails say what the issue is, where and on which day, and where to
answer it: never who visited, how to reach them, or at what time."""

import smtplib
from collections import defaultdict
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..db import NewRows
from ..models import (
    AWAITING_FORCE,
    Notification,
    NotificationKind,
    Scheme,
    User,
    VisitIssue,
)
from ..selectors import custody_staff_for_site, issues_submitted, managers_q
from . import issues as issue_steps
from .queue import enqueue_on_commit

# Minutes to wait after each failed attempt; one more failure after the last step and the row is
# marked failed. With the sweep every 5 minutes this spans about 16 hours of a mail server's trouble.
BACKOFF_MINUTES = (5, 15, 60, 180, 720)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
REMINDER_INTERVAL = timedelta(days=7)


def issue_url(issue: VisitIssue) -> str:
    return f"{settings.SITE_URL}/issues/{issue.pk}/"


def report_url(report) -> str:
    """The report's desk page (web's `report` route; the core may not import the URLs)."""
    return f"{settings.SITE_URL}/reports/custody/{report.pk}/"


def message_id(note: Notification) -> str:
    """The same for every attempt at one row, so a mail client folds a duplicate delivery."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<notification-{note.pk}.{note.token.hex}@{domain}>"


def _render(name: str, **context) -> str:
    return render_to_string(f"visits/email/{name}.txt", {"site_url": settings.SITE_URL, **context}).strip() + "\n"


def _day(value) -> str:
    """A date as the active language writes it, day first: "6 February 2024", "6 Chwefror 2024"."""
    return date_format(value, "j F Y")


class _InEachLanguage:
    """An e-mail composed (subject and body) in each recipient's language, once per language: the
    outbox stores the words sent, so each row carries its recipient's own."""

    def __init__(self, compose):
        self.compose = compose
        self.made: dict[str, tuple[str, str]] = {}

    def __call__(self, user: User) -> tuple[str, str]:
        code = user.language_code
        if code not in self.made:
            with translation.override(code):
                self.made[code] = self.compose()
        return self.made[code]


def _queue(notes) -> None:
    for note in notes:
        # robust: the cause is committed; a broker that is down leaves the row for the sweep.
        enqueue_on_commit("visits.notification_send", note.pk, robust=True)


def _write(*, kind: str, scheme: Scheme, to: User, message: _InEachLanguage, issues, dedupe_key: str):
    """One outbox row with its issues, in `to`'s language, or None when a row with that key exists already."""
    subject, body = message(to)
    try:
        with transaction.atomic():
            note = Notification.objects.create(kind=kind, scheme=scheme, to_email=to.email, subject=subject,
                                               body=body, dedupe_key=dedupe_key)
    except IntegrityError:
        return None
    _links_write([note], issues, NewRows())
    return note


def _write_each(*, kind: str, scheme: Scheme, to, message: _InEachLanguage, issues=(), rows: NewRows | None = None
                ) -> list[Notification]:
    """One outbox row for each recipient, in their language, with its issues, written with `rows` (by default at once).
    Without a dedupe key there is nothing to collide with: no savepoint, two bulk INSERTs."""
    rows = rows or NewRows()
    notes = rows.add(
        Notification(kind=kind, scheme=scheme, to_email=user.email, subject=subject, body=body)
        for user in to for subject, body in [message(user)]
    )
    _links_write(notes, issues, rows)
    return notes


def _links_write(notes, issues, rows: NewRows) -> None:
    link = Notification.issues.through
    rows.add(link(notification=note, visitissue=issue) for note in notes for issue in issues)


def _items(issues) -> list[dict]:
    return [{"issue": issue, "url": issue_url(issue)} for issue in issues]


def issues_raised_notify(report, *, issues=None, staff=None, rows: NewRows | None = None) -> None:
    """Tell the custody staff of the report's site (`staff`, when the caller has read them) of its
    issues not resolved during the visit (by default all the report's), through the outbox (its rows
    written with the report's `rows`, if given)."""
    if issues is None:
        issues = report.issues.select_related("category")
    waiting = [i for i in issues if i.status in AWAITING_FORCE]
    if not waiting:
        return
    def compose():
        subject = ngettext("%(count)s issue raised at %(site)s, visit of %(date)s",
                           "%(count)s issues raised at %(site)s, visit of %(date)s", len(waiting)) % {
            "count": len(waiting), "site": report.site.name, "date": _day(report.local_date)}
        return subject, _render("issue_raised", site=report.site, visit_date=report.local_date, items=_items(waiting))

    _queue(_write_each(kind=NotificationKind.ISSUE_RAISED, scheme=report.scheme, message=_InEachLanguage(compose),
                       issues=waiting, to=custody_staff_for_site(report.site) if staff is None else staff, rows=rows))


def issue_reopened_notify(*, issue: VisitIssue, note: str) -> None:
    def compose():
        subject = _("Issue reopened at %(site)s: please respond by %(date)s") % {
            "site": issue.site.name, "date": _day(issue.due_on)}
        return subject, _render("issue_reopened", issue=issue, url=issue_url(issue), note=note)

    _queue(_write_each(kind=NotificationKind.ISSUE_REOPENED, scheme=issue.scheme, message=_InEachLanguage(compose),
                       issues=[issue], to=custody_staff_for_site(issue.site)))


def issues_overdue_notify() -> int:
    """The daily run: each scheme's managers get one digest of its overdue issues; the custody staff
    of each site a reminder of that site's, at most once a week for any one issue. Safe to run
    again the same day: the digest is keyed by day, and a reminded issue waits a week."""
    now = timezone.now()
    made = []
    for scheme in Scheme.objects.all():
        today = scheme.local_today()
        overdue = list(
            issues_submitted().filter(scheme=scheme, status__in=AWAITING_FORCE, due_on__lt=today)
            .select_related("site", "category", "scheme").order_by("site__name", "due_on", "id")
        )
        if not overdue:
            continue
        with transaction.atomic():
            made += _digests(scheme, overdue, today)
            made += _reminders(scheme, overdue, today, now)
    _queue(made)
    return len(made)


def _digests(scheme, overdue, today) -> list[Notification]:
    failed = Notification.objects.filter(scheme=scheme, failed_at__isnull=False).count()
    items = [{**item, "days_late": (today - item["issue"].due_on).days} for item in _items(overdue)]
    def compose():
        subject = ngettext("%(count)s overdue issue awaiting the force's response",
                           "%(count)s overdue issues awaiting the force's response", len(overdue)) % {"count": len(overdue)}
        return subject, _render("overdue_digest", scheme=scheme, today=today, items=items, failed=failed)

    message = _InEachLanguage(compose)
    managers = User.objects.filter(managers_q(scheme))
    notes = [
        _write(kind=NotificationKind.OVERDUE_DIGEST, scheme=scheme, to=manager, message=message,
               issues=overdue, dedupe_key=f"overdue-digest:{manager.pk}:{today}")
        for manager in managers
    ]
    return [note for note in notes if note is not None]


def _reminders(scheme, overdue, today, now) -> list[Notification]:
    by_site = defaultdict(list)
    for issue in overdue:
        if issue.reminded_at is None or issue.reminded_at <= now - REMINDER_INTERVAL:
            by_site[issue.site].append(issue)
    notes = []
    for site, issues in by_site.items():
        items = [{**item, "days_late": (today - item["issue"].due_on).days} for item in _items(issues)]

        def compose(site=site, issues=issues, items=items):
            subject = ngettext("Reminder: %(count)s issue at %(site)s past the date for the force's response",
                               "Reminder: %(count)s issues at %(site)s past the date for the force's response",
                               len(issues)) % {"count": len(issues), "site": site.name}
            return subject, _render("issue_reminder", site=site, items=items)

        message = _InEachLanguage(compose)
        for user in custody_staff_for_site(site):
            note = _write(kind=NotificationKind.ISSUE_REMINDER, scheme=scheme, to=user, message=message,
                          issues=issues, dedupe_key=f"issue-reminder:{site.pk}:{user.pk}:{today}")
            if note is not None:
                notes.append(note)
        VisitIssue.objects.filter(pk__in=[i.pk for i in issues]).update(reminded_at=now)
    return notes


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification. The conditional UPDATE claims the row for a lease; only the claimant
    sends, then marks it sent. True when this call sent it."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(claimed_until=now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS),
                attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    note = Notification.objects.get(pk=notification_id)
    message = EmailMessage(note.subject, note.body, None, [note.to_email], headers={"Message-ID": message_id(note)})
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out: all worth another try
        _attempt_failed(note, exc)
        return False
    with transaction.atomic():
        Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now(), claimed_until=None, last_error="")
        if note.kind == NotificationKind.ISSUE_RAISED:
            issue_steps.issues_referred(issues=note.issues.all(), to_email=note.to_email)
    return True


def _attempt_failed(note: Notification, exc: Exception) -> None:
    now = timezone.now()
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if note.attempts >= MAX_ATTEMPTS:
        changes = {"failed_at": now}
    else:
        changes = {"next_attempt_at": now + timedelta(minutes=BACKOFF_MINUTES[note.attempts - 1])}
    Notification.objects.filter(pk=note.pk).update(claimed_until=None, last_error=error, **changes)


def notifications_pending(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """What the sweep sends: unsent, not given up, not held by a live lease, due for its next try;
    past a grace period, as a new row's own task is usually on its way."""
    now = timezone.now()
    return list(
        Notification.objects.filter(sent_at__isnull=True, failed_at__isnull=True, created_at__lte=now - older_than)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)[:500]
    )

def concern_raised_notify(report, *, managers=None, rows: NewRows | None = None) -> None:
    """An allegation or sign of ill-treatment goes to the scheme's managers (`managers`, when the caller
    has read them) at once, never to the force's custody staff. The details stay behind sign-in; the
    e-mail says where to read them."""
    def compose():
        words = {"site": report.site.name, "date": _day(report.local_date), "number": report.pk,
                 "url": report_url(report)}
        subject = _("URGENT: concern of ill-treatment raised at %(site)s on %(date)s") % words
        body = (_("Independent custody visitors raised a concern about the treatment of a detainee at %(site)s on "
                  "%(date)s (custody visit report %(number)s).") % words + "\n\n"
                + _("Read it at %(url)s and act on it today; mark it handled with a note there once it is dealt "
                    "with.") % words)
        return subject, body

    if managers is None:
        managers = User.objects.filter(managers_q(report.scheme)).order_by("pk")
    _queue(_write_each(kind=NotificationKind.CONCERN_RAISED, scheme=report.scheme, to=managers,
                       message=_InEachLanguage(compose), rows=rows))


def message_notify(*, kind: str, scheme: Scheme, to, compose, dedupe_key: str | None = None) -> list[Notification]:
    """A feature's e-mail through the outbox: `compose()` gives (subject, body) and is called once in each
    recipient's language; one row for each of `to` (people with an address), queued when the caller's
    transaction commits. With `dedupe_key`, a recipient gets it once however often the cause runs."""
    message = _InEachLanguage(compose)
    to = [user for user in to if user.email]
    if dedupe_key is None:
        notes = _write_each(kind=kind, scheme=scheme, to=to, message=message)
    else:
        notes = [note for user in to if (note := _write(kind=kind, scheme=scheme, to=user, message=message, issues=(),
                                                        dedupe_key=f"{dedupe_key}:{user.pk}")) is not None]
    _queue(notes)
    return notes


def notifications_health() -> dict:
    """For /health/: what waits to be sent and what was given up on."""
    unsent = Notification.objects.filter(sent_at__isnull=True)
    return {"pending": unsent.filter(failed_at__isnull=True).count(), "failed": unsent.filter(failed_at__isnull=False).count()}
