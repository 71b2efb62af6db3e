"""The recommender through a real Celery worker, Redis and PostgreSQL."""

import json
import os
import signal
import time

import psycopg
import pytest
import redis
from django.conf import settings

from scheduling.models import Recommendation
from scheduling.tasks import refresh_site
from tests.helpers import test_database_url, utc

REFRESH, RECOMMENDATIONS = "/api/v1/recommendations/refresh/", "/api/v1/recommendations/"


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


# The worker's settings for the kill test: a task time limit of 4 s, so a visibility timeout of 8 s.
TIME_LIMIT = 4
VISIBILITY_TIMEOUT = 2 * TIME_LIMIT


def waiting_on_a_lock(db: psycopg.Connection) -> bool:
    """Whether a backend waits for a lock. Asked in autocommit: inside a transaction PostgreSQL
    answers from the snapshot of the statistics it took the first time."""
    return db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
        "AND pid <> pg_backend_pid()"
    ).fetchone()[0] > 0


def unacked_task_ids(broker: redis.Redis) -> set[str]:
    return {json.loads(raw)[0]["headers"]["id"] for raw in broker.hvals("unacked")}


@pytest.mark.services
def test_a_task_whose_whole_worker_was_killed_is_redelivered_and_run_once(start_worker, suite, visit):
    """The recommendation is held mid-task (its table locked, as a long migration would), the worker
    and its pool are SIGKILLed together, and the worker started in its place once the visibility
    timeout has passed (a worker hands such messages back as it starts, and every 100 s while it
    runs) runs the task: one recommendation, and nothing left unacknowledged to run again."""
    visit(suite, utc(2024, 7, 1, 9, 0))
    key = "kill-test"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    first = start_worker(pool="prefork", CELERY_TASK_TIME_LIMIT=str(TIME_LIMIT * 10))
    url = test_database_url().replace("postgres://", "postgresql://", 1)
    lock, watch = psycopg.connect(url), psycopg.connect(url, autocommit=True)
    try:
        lock.execute(f"LOCK TABLE {Recommendation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        task_id = refresh_site.delay(suite.pk, "2024-07-01", "2024-07-31", key).id
        deadline = time.monotonic() + 60
        while not waiting_on_a_lock(watch):
            assert first.poll() is None, f"the worker stopped:\n{first.log.read_text()}"
            assert time.monotonic() < deadline, f"the task never started:\n{first.log.read_text()}"
            time.sleep(0.2)
        # The broker's clock for handing it back starts when the worker took it, which is before
        # now (the task is running): on a loaded machine that can be well after it was published.
        taken_by = time.monotonic()
        assert task_id in unacked_task_ids(broker)

        os.killpg(first.pid, signal.SIGKILL)  # the main process and its pool child alike
        first.wait(timeout=10)
    finally:
        lock.rollback()
        lock.close()
        watch.close()

    assert task_id in unacked_task_ids(broker)  # held for the dead worker until the timeout
    time.sleep(max(0.0, taken_by + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    second = start_worker(CELERY_TASK_TIME_LIMIT=str(TIME_LIMIT))
    deadline = time.monotonic() + 30
    while not Recommendation.objects.filter(request_key=key).exists():
        assert second.poll() is None, f"the worker stopped:\n{second.log.read_text()}"
        assert time.monotonic() < deadline, f"not redelivered in time:\n{second.log.read_text()}"
        time.sleep(0.5)
    while task_id in unacked_task_ids(broker):  # acknowledged once it has succeeded
        assert time.monotonic() < deadline, f"never acknowledged:\n{second.log.read_text()}"
        time.sleep(0.2)
    log = second.log.read_text()
    assert log.count(f"[{task_id}] received") == 1, log
    assert Recommendation.objects.filter(request_key=key).count() == 1
