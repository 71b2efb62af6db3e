"""The outbox delivers every notification at least once and, but for a crash between the mail
server's acceptance and the commit, exactly once: a lease-claimed row, a stable Message-ID, retries
with back-off against a real (refusing) SMTP port, and a ceiling the manager and /health/ see."""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from tests.factories import custody_visit
from tests.helpers import utc
from visits import services
from visits.models import Notification
from visits.services.notifications import BACKOFF_MINUTES, MAX_ATTEMPTS


@pytest.fixture
def note(suite, bob, bella, carol):
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 2, 6, 21, 40),
                  issues=[{"category": "food-and-drink", "description": "Cold meals in cell 4."}])
    return Notification.objects.get()


@pytest.fixture
def smtp_refusing(settings):
    """A real SMTP client against a port where nothing listens: every attempt is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return port


def deliver(note) -> bool:
    return services.notification_deliver(notification_id=note.pk)


def test_a_notification_is_sent_once_with_a_message_id_made_from_its_row(note):
    assert deliver(note) is True
    assert deliver(note) is False
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == services.message_id(note)
    assert message.message()["Message-ID"] == f"<notification-{note.pk}.{note.token.hex}@localhost>"
    note.refresh_from_db()
    assert (note.status, note.attempts, note.claimed_until) == ("sent", 1, None)


def test_a_row_claimed_by_a_live_worker_is_left_alone_and_taken_once_its_lease_runs_out(note):
    Notification.objects.filter(pk=note.pk).update(claimed_until=timezone.now() + timedelta(minutes=4))
    assert deliver(note) is False
    assert note.pk not in services.notifications_pending(older_than=timedelta(0))
    assert mail.outbox == []

    # The worker that claimed it died: the lease runs out and the row is sendable again.
    Notification.objects.filter(pk=note.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert services.notifications_pending(older_than=timedelta(0)) == [note.pk]
    assert deliver(note) is True
    assert len(mail.outbox) == 1


def test_a_refused_attempt_waits_longer_each_time_then_is_given_up_and_shown(api, note, smtp_refusing, alice):
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        Notification.objects.filter(pk=note.pk).update(next_attempt_at=None)  # as if its time had come
        assert deliver(note) is False
        note.refresh_from_db()
        assert note.attempts == attempt and note.claimed_until is None
        assert "ConnectionRefusedError" in note.last_error
        if note.next_attempt_at and attempt < MAX_ATTEMPTS:
            waits.append(round((note.next_attempt_at - timezone.now()).total_seconds() / 60))
    assert waits == list(BACKOFF_MINUTES)
    assert note.status == "failed"
    assert services.notifications_pending(older_than=timedelta(0)) == []

    health = api(None).get("/api/v1/health/").json()
    assert health["notifications"] == {"pending": 0, "failed": 1}
    [failed] = api(alice).get("/api/v1/notifications/", {"status": "failed"}).json()["results"]
    assert (failed["id"], failed["to_email"], failed["attempts"]) == (note.pk, note.to_email, MAX_ATTEMPTS)


def test_a_notification_not_yet_due_again_waits_for_its_time(note, smtp_refusing, settings):
    deliver(note)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(note) is False  # its next attempt is minutes away
    assert services.notifications_pending(older_than=timedelta(0)) == []
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now())
    assert deliver(note) is True


def test_the_force_sees_no_outbox(api, note, carol, bob):
    assert api(carol).get("/api/v1/notifications/").status_code == 403
    assert api(bob).get("/api/v1/notifications/").status_code == 403


def test_another_schemes_manager_sees_none_of_the_outbox(api, note, charlie):
    assert api(charlie).get("/api/v1/notifications/").json()["count"] == 0


@pytest.mark.parametrize(("env", "expected"), [
    ({"EMAIL_URL": "smtp://icv%40force.example:s3cret@mail.example:587/?tls=True"},
     "smtp mail.example 587 icv@force.example s3cret True False"),
    ({"EMAIL_HOST": "mailpit", "EMAIL_PORT": "1025"}, "smtp mailpit 1025   False False"),
    ({"EMAIL_URL": "smtp://mail.example:465/?ssl=True"}, "smtp mail.example 465   False True"),
    ({}, "console localhost 25   False False"),
])
def test_smtp_settings_come_from_the_environment(env, expected):
    show = ("from django.conf import settings as s; print(s.EMAIL_BACKEND.split('.')[-2], s.EMAIL_HOST, s.EMAIL_PORT, "
            "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and k != "DJANGO_EMAIL_BACKEND"}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {show}"],
                            cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=60,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "backend.test_settings", **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_lease_no_longer_than_the_smtp_timeout_is_refused_at_start_up():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=django_settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "backend.test_settings",
                                 "EMAIL_TIMEOUT": "30", "NOTIFICATION_LEASE_SECONDS": "30"})
    assert result.returncode != 0
    assert "NOTIFICATION_LEASE_SECONDS must be longer than EMAIL_TIMEOUT" in result.stderr
