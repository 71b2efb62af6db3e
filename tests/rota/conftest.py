from datetime import date, timedelta

import pytest
from django.test import TestCase

from rota.models import RotaSettings
from scheduling.services import recommendation_refresh
from tests.factories import UserFactory
from visits.grids import CUSTODY_DAYS
from visits.models import Role

DAYTIME = ["08:00-11:59", "12:00-15:59", "16:00-19:59"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Outside the real-worker tests, queued tasks run at once here."""
    if request.node.get_closest_marker("services") is None:
        request.getfixturevalue("tasks_in_process")


def cells(days=CUSTODY_DAYS, bands=DAYTIME) -> list[dict]:
    return [{"day": d, "band": b} for d in days for b in bands]


@pytest.fixture
def team(scheme):
    """Twelve visitors of Northshire: two on probation, four trained for the dog unit; nobody does nights."""
    RotaSettings.objects.create(scheme=scheme, monthly_cap=4, repeat_pair_weight=0.0)
    people = [UserFactory(username=f"visitor{n}", role=Role.VISITOR, scheme=scheme, joined_on=date(2020, 1, 1),
                          animal_welfare_trained=n < 4,
                          probation_ends_on=date(2028, 1, 1) if n in (10, 11) else None) for n in range(12)]
    return people


def committed():
    """What runs once the test's transaction would commit (the tasks queued on commit) runs at the block's end."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def plan_week(site, friday: date, *, key_prefix="weekly"):
    """The weekly refresh as it runs after a week turns: the plan of the week after `friday`, and what its
    commit sets off."""
    with committed():
        return recommendation_refresh(site=site, date_from=date(friday.year if friday.month >= 4 else friday.year - 1, 4, 1),
                                  date_to=friday, request_key=f"{key_prefix}:{site.pk}:{friday}", today=friday)


def fridays(first: date, weeks: int) -> list[date]:
    return [first + timedelta(days=7 * n) for n in range(weeks)]
