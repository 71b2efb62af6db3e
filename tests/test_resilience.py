"""A broker that is down loses neither a submitted report nor the notification it causes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from tests.factories import SiteFactory, UserFactory
from tests.helpers import test_database_url
from visits.models import CustodyVisit, Notification, Role
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


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_report_sent_while_redis_is_down_is_stored_and_its_notification_sent_later(scheme, settings):
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

    # The broker is back: the sweeper sends what was left behind (run in-process here).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    Notification.objects.update(created_at=note.created_at.replace(year=note.created_at.year - 1))
    assert notifications_flush.apply().get() == 1
    assert [m.to for m in mail.outbox] == [["carol@force.example"]]
    assert Notification.objects.get().sent_at is not None


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
