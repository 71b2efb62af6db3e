import pytest

from tests.factories import animal_visit, custody_visit
from visits.models import SiteKind


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Outside the real-worker tests, queued tasks run at once here."""
    if request.node.get_closest_marker("services") is None:
        request.getfixturevalue("tasks_in_process")


@pytest.fixture
def visit(bob, bella):
    """visit(site, arrived_at, **fields): a submitted report by bob and bella (drafts with status="draft")."""

    def make(site, arrived_at, **fields):
        factory = animal_visit if site.kind == SiteKind.ANIMAL_UNIT else custody_visit
        return factory(site=site, sender=bob, visitors=[bob, bella], arrived_at=arrived_at, **fields)

    return make
