"""A hand-built financial year 2023/24 (1 April 2023 - 31 March 2024, 366 days: February 2024 has 29)
for Northshire, whose figures the tests work out by hand. The arithmetic is written beside each test."""

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import SiteFactory, UserFactory, animal_visit, custody_visit
from tests.helpers import utc
from visits.models import SiteActivityChange


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Outside the real-worker tests, queued tasks run at once here."""
    if request.node.get_closest_marker("services") is None:
        request.getfixturevalue("tasks_in_process")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Year:
    central: object
    harbour: object
    dog_unit: object
    visits: dict


@pytest.fixture
def year(scheme, suite, animal_unit, bob, bella, other_suite, chris):
    """Northshire: hourly_rate 18.37, weekly_target 1, long service 5 years.

    Sites: Central (suite, always active), Harbour (suite, closed 2023-06-10, reopened 2023-09-09),
    Dog unit (animal unit, always active). Volunteers beside bob and bella (no dates): bert joined
    2023-05-01; vera joined 2015-06-01, left 2023-08-31; victor joined 2017-01-10; wendy joined
    2019-04-01; olive joined 2010-01-01, left 2020-01-01.
    """
    harbour = SiteFactory(scheme=scheme, name="Harbour", cells=12)
    # Before its first change a site was in the opposite state: Harbour was active until 9 June.
    SiteActivityChange.objects.create(site=harbour, active=False, effective_on=date(2023, 6, 10))
    SiteActivityChange.objects.create(site=harbour, active=True, effective_on=date(2023, 9, 9))
    bert = UserFactory(username="bert", scheme=scheme, joined_on=date(2023, 5, 1))
    UserFactory(username="vera", scheme=scheme, joined_on=date(2015, 6, 1), left_on=date(2023, 8, 31))
    UserFactory(username="victor", scheme=scheme, joined_on=date(2017, 1, 10))
    UserFactory(username="wendy", scheme=scheme, joined_on=date(2019, 4, 1))
    UserFactory(username="olive", scheme=scheme, joined_on=date(2010, 1, 1), left_on=date(2020, 1, 1))
    pair = [bob, bella]
    visits = {
        # 22:30 UTC = 23:30 BST on 31 March 2023: the last day of FY2022, so outside the year.
        "before": custody_visit(site=suite, sender=bob, visitors=pair, arrived_at=utc(2023, 3, 31, 22, 30),
                                detainees_present=9, detainees_observed=9, travel_minutes=99),
        # 23:30 UTC = 00:30 BST on 1 April 2023: inside FY2023. 3 min to admission, 63 min in all.
        "v1": custody_visit(
            site=suite, sender=bob, visitors=pair, arrived_at=utc(2023, 3, 31, 23, 30), minutes_to_admission=3,
            minutes_on_site=60, travel_minutes=40,
            detainees_present=10, detainees_offered=4, detainees_not_offered=2, detainees_unavailable=3,
            detainees_observed=1, detainees_seen=3, detainees_refused=1,
            seen_profile={"gender": {"female": 1, "male": 2}, "age_group": {"adult": 2, "juvenile": 1}},
            issues=[{"category": "food-and-drink", "description": "No hot drink", "resolved_during_visit": True}],
        ),
        # Spans midnight: 23:00 on 31 December 2023 (GMT) to 01:00 on 1 January; counts on its arrival day.
        "v2": custody_visit(
            site=suite, sender=bob, visitors=pair, arrived_at=utc(2023, 12, 31, 23, 0), minutes_to_admission=10,
            minutes_on_site=110,
            detainees_present=5, detainees_offered=5, detainees_seen=5,
            seen_profile={"gender": {"female": 2}, "ethnicity": {"white": 3}},
            issues=[{"category": "health-care", "description": "Medication late"},
                    {"category": "food-and-drink", "description": "Cold meal"}],
        ),
        # Harbour, three visitors, 20 minutes to admission, 60 minutes in all.
        "v3": custody_visit(
            site=harbour, sender=bob, visitors=[bob, bella, bert], arrived_at=utc(2023, 5, 15, 9, 0),
            minutes_to_admission=20, minutes_on_site=40, travel_minutes=30,
            detainees_present=2, detainees_unavailable=2,
        ),
        # A draft never counts.
        "draft": custody_visit(
            site=harbour, sender=bob, visitors=pair, arrived_at=utc(2023, 11, 2, 14, 0), status="draft",
            detainees_present=7, detainees_observed=7, travel_minutes=50,
            issues=[{"category": "hygiene", "description": "No products"}],
        ),
        # Dog unit: Saturday 3 June 09:00 BST, 90 minutes; Saturday 10 February 16:30 GMT, 60 minutes.
        "a1": animal_visit(site=animal_unit, sender=bob, visitors=pair, arrived_at=utc(2023, 6, 3, 8, 0),
                           minutes_on_site=90, travel_minutes=20,
                           issues=[{"category": "other", "description": "Kennel door sticks"}]),
        "a2": animal_visit(site=animal_unit, sender=bob, visitors=pair, arrived_at=utc(2024, 2, 10, 16, 30),
                           minutes_on_site=60),
        # Another scheme's visit never counts for Northshire.
        "elsewhere": custody_visit(
            site=other_suite, sender=chris, visitors=[chris, UserFactory(scheme=other_suite.scheme)],
            arrived_at=utc(2023, 7, 1, 12, 0), detainees_present=4, detainees_observed=4,
        ),
    }
    return Year(central=suite, harbour=harbour, dog_unit=animal_unit, visits=visits)
