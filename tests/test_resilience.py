"""A broker that is down, or a worker killed mid-way, loses neither a submitted report nor the
notification it causes: real Redis, real Celery workers, a real SMTP server."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import SiteFactory, UserFactory, custody_visit
from tests.helpers import test_database_url
from visits import services
from visits.models import CustodyVisit, Notification, Role, Scheme, VisitIssue
from visits.tasks import notifications_flush

ROOT = Path(__file__).resolve().parent.parent

SUBMIT = """
import uuid
from datetime import timedelta
from django.utils import timezone
from visits import services
from visits.models import CustodyVisit, User
bob = User.objects.get(username="bob")
arrived = timezone.now() - timedelta(hours=2)
report, created = services.report_submit(model=CustodyVisit, sender=bob, data={{
    "client_uuid": uuid.uuid4(), "site": {site}, "visitors": [bob.pk, {partner}],
    "arrived_at": arrived, "admitted_at": arrived, "left_at": arrived + timedelta(hours=1),
    "issues": [{{"category": "food-and-drink", "description": "No hot drink offered", "resolved_during_visit": False}}],
    "status": "submitted",
}})
print("stored", report.pk, created)
"""


def wait_for(condition, *, workers, seconds=90, every=0.5, nudge=None):
    """Poll until condition() holds; `nudge` is called every few seconds (e.g. to queue the sweep)."""
    deadline, last_nudge = time.monotonic() + seconds, 0.0
    while not condition():
        for worker in workers:
            assert worker.poll() is None or worker.returncode == -signal.SIGKILL, worker.log.read_text()
        assert time.monotonic() < deadline, "\n".join(w.log.read_text() for w in workers)
        if nudge and time.monotonic() - last_nudge > 3:
            nudge()
            last_nudge = time.monotonic()
        time.sleep(every)


def sent(note_pk) -> bool:
    return Notification.objects.filter(pk=note_pk, sent_at__isnull=False).exists()


def past_the_grace_period():
    """The sweep leaves a new row to its own task for two minutes; these rows are older."""
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_report_sent_while_redis_is_down_is_stored_and_its_notification_sent_by_the_sweep_once_it_is_back(
        scheme, start_worker, smtp_server):
    suite = SiteFactory(scheme=scheme)
    UserFactory(username="bob", scheme=scheme)  # the sender, found by name in the subprocess
    bella = UserFactory(scheme=scheme)
    UserFactory(username="carol", role=Role.CUSTODY, scheme=scheme, email="carol@force.example")

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", "DATABASE_URL": test_database_url(),
           "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}  # nothing listens on port 1: the broker is down
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SUBMIT.format(site=suite.pk, partner=bella.pk)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "stored" in result.stdout

    assert CustodyVisit.objects.filter(site=suite).count() == 1
    note = Notification.objects.get()
    assert note.sent_at is None and note.to_email == "carol@force.example"
    assert VisitIssue.objects.get().status == "open"

    # The broker is back: a real worker runs the sweep, which sends what was left behind.
    past_the_grace_period()
    worker = start_worker(**smtp_server.env)
    wait_for(lambda: sent(note.pk), workers=[worker], nudge=notifications_flush.delay)
    [message] = smtp_server.messages
    assert message["To"] == "carol@force.example"
    assert message["Message-ID"] == services.message_id(note)
    assert VisitIssue.objects.get().status == "referred"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_claiming_and_before_sending_leaves_the_email_to_be_sent_once_its_lease_expires(
        scheme, start_worker, smtp_server):
    suite = SiteFactory(scheme=scheme)
    bob, bella = UserFactory(scheme=scheme), UserFactory(scheme=scheme)
    UserFactory(username="carol", role=Role.CUSTODY, scheme=scheme, email="carol@force.example")
    env = {**smtp_server.env, "EMAIL_TIMEOUT": "10", "NOTIFICATION_LEASE_SECONDS": "12"}

    smtp_server.hold()  # the first worker gets as far as the message, and no answer
    doomed = start_worker(**env)
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=timezone.now() - timedelta(hours=2),
                  issues=[{"category": "food-and-drink", "description": "No hot drink offered"}])
    note = Notification.objects.get()
    wait_for(smtp_server.held.is_set, workers=[doomed])
    note.refresh_from_db()
    assert note.claimed_until is not None and note.sent_at is None
    lease_end = note.claimed_until

    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=20)
    smtp_server.release()
    assert smtp_server.messages == []
    past_the_grace_period()
    assert services.notifications_pending() == []  # its lease still holds: nobody else sends it yet

    survivor = start_worker(**env)
    wait_for(lambda: sent(note.pk), workers=[doomed, survivor], nudge=notifications_flush.delay)
    [message] = smtp_server.messages
    assert message["Message-ID"] == services.message_id(note)
    note.refresh_from_db()
    assert note.attempts == 2 and note.sent_at >= lease_end
    assert services.notifications_pending() == []
    assert VisitIssue.objects.get().status == "referred"


REFRESH = """
from rest_framework.test import APIClient
from visits.models import User
client = APIClient()
client.force_authenticate(User.objects.get(username="alice"))
response = client.post("/api/v1/recommendations/refresh/", {{"site": {site}}}, format="json")
print("answer", response.status_code, response.json()["detail"])
"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_refresh_asked_for_while_redis_is_down_says_so_instead_of_pretending(scheme):
    suite = SiteFactory(scheme=scheme)
    UserFactory(username="alice", role=Role.MANAGER, scheme=scheme)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", "DATABASE_URL": test_database_url(),
           "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "DJANGO_ALLOWED_HOSTS": "testserver"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", REFRESH.format(site=suite.pk)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "answer 503 The task queue is not answering" in result.stdout


EXPORT = """
from rest_framework.test import APIClient
from reporting.models import ExportJob
from visits.models import User
client = APIClient()
client.force_authenticate(User.objects.get(username="alice"))
response = client.get("/api/v1/kpis/export/", {"fy": 2023, "async": 1, "format": "csv"})
print("answer", response.status_code, response.json()["detail"])
print("job", ExportJob.objects.get().status)
"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_large_export_asked_for_while_redis_is_down_says_so_and_is_not_left_queued(scheme):
    UserFactory(username="alice", role=Role.MANAGER, scheme=scheme)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", "DATABASE_URL": test_database_url(),
           "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "DJANGO_ALLOWED_HOSTS": "testserver"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", EXPORT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "answer 503 The task queue is not answering" in result.stdout
    assert "job failed" in result.stdout


SETTINGS_CHANGE = """
from visits import services
from visits.models import Scheme
services.scheme_update(scheme=Scheme.objects.get(pk={scheme}), fields={{"timezone": "UTC"}})
print("changed")
"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_settings_change_made_while_redis_is_down_reaches_the_stored_reports_once_the_sweep_runs(
        scheme, start_worker):
    suite = SiteFactory(scheme=scheme)
    bob, bella = UserFactory(scheme=scheme), UserFactory(scheme=scheme)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London, the scheme's zone until the change.
    report = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=datetime(2024, 6, 30, 23, 30, tzinfo=UTC))
    assert report.local_date == date(2024, 7, 1)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", "DATABASE_URL": test_database_url(),
           "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}  # nothing listens on port 1: the broker is down
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETTINGS_CHANGE.format(scheme=scheme.pk)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "changed" in result.stdout
    scheme.refresh_from_db()
    assert scheme.timezone == "UTC"
    report.refresh_from_db()
    assert report.local_date == date(2024, 7, 1)  # not yet carried through

    # The broker is back: a real worker runs the sweep, which carries the change through.
    Scheme.objects.update(rederive_due_since=timezone.now() - timedelta(minutes=5))  # past the grace period
    worker = start_worker()
    wait_for(lambda: CustodyVisit.objects.get(pk=report.pk).local_date == date(2024, 6, 30), workers=[worker],
             nudge=notifications_flush.delay)
    wait_for(lambda: not Scheme.objects.filter(rederive_due_since__isnull=False).exists(), workers=[worker])
