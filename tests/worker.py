"""A real Celery worker on the test database and the configured Redis, for tests about tasks.

Registered as a pytest plugin by tests/conftest.py; a test asks for `worker` (and is marked `services`)."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection


def test_database_url() -> str:
    """The pytest database, for the worker to read and write the rows the test commits."""
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
