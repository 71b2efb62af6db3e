"""A manager changes the scheme's rules; reports already stored follow them, in a task queued
on commit, so the change answers at once however many reports the scheme holds."""

import time

import pytest
from django_celery_beat.models import PeriodicTask

from tests.factories import custody_visit
from tests.helpers import utc
from tests.openapi import CheckedClient
from visits.models import CustodyVisit


@pytest.fixture
def api(api, tasks_in_process, django_capture_on_commit_callbacks):
    """The client, with what each request queues on commit run before it answers the test."""

    def make(user=None):
        client = api(user)
        patch = client.patch

        def patch_and_run_queued(*args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return patch(*args, **kwargs)

        client.patch = patch_and_run_queued
        return client

    return make


def test_new_bands_move_stored_visits_into_their_new_cells(api, alice, suite, bob, bella):
    # 07:30 BST on Wednesday 5 June 2024: the first band of the default grid.
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 6, 5, 6, 30))
    assert visit.timeslot == {"day": "wednesday", "band": "00:00-07:59"}
    bands = ["00:00-05:59", "06:00-11:59", "12:00-17:59", "18:00-23:59"]
    response = api(alice).patch(f"/api/v1/schemes/{suite.scheme_id}/", {"custody_bands": bands}, format="json")
    assert response.status_code == 200
    assert api(alice).get(f"/api/v1/visits/{visit.pk}/").json()["timeslot"] == {"day": "wednesday",
                                                                              "band": "06:00-11:59"}


def test_a_new_time_zone_moves_local_dates_and_leaves_the_schedule_alone(api, alice, suite, bob, bella):
    # 23:30 UTC on Sunday 14 January 2024 is 18:30 on Sunday in New York.
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 1, 14, 23, 30))
    schedule = list(PeriodicTask.objects.values_list("name", "task", "interval_id"))
    assert visit.timeslot == {"day": "sunday", "band": "20:00-23:59"}
    response = api(alice).patch(f"/api/v1/schemes/{suite.scheme_id}/", {"timezone": "America/New_York"},
                                format="json")
    assert response.status_code == 200
    visit.refresh_from_db()
    assert str(visit.local_date) == "2024-01-14" and visit.timeslot == {"day": "sunday", "band": "16:00-19:59"}
    # One periodic task finds each site's turn of the week in its own zone: nothing to rewrite.
    assert list(PeriodicTask.objects.values_list("name", "task", "interval_id")) == schedule


def test_new_delay_thresholds_reband_stored_visits(api, alice, suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 2, 6, 21, 40),
                          minutes_to_admission=8)
    assert visit.access_band == "6-15"
    response = api(alice).patch(f"/api/v1/schemes/{suite.scheme_id}/", {"immediate_access_minutes": 10},
                                format="json")
    assert response.status_code == 200
    assert CustodyVisit.objects.get(pk=visit.pk).access_band == "immediate"


def test_bands_that_leave_a_gap_are_refused_and_nothing_moves(api, alice, suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 6, 5, 6, 30))
    response = api(alice).patch(f"/api/v1/schemes/{suite.scheme_id}/",
                                {"custody_bands": ["00:00-05:59", "07:00-23:59"]}, format="json")
    assert response.status_code == 400 and "custody_bands" in response.json()
    visit.refresh_from_db()
    assert visit.timeslot == {"day": "wednesday", "band": "00:00-07:59"}


def test_a_manager_cannot_change_another_schemes_settings(api, charlie, suite):
    response = api(charlie).patch(f"/api/v1/schemes/{suite.scheme_id}/", {"weekly_target": 9}, format="json")
    assert response.status_code == 404


def test_a_longest_delay_band_starting_before_immediate_access_ends_is_refused(api, alice, suite):
    response = api(alice).patch(f"/api/v1/schemes/{suite.scheme_id}/",
                                {"immediate_access_minutes": 20, "long_delay_minutes": 15}, format="json")
    assert response.status_code == 400 and "long_delay_minutes" in response.json()


def test_an_absurd_weekly_target_is_a_clear_400_on_any_database(api, alice, suite):
    response = api(alice).patch(f"/api/v1/schemes/{suite.scheme_id}/", {"weekly_target": 40000}, format="json")
    assert response.status_code == 400 and "weekly_target" in response.json()


def test_the_settings_change_answers_before_the_recompute_which_is_queued_on_commit(
        alice, suite, bob, bella, django_capture_on_commit_callbacks):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 6, 5, 6, 30))
    client = CheckedClient()
    client.force_authenticate(alice)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.patch(f"/api/v1/schemes/{suite.scheme_id}/",
                                {"custody_bands": ["00:00-05:59", "06:00-11:59", "12:00-17:59", "18:00-23:59"]},
                                format="json")
    assert response.status_code == 200
    assert len(queued) == 1
    visit.refresh_from_db()
    assert visit.slot_band == 0  # still in the old first band: not moved inside the request


def test_a_change_that_no_report_derives_from_queues_nothing(alice, suite, django_capture_on_commit_callbacks):
    client = CheckedClient()
    client.force_authenticate(alice)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.patch(f"/api/v1/schemes/{suite.scheme_id}/", {"weekly_target": 3}, format="json")
    assert response.status_code == 200
    assert queued == []


@pytest.mark.services
def test_a_real_worker_moves_stored_visits_after_the_bands_change(worker, alice, suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2024, 6, 5, 6, 30))
    client = CheckedClient()
    client.force_authenticate(alice)
    response = client.patch(f"/api/v1/schemes/{suite.scheme_id}/",
                            {"custody_bands": ["00:00-05:59", "06:00-11:59", "12:00-17:59", "18:00-23:59"]},
                            format="json")
    assert response.status_code == 200

    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/visits/{visit.pk}/").json()["timeslot"]["band"] != "06:00-11:59":
        assert worker.poll() is None, f"the worker stopped:\n{worker.log.read_text()}"
        assert time.monotonic() < deadline, f"the visit did not move in 60 s:\n{worker.log.read_text()}"
        time.sleep(0.5)
