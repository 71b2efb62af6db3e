"""The recommender through a real Celery worker, Redis and PostgreSQL."""

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from .conftest import utc

REFRESH, RECOMMENDATIONS = "/api/v1/recommendations/refresh/", "/api/v1/recommendations/"


def test_database_url() -> str:
    """The pytest database, for the worker to read and write the rows this test commits."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False


@pytest.fixture
def worker(transactional_db, tmp_path):
    log = tmp_path / "worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", "DATABASE_URL": test_database_url(),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "backend", "worker", "--pool=solo", "--concurrency=1",
             "-Q", "celery", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    process.log = log
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def made_for_july(answer) -> dict | None:
    """The recommendation asked for, not one left by an older message still in the queue."""
    if answer.status_code != 200:
        return None
    body = answer.json()
    return body if (body["window_from"], body["window_to"]) == ("2024-07-01", "2024-07-31") else None


@pytest.mark.services
def test_a_real_worker_makes_the_recommendation_a_manager_asked_for(worker, api, alice, suite, visit):
    visit(suite, utc(2024, 7, 1, 9, 0))
    client = api(alice)

    queued = client.post(REFRESH, {"site": suite.pk, "from": "2024-07-01", "to": "2024-07-31"}, format="json")
    assert queued.status_code == 202

    deadline = time.monotonic() + 60
    while not (body := made_for_july(client.get(RECOMMENDATIONS, {"site": suite.pk}))):
        assert worker.poll() is None, f"the worker stopped:\n{worker.log.read_text()}"
        assert time.monotonic() < deadline, f"no recommendation after 60 s:\n{worker.log.read_text()}"
        time.sleep(0.5)
    assert body["cells"][-1]["visits_in_window"] == 1
    assert len(body["plan"]) == 1
