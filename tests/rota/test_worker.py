"""The rota through a real Celery worker, Redis and PostgreSQL: a plan drawn by the worker is given its
pairs once it commits, and a declined visit is refilled within a minute."""

import time
from datetime import timedelta

import pytest

from rota.models import Assignment, RotaSettings
from rota.services import availability_save
from tests.factories import UserFactory
from tests.rota.conftest import cells
from visits.models import Role


def wait_for(check, worker, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert worker.poll() is None, f"the worker stopped:\n{worker.log.read_text()}"
        assert time.monotonic() < deadline, f"{what} not within {seconds} s:\n{worker.log.read_text()}"
        time.sleep(0.5)
    return found


@pytest.mark.services
def test_a_real_worker_gives_the_plan_its_pairs_and_refills_a_decline(worker, api, alice, scheme, suite):
    RotaSettings.objects.create(scheme=scheme, monthly_cap=10)
    next_week = scheme.local_today() + timedelta(days=7)
    team = [UserFactory(username=f"rota{n}", role=Role.VISITOR, scheme=scheme) for n in range(6)]
    for person in team:
        availability_save(visitor=person, day=next_week, cells=cells(bands=scheme.custody_bands), leave=[],
                          by_email=False)

    asked = api(alice).post("/api/v1/recommendations/refresh/", {"site": suite.pk}, format="json")
    assert asked.status_code == 202
    visit = wait_for(lambda: Assignment.objects.filter(site=suite).first(), worker, "the pairs")
    pair = list(visit.visitors.all())
    assert len(pair) == 2 and visit.state == "proposed"

    declined = api(pair[0]).post(f"/api/v1/rota/{visit.pk}/decline/", {"reason": "commitment"}, format="json")
    assert declined.status_code == 200
    started = time.monotonic()
    wait_for(lambda: Assignment.objects.filter(pk=visit.pk, state="proposed").exists(), worker, "the replacement")
    assert time.monotonic() - started < 60
    now = set(Assignment.objects.get(pk=visit.pk).visitors.all())
    assert pair[1] in now and pair[0] not in now and len(now) == 2
