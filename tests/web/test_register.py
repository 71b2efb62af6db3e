"""The register on the manager's desk: what falls due, the filter by stage, and a visitor's page whose
forms change the record and add training through the register's services."""

from datetime import timedelta

from tests.factories import UserFactory, train
from tests.web.conftest import signed_in
from visits.models import Role, Stage, TrainingCourse, TrainingRecord


def test_the_register_shows_what_falls_due_and_filters_by_stage(desk, scheme, alice, bob):
    today = desk["today"]
    bob.vetting_cleared_on, bob.vetting_expires_on = today - timedelta(days=1000), today + timedelta(days=20)
    bob.save()
    refresher = TrainingCourse.objects.get(scheme=scheme, key="refresher")
    TrainingRecord.objects.create(volunteer=bob, course=refresher, completed_on=today - timedelta(days=1000),
                                  expires_on=today + timedelta(days=40))
    UserFactory(username="ian", first_name="Ian", last_name="Applicant", scheme=scheme, role=Role.VISITOR,
                stage=Stage.IN_CHECKS)
    page = signed_in(alice).get("/volunteers/").content.decode()
    assert "Due in the next 60 days" in page
    assert "Vetting expires" in page and "Training lapses: Refresher" in page
    assert "Probation ends" not in page  # beth's ends in 120 days, beyond the notice
    assert "In checks (1)" in page
    in_checks = signed_in(alice).get("/volunteers/?state=in_checks").content.decode()
    assert "Ian Applicant" in in_checks and bob.get_full_name() not in in_checks.split("The register")[1]


def test_a_manager_appoints_a_visitor_and_records_training_on_their_page(desk, scheme, alice, bella, carol):
    client = signed_in(alice)
    url = f"/volunteers/{bella.pk}/"
    bella.stage = Stage.PROBATION
    bella.save()
    assert "on probation" in client.get(url).content.decode()
    answer = client.post(url, {"form": "record", "state": "appointed", "joined_on": bella.joined_on.isoformat()})
    assert answer.status_code == 302
    bella.refresh_from_db()
    assert (bella.stage, bella.term_starts_on, bella.probation_signed_off_by) == (Stage.APPOINTED, desk["today"], alice)
    course = TrainingCourse.objects.get(scheme=scheme, key="tact")
    assert client.post(url, {"form": "training", "course": course.pk,
                             "completed_on": desk["today"].isoformat()}).status_code == 302
    page = client.get(url).content.decode()
    assert "TACT visits" in page and "The training is recorded." in page
    refused = client.post(url, {"form": "record", "state": "appointed", "term_starts_on": "2025-05-01",
                                "term_ends_on": "2025-04-30"})
    assert refused.status_code == 400 and "A term cannot end before it starts." in refused.content.decode()
    assert signed_in(carol).get(url).status_code == 404


def test_a_visitor_whose_vetting_lapsed_is_shown_why_they_are_not_offered(desk, scheme, alice, bob):
    bob.vetting_cleared_on, bob.vetting_expires_on = desk["today"] - timedelta(days=900), desk["today"] - timedelta(days=1)
    bob.save()
    train(bob, "tact")
    page = signed_in(alice).get(f"/volunteers/{bob.pk}/").content.decode()
    assert "Not offered as a partner" in page and "vetting expired on" in page
    assert page.count("<td>Central</td>") == 7 and "Harbour" in page  # the visits bob was on
