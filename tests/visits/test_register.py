"""The volunteer register over the API: who may be named on a report and offered as a partner, the
record a manager keeps, and training as records (version 1's flags still read and written)."""

from datetime import date, timedelta

import pytest

from tests.factories import UserFactory, train
from visits.models import Role, Stage, TrainingRecord

from .conftest import VISITS, custody_body

VISIT_DAY = date(2024, 2, 6)  # custody_body's visit
BEFORE = VISIT_DAY - timedelta(days=1)


def volunteer(scheme, name, **register):
    person = UserFactory(username=name, first_name=name.title(), last_name="Visitor", role=Role.VISITOR,
                         scheme=scheme)
    for field, value in register.items():
        setattr(person, field, value)
    person.save()
    return person


@pytest.mark.parametrize(("register", "reason"), [
    ({"left_on": BEFORE, "stage": Stage.LEFT}, "Vic Visitor left the scheme on 5 Feb 2024."),
    ({"vetting_cleared_on": date(2021, 1, 4), "vetting_expires_on": BEFORE}, "Vic Visitor's vetting expired on 5 Feb 2024."),
    ({"term_starts_on": date(2021, 2, 6), "term_ends_on": BEFORE},
     "Vic Visitor's term of appointment ended on 5 Feb 2024."),
], ids=["left", "vetting lapsed", "term ended"])
def test_a_report_naming_a_visitor_the_register_refuses_is_a_400_naming_them(api, scheme, suite, bob, register, reason):
    vic = volunteer(scheme, "vic", **register)
    response = api(bob).post(VISITS, custody_body(site=suite, visitors=[bob, vic]), format="json")
    assert response.status_code == 400
    assert response.json() == {"visitors": [reason]}


def test_a_visitor_with_nothing_recorded_or_dates_still_to_come_is_accepted(api, scheme, suite, bob):
    vic = volunteer(scheme, "vic", vetting_cleared_on=date(2021, 1, 4), vetting_expires_on=VISIT_DAY,
                    term_starts_on=date(2021, 2, 6), term_ends_on=date(2027, 2, 5))
    assert api(bob).post(VISITS, custody_body(site=suite, visitors=[bob, vic]), format="json").status_code == 201


def test_the_buddy_rule_refuses_a_report_of_probationers_only_unless_the_scheme_turns_it_off(api, scheme, suite, alice):
    pat = volunteer(scheme, "pat", stage=Stage.PROBATION, probation_ends_on=date(2024, 6, 1))
    pip = volunteer(scheme, "pip", joined_on=date(2023, 12, 1), probation_ends_on=date(2024, 6, 1))
    body = custody_body(site=suite, visitors=[pat, pip])
    assert api(pat).post(VISITS, body, format="json").json() == {
        "visitors": ["Every visitor named is on probation: one must be an experienced visitor."]}
    assert api(alice).patch(f"/api/v1/schemes/{scheme.pk}/", {"buddy_rule": False}, format="json").status_code == 200
    scheme.refresh_from_db()  # pat's, as the next request reads it
    assert api(pat).post(VISITS, body, format="json").status_code == 201


def test_the_partners_offered_are_those_the_register_lets_visit_today(api, scheme, bob):
    today = scheme.local_today()
    volunteer(scheme, "ada")
    volunteer(scheme, "lee", left_on=today - timedelta(days=1), stage=Stage.LEFT)
    volunteer(scheme, "val", vetting_expires_on=today - timedelta(days=1))
    volunteer(scheme, "tom", term_starts_on=today - timedelta(days=1100), term_ends_on=today - timedelta(days=1))
    volunteer(scheme, "ian", stage=Stage.IN_CHECKS)
    volunteer(scheme, "eve", vetting_expires_on=today, term_ends_on=today)
    names = [p["username"] for p in api(bob).get("/api/v1/users/partners/").json()["results"]]
    assert sorted(names) == ["ada", "eve"]


def test_a_manager_appoints_a_probationer_and_the_term_follows_the_scheme(api, scheme, alice, bob):
    pat = volunteer(scheme, "pat", stage=Stage.PROBATION, joined_on=date(2024, 1, 8), buddy=bob)
    answer = api(alice).patch(f"/api/v1/volunteers/{pat.pk}/", {"state": "appointed"}, format="json").json()
    today = scheme.local_today()
    assert (answer["state"], answer["probation_signed_off_on"], answer["probation_signed_off_by"]) == (
        "appointed", today.isoformat(), alice.pk)
    assert answer["term_starts_on"] == today.isoformat()
    assert answer["term_ends_on"] == (today.replace(year=today.year + 3) - timedelta(days=1)).isoformat()
    assert answer["review_on"] == (date.fromisoformat(answer["term_ends_on"]) - timedelta(weeks=12)).isoformat()
    assert (answer["may_visit_today"], answer["on_probation_today"]) == (True, False)


def test_a_manager_records_a_leaver_with_a_reason_from_the_schemes_list(api, scheme, alice, bob):
    url = f"/api/v1/volunteers/{bob.pk}/"
    left = api(alice).patch(url, {"state": "left", "leaving_reason": "parental_leave", "exit_interview_held": True},
                            format="json").json()
    assert (left["left_on"], left["leaving_reason"], left["may_visit_today"]) == (
        scheme.local_today().isoformat(), "parental_leave", True)  # they may still visit on their last day
    scheme.leaving_reasons = ["personal", "other"]
    scheme.save()
    assert api(alice).patch(url, {"leaving_reason": "health"}, format="json").json() == {
        "leaving_reason": ["Choose one of the scheme's reasons: personal, other."]}
    assert api(alice).patch(url, {"term_starts_on": "2024-05-01", "term_ends_on": "2024-04-30"},
                            format="json").json() == {"term_ends_on": ["A term cannot end before it starts."]}


def test_the_register_is_filtered_by_state_and_a_visitor_reads_only_their_own(api, scheme, alice, bob, bella, carol):
    volunteer(scheme, "ian", stage=Stage.IN_CHECKS)
    in_checks = api(alice).get("/api/v1/volunteers/?state=in_checks").json()["results"]
    assert [r["username"] for r in in_checks] == ["ian"]
    assert [r["username"] for r in api(bob).get("/api/v1/volunteers/").json()["results"]] == ["bob"]
    assert api(bob).get(f"/api/v1/volunteers/{bella.pk}/").status_code == 404
    assert api(carol).get(f"/api/v1/volunteers/{bob.pk}/").status_code == 404
    assert api(bob).patch(f"/api/v1/volunteers/{bob.pk}/", {"state": "left"}, format="json").status_code == 403


def test_training_records_decide_whether_a_visitor_is_trained(api, scheme, alice, bob):
    url = f"/api/v1/volunteers/{bob.pk}/training/"
    added = api(alice).post(url, {"course": "refresher", "completed_on": "2024-01-15"}, format="json").json()
    assert (added["course_name"], added["expires_on"], added["valid_today"]) == ("Refresher", "2027-01-15", True)
    assert api(alice).post(url, {"course": "juggling", "completed_on": "2024-01-15"}, format="json").status_code == 400
    assert api(alice).get(f"/api/v1/volunteers/{bob.pk}/").json()["trained_today"] == ["refresher"]
    # Version 1's flag, written: true records the course today, false ends it today.
    assert api(alice).patch(f"/api/v1/users/{bob.pk}/", {"tact_trained": True}, format="json").json()["tact_trained"]
    tact = TrainingRecord.objects.get(volunteer=bob, course__key="tact")
    assert (tact.completed_on, tact.expires_on) == (scheme.local_today(), None)
    assert not api(alice).patch(f"/api/v1/users/{bob.pk}/", {"tact_trained": False}, format="json").json()["tact_trained"]
    assert api(bob).get("/api/v1/users/me/").json()["tact_trained"] is False


def test_a_tact_report_needs_a_visitor_trained_on_its_day(api, scheme, suite, bob, bella):
    body = custody_body(site=suite, visitors=[bob, bella], tact=True)
    train(bella, "tact", on=VISIT_DAY + timedelta(days=1))  # trained the day after the visit
    assert list(api(bob).post(VISITS, body, format="json").json()) == ["tact"]
    train(bob, "tact", on=VISIT_DAY)
    assert api(bob).post(VISITS, body, format="json").status_code == 201


def test_managers_keep_the_schemes_courses_and_visitors_read_them(api, scheme, alice, bob):
    keys = [c["key"] for c in api(bob).get("/api/v1/training-courses/").json()["results"]]
    assert keys == ["induction", "tact", "animal_welfare", "refresher"]
    made = api(alice).post("/api/v1/training-courses/", {"key": "first-aid", "name": "First aid", "validity_months": 24},
                           format="json")
    assert made.status_code == 201
    assert api(alice).post("/api/v1/training-courses/", {"key": "tact", "name": "TACT again"},
                           format="json").json() == {"key": ["The scheme has a course with this key already."]}
    assert api(bob).post("/api/v1/training-courses/", {"key": "x", "name": "X"}, format="json").status_code == 403


def test_the_register_reads_the_same_queries_for_2_or_12_visitors(api, scheme, alice, bob, django_assert_num_queries):
    client = api(alice)
    with django_assert_num_queries(2):  # the count, then the page with each one's scheme and training
        assert client.get("/api/v1/volunteers/").json()["count"] == 1
    for n in range(11):
        train(volunteer(scheme, f"vol{n}", stage=Stage.PROBATION, buddy=bob), "tact")
    with django_assert_num_queries(2):
        assert client.get("/api/v1/volunteers/").json()["count"] == 12
