"""A scheme with a year of visits to the desk pages: two suites, a dog unit, issues some of which
were resolved during the visit, and a recommendation made."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client

from scheduling.services import recommendation_refresh
from tests.factories import PASSWORD, SiteFactory, UserFactory, animal_visit, custody_visit


def at(day: date, hour: int, minute: int = 0, *, scheme) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=scheme.zone)


@pytest.fixture
def harbour(scheme):
    return SiteFactory(scheme=scheme, name="Harbour", cells=12)


@pytest.fixture
def eastgate(scheme):
    """A secondary suite, closed: no visits, no plan."""
    return SiteFactory(scheme=scheme, name="Eastgate", cells=8, active=False)


@pytest.fixture
def desk(scheme, suite, harbour, eastgate, animal_unit, alice, bob, bella, carol, dave):
    """Visits on the first days of the financial year: Central mostly in the mornings, Harbour once."""
    start, today = scheme.financial_year_to_date()
    bob.joined_on, bob.probation_ends_on = date(start.year - 3, start.month, 20), None
    bob.save()
    bella.joined_on, bella.probation_ends_on = start - timedelta(days=30), None
    bella.save()
    UserFactory(username="beth", scheme=scheme, joined_on=today - timedelta(days=60),
                probation_ends_on=today + timedelta(days=120))
    pair = [bob, bella]
    visits = []
    for n in range(6):
        visits.append(custody_visit(site=suite, sender=bob, visitors=pair, arrived_at=at(start + timedelta(days=n), 9, scheme=scheme),
                                    detainees_present=3, detainees_offered=2, detainees_seen=2, detainees_observed=1,
                                    minutes_to_admission=3 if n % 2 else 12))
    custody_visit(site=suite, sender=bob, visitors=pair, arrived_at=at(start + timedelta(days=8), 21, 30, scheme=scheme),
                  issues=[{"category": "hygiene", "description": "No soap at the basin"},
                          {"category": "food-and-drink", "description": "Kettle broken", "resolved_during_visit": True}])
    custody_visit(site=harbour, sender=bella, visitors=pair, arrived_at=at(start + timedelta(days=2), 14, scheme=scheme),
                  issues=[{"category": "cell-and-contents", "description": "Blankets missing in cell 4"}])
    animal_visit(site=animal_unit, sender=bob, visitors=pair, arrived_at=at(start + timedelta(days=3), 10, scheme=scheme),
                 animals_seen=5)
    recommendation_refresh(site=suite, date_from=start, date_to=today, request_key="desk", requested_by=alice)
    return {"start": start, "today": today, "visits": visits}


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
