"""Facts a report knows about itself (access band, timeslot cell) and the invariants the database keeps."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.factories import SchemeFactory, SiteFactory, UserFactory, animal_visit, custody_visit
from visits import services
from visits.models import CustodyVisit

UTC = UTC


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def visit_at(suite, bob, bella):
    def make(arrived: str, **fields):
        return custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=at(arrived), **fields)
    return make


@pytest.fixture
def animal_visit_at(animal_unit, bob, bella):
    def make(arrived: str):
        return animal_visit(site=animal_unit, sender=bob, visitors=[bob, bella], arrived_at=at(arrived))
    return make


# --- access delay and band -------------------------------------------------------------------


@pytest.mark.parametrize("delay, minutes, band", [
    (timedelta(0), 0, "immediate"),
    (timedelta(minutes=5), 5, "immediate"),
    (timedelta(minutes=5, seconds=30), 6, "6-15"),
    (timedelta(minutes=6), 6, "6-15"),
    (timedelta(minutes=15), 15, "6-15"),
    (timedelta(minutes=15, seconds=1), 16, "over-15"),
    (timedelta(hours=2), 120, "over-15"),
])
def test_the_access_delay_is_banded_counting_a_part_minute_as_whole(visit_at, delay, minutes, band):
    arrived = "2024-02-06T21:40:00+00:00"
    visit = visit_at(arrived, admitted_at=at(arrived) + delay, delay_reason="Suite busy", minutes_on_site=180)
    assert (visit.access_delay_minutes, visit.access_band) == (minutes, band)


def test_a_scheme_sets_its_own_delay_thresholds(visit_at, scheme):
    scheme.immediate_access_minutes, scheme.long_delay_minutes = 10, 30
    scheme.save()
    visit = visit_at("2024-02-06T21:40:00+00:00", minutes_to_admission=8)
    assert visit.access_band == "immediate" and visit.delay_reason == ""


def test_a_draft_without_admission_has_no_band(suite, bob, bella):
    visit, _ = services.report_submit(model=CustodyVisit, sender=bob, data={
        "client_uuid": uuid.uuid4(), "site": suite.pk, "visitors": [bob.pk, bella.pk],
        "arrived_at": at("2024-02-06T21:40:00+00:00"), "status": "draft",
    })
    assert (visit.access_delay_minutes, visit.access_band) == (None, "")


# --- the custody timeslot, in the scheme's local time -----------------------------------------


@pytest.mark.parametrize("arrived, day, band", [
    # Summer time: 23:40 UTC on Saturday is 00:40 BST on Sunday.
    ("2024-07-06T23:40:00+00:00", "sunday", "00:00-07:59"),
    # The spring change, 2024-03-31 01:00 UTC: 00:59 GMT, then 02:00 BST.
    ("2024-03-31T00:59:00+00:00", "sunday", "00:00-07:59"),
    ("2024-03-31T01:00:00+00:00", "sunday", "00:00-07:59"),
    ("2024-03-31T06:59:00+00:00", "sunday", "00:00-07:59"),  # 07:59 BST
    ("2024-03-31T07:00:00+00:00", "sunday", "08:00-11:59"),  # 08:00 BST
    # The autumn change, 2024-10-27 01:00 UTC: 01:30 BST, then 01:30 GMT again.
    ("2024-10-27T00:30:00+00:00", "sunday", "00:00-07:59"),
    ("2024-10-27T01:30:00+00:00", "sunday", "00:00-07:59"),
    # 19:30 UTC is 20:30 in summer, 19:30 in winter.
    ("2024-06-30T19:30:00+00:00", "sunday", "20:00-23:59"),
    ("2024-01-07T19:30:00+00:00", "sunday", "16:00-19:59"),
    # The time as the phone wrote it, offset and all, is the same instant.
    ("2024-07-07T00:40:00+01:00", "sunday", "00:00-07:59"),
    # Band edges.
    ("2024-01-08T07:59:00+00:00", "monday", "00:00-07:59"),
    ("2024-01-08T08:00:00+00:00", "monday", "08:00-11:59"),
    ("2024-01-08T23:59:00+00:00", "monday", "20:00-23:59"),
    ("2024-07-08T22:59:00+00:00", "monday", "20:00-23:59"),
    ("2024-07-08T23:00:00+00:00", "tuesday", "00:00-07:59"),
])
def test_a_custody_visit_falls_in_the_cell_of_its_local_arrival(visit_at, arrived, day, band):
    assert visit_at(arrived).timeslot == {"day": day, "band": band}


def test_the_local_date_is_the_schemes_date_of_arrival(visit_at):
    visit = visit_at("2024-07-06T23:40:00+00:00")
    assert visit.local_date.isoformat() == "2024-07-07"


def test_a_scheme_in_another_zone_reasons_in_its_own_zone(db):
    scheme = SchemeFactory(name="Gotham", timezone="America/New_York")
    suite = SiteFactory(scheme=scheme, name="Precinct 1")
    pair = [UserFactory(scheme=scheme), UserFactory(scheme=scheme)]
    # 02:30 UTC on a Monday in winter is 21:30 EST on the Sunday; in summer 22:30 EDT.
    winter = custody_visit(site=suite, sender=pair[0], visitors=pair, arrived_at=at("2024-01-08T02:30:00+00:00"))
    summer = custody_visit(site=suite, sender=pair[0], visitors=pair, arrived_at=at("2024-07-08T02:30:00+00:00"))
    assert winter.timeslot == {"day": "sunday", "band": "20:00-23:59"}
    assert summer.timeslot == {"day": "sunday", "band": "20:00-23:59"}
    assert winter.local_date.isoformat() == "2024-01-07"
    # 12:30 UTC is 08:30 EDT after the US change of 2024-03-10 (02:00 local), 07:30 EST the day before.
    assert custody_visit(site=suite, sender=pair[0], visitors=pair,
                         arrived_at=at("2024-03-10T12:30:00+00:00")).timeslot == {"day": "sunday", "band": "08:00-11:59"}
    assert custody_visit(site=suite, sender=pair[0], visitors=pair,
                         arrived_at=at("2024-03-09T12:30:00+00:00")).timeslot == {"day": "saturday", "band": "00:00-07:59"}


# --- the animal welfare timeslot ----------------------------------------------------------------


@pytest.mark.parametrize("arrived, day, band", [
    ("2024-01-08T07:00:00+00:00", "monday", "07:00-12:59"),
    ("2024-01-08T06:59:00+00:00", "monday", "outside"),
    ("2024-01-08T12:59:00+00:00", "monday", "07:00-12:59"),
    ("2024-01-08T13:00:00+00:00", "monday", "outside"),
    ("2024-01-12T15:00:00+00:00", "friday", "15:00-19:59"),
    ("2024-01-12T19:59:00+00:00", "friday", "15:00-19:59"),
    ("2024-01-12T20:00:00+00:00", "friday", "outside"),
    ("2024-01-13T10:00:00+00:00", "weekend", "07:00-12:59"),
    ("2024-01-14T16:00:00+00:00", "weekend", "15:00-19:59"),
    # 11:59 UTC in summer is 12:59 BST; 12:00 UTC is 13:00 BST, outside.
    ("2024-07-08T11:59:00+00:00", "monday", "07:00-12:59"),
    ("2024-07-08T12:00:00+00:00", "monday", "outside"),
])
def test_an_animal_visit_falls_in_its_day_group_and_band(animal_visit_at, arrived, day, band):
    assert animal_visit_at(arrived).timeslot == {"day": day, "band": band}


# --- invariants the database keeps, whatever the code does ----------------------------------------


@pytest.fixture
def stored_visit(visit_at):
    return visit_at("2024-02-06T21:40:00+00:00", detainees_present=14, detainees_offered=6, detainees_seen=5,
                    detainees_refused=1, detainees_not_offered=2, detainees_unavailable=3, detainees_observed=3)


@pytest.mark.parametrize("change", [
    pytest.param({"detainees_present": 15}, id="present-not-the-sum"),
    pytest.param({"detainees_seen": 6}, id="offered-not-seen-plus-refused"),
    pytest.param({"detainees_present": 1014, "detainees_observed": 1003}, id="present-over-1000"),
    pytest.param({"left_at": datetime(2024, 2, 6, 21, 0, tzinfo=UTC)}, id="departure-before-arrival"),
    pytest.param({"admitted_at": datetime(2024, 2, 6, 21, 0, tzinfo=UTC)}, id="admission-before-arrival"),
    pytest.param({"admitted_at": None}, id="submitted-without-admission"),
    pytest.param({"left_at": None}, id="submitted-without-departure"),
])
def test_the_database_refuses_a_report_that_bypasses_the_service(stored_visit, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyVisit.objects.filter(pk=stored_visit.pk).update(**change)


def test_the_database_refuses_a_second_report_with_the_same_key(stored_visit):
    duplicate = CustodyVisit.objects.get(pk=stored_visit.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
