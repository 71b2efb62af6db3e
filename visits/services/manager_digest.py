"""A periodic digest to a scheme's managers, for the features' scheduled reminders: one outbox row
per manager (in their language, keyed so that a second run of the same period writes none),
queued once written, so an unreachable mail server or broker loses nothing."""

from collections.abc import Callable

from django.db import transaction

from ..models import Notification, Scheme, User
from ..selectors import managers_q
from .notifications import _InEachLanguage, _queue, _write


def managers_digest_send(*, kind: str, scheme: Scheme, compose: Callable[[], tuple[str, str]],
                         period_key: str) -> list[Notification]:
    """`compose()` gives (subject, body) in the active language; only the scheme's active managers
    with an address receive it, never anyone else."""
    message = _InEachLanguage(compose)
    with transaction.atomic():
        notes = [_write(kind=kind, scheme=scheme, to=manager, message=message, issues=(),
                        dedupe_key=f"{kind}:{manager.pk}:{period_key}")
                 for manager in User.objects.filter(managers_q(scheme)).order_by("pk")]
    made = [note for note in notes if note is not None]
    _queue(made)
    return made
