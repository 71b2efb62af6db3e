"""The admin is a manager's back office for their own scheme, and nothing else."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from tests.factories import PASSWORD, custody_visit

ADMIN_PAGES = [
    "/admin/visits/scheme/", "/admin/visits/site/", "/admin/visits/user/", "/admin/visits/issuecategory/",
    "/admin/visits/custodyvisit/", "/admin/visits/animalvisit/", "/admin/visits/visitissue/",
    "/admin/visits/reportcorrection/",
]


def signed_in(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_manager_can_open_each_admin_list(alice, page):
    assert signed_in(alice).get(page).status_code == 200


def test_a_manager_sees_only_their_schemes_reports_in_the_admin(alice, suite, bob, bella, other_suite, chris, charlie):
    from tests.factories import UserFactory

    mine = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                         arrived_at=datetime(2024, 5, 1, 10, tzinfo=UTC))
    partner = UserFactory(scheme=other_suite.scheme)
    theirs = custody_visit(site=other_suite, sender=chris, visitors=[chris, partner],
                           arrived_at=datetime(2024, 5, 1, 10, tzinfo=UTC))
    client = signed_in(alice)
    assert client.get(f"/admin/visits/custodyvisit/{mine.pk}/change/").status_code == 200
    # Another scheme's report is not there for a manager: the admin redirects to its index with a message.
    assert client.get(f"/admin/visits/custodyvisit/{theirs.pk}/change/").status_code == 302
    listing = client.get("/admin/visits/custodyvisit/").content.decode()
    assert "1 custody visit" in listing


def test_a_manager_cannot_delete_reports_in_the_admin(alice, suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 5, 1, 10, tzinfo=UTC))
    assert signed_in(alice).get(f"/admin/visits/custodyvisit/{visit.pk}/delete/").status_code == 403


def test_visitors_and_custody_staff_have_no_admin(bob, carol):
    for user in (bob, carol):
        client = Client()
        response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 200  # the form again, with its error: not staff
        assert "_auth_user_id" not in client.session
        assert client.get("/admin/visits/custodyvisit/").status_code == 302


def test_new_bands_saved_in_the_admin_move_stored_visits(alice, suite, bob, bella, tasks_in_process,
                                                         django_capture_on_commit_callbacks):
    from django.forms.models import model_to_dict

    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 6, 5, 6, 30, tzinfo=UTC))  # 07:30 BST
    # As the admin's form shows them: JSON fields as JSON text.
    form = {k: json.dumps(v) if isinstance(v, list | dict) else v
            for k, v in model_to_dict(suite.scheme).items() if k != "id"}
    form.update(custody_bands='["00:00-05:59", "06:00-11:59", "12:00-17:59", "18:00-23:59"]',
                animal_bands='["07:00-12:59", "15:00-19:59"]', handover_windows='["06:30-07:15", "18:30-19:15"]')
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(alice).post(f"/admin/visits/scheme/{suite.scheme_id}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    visit.refresh_from_db()
    assert visit.timeslot == {"day": "wednesday", "band": "06:00-11:59"}


def test_a_visitor_promoted_to_manager_by_the_api_can_use_the_admin(api, alice, bob):
    response = api(alice).patch(f"/api/v1/users/{bob.pk}/", {"role": "manager"}, format="json")
    assert response.status_code == 200
    assert signed_in(bob).get("/admin/visits/custodyvisit/").status_code == 200


def test_a_manager_demoted_to_visitor_loses_the_admin(api, root, alice):
    response = api(root).patch(f"/api/v1/users/{alice.pk}/", {"role": "visitor"}, format="json")
    assert response.status_code == 200
    assert signed_in(alice).get("/admin/visits/custodyvisit/").status_code == 302  # to the admin's sign-in


def test_a_superusers_correction_is_in_the_schemes_managers_admin(api, root, alice, suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 5, 1, 10, tzinfo=UTC))
    response = api(root).patch(f"/api/v1/visits/{visit.pk}/", {"comments": "Checked with the suite."},
                               format="json")
    assert response.status_code == 200
    listing = signed_in(alice).get("/admin/visits/reportcorrection/").content.decode()
    assert "1 report correction" in listing


@pytest.mark.parametrize("on", ["both visits", "no visit"])
def test_a_correction_belongs_to_exactly_one_visit(alice, suite, animal_unit, bob, bella, on):
    from django.db import IntegrityError, transaction

    from tests.factories import animal_visit
    from visits.models import ReportCorrection

    arrived = datetime(2024, 5, 1, 10, tzinfo=UTC)
    visits = {"custody_visit": custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=arrived),
              "animal_visit": animal_visit(site=animal_unit, sender=bob, visitors=[bob, bella], arrived_at=arrived)}
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportCorrection.objects.create(scheme=suite.scheme, corrected_by=alice, changes={},
                                        **(visits if on == "both visits" else {}))
