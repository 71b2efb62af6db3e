"""The recommender through a real Celery worker, Redis and PostgreSQL."""

import time

import pytest

from tests.helpers import utc

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
