from datetime import datetime, timezone

import pytest

from backend.celery import app
from tests.factories import animal_visit, custody_visit

EAGER = "CELERY_TASK_ALWAYS_EAGER"


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Outside the worker test, queued tasks run at once here, even when a broker is configured.
    Set in the app's own changes, which win over Django's settings and over what another test
    left there, and put back as found afterwards."""
    if request.node.get_closest_marker("services") is not None:
        yield
        return
    app.conf.task_always_eager  # reading a setting loads the configuration, so `changes` is the real map
    changes = app.conf.changes
    had, was = EAGER in changes, changes.get(EAGER)
    changes[EAGER] = True
    yield
    if had:
        changes[EAGER] = was
    else:
        del changes[EAGER]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def visit(bob, bella):
    """visit(site, arrived_at, **fields): a submitted report by bob and bella (drafts with status="draft")."""

    def make(site, arrived_at, **fields):
        factory = animal_visit if site.kind == "animal_unit" else custody_visit
        return factory(site=site, sender=bob, visitors=[bob, bella], arrived_at=arrived_at, **fields)

    return make
