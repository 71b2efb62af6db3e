"""Team meetings and attendance, a volunteer's own profile, the cohort beside the population, and
meeting time in the volunteer hours, through the API."""

from datetime import date

import pytest

from tests.factories import UserFactory, custody_visit
from tests.helpers import utc
from visits.models import Role
from volunteers.models import HomeArea
from volunteers.services import profile_save

MEETINGS, PROFILE, COHORT, POPULATION = "/api/v1/meetings/", "/api/v1/users/me/profile/", "/api/v1/cohort/", \
    "/api/v1/cohort/population/"


@pytest.fixture
def meeting(api, alice):
    answer = api(alice).post(MEETINGS, {"held_on": "2023-06-07", "title": "Quarterly team meeting",
                                        "duration_hours": "2.50", "format": "hybrid"}, format="json")
    assert answer.status_code == 201
    return answer.json()


def test_a_manager_ticks_attendance_and_each_visitor_sees_only_their_own(api, alice, bob, bella, carol, meeting):
    url = f"{MEETINGS}{meeting['id']}/attendance/"
    ticked = api(alice).put(url, {"attended": [bob.pk]}, format="json")
    assert ticked.status_code == 200
    assert {row["volunteer"]: row["attended"] for row in ticked.json()} == {bob.pk: True, bella.pk: False}

    assert api(bob).get(url).json() == [{"volunteer": bob.pk, "name": bob.get_full_name(), "attended": True}]
    assert api(bella).get(url).json() == [{"volunteer": bella.pk, "name": bella.get_full_name(), "attended": False}]
    [seen_by_bob] = api(bob).get(MEETINGS).json()["results"]
    assert (seen_by_bob["attended"], seen_by_bob["attendance_count"], seen_by_bob["format"]) == (True, 1, "hybrid")
    # The force's inspector may know the meeting's date, never who was there.
    [seen_by_carol] = api(carol).get(MEETINGS).json()["results"]
    assert (seen_by_carol["held_on"], seen_by_carol["attended"], seen_by_carol["attendance_count"]) == (
        "2023-06-07", None, None)
    assert api(carol).get(url).status_code == 403


def test_attendance_names_only_the_schemes_volunteers(api, alice, charlie, chris, meeting):
    url = f"{MEETINGS}{meeting['id']}/attendance/"
    refused = api(alice).put(url, {"attended": [chris.pk]}, format="json")
    assert refused.status_code == 400
    assert str(chris.pk) in refused.json()["attended"][0]
    assert api(charlie).put(url, {"attended": []}, format="json").status_code == 404


def test_meeting_time_counts_in_the_volunteer_hours_unless_the_scheme_says_not(api, alice, bob, bella, suite,
                                                                               meeting):
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2023, 6, 1, 20, 0), minutes_on_site=57)
    kpis = {"fy": 2023}
    assert api(alice).get("/api/v1/kpis/", kpis).json()["volunteer_hours"] == 2.0  # two visitors, one hour each
    api(alice).put(f"{MEETINGS}{meeting['id']}/attendance/", {"attended": [bob.pk, bella.pk]}, format="json")
    answer = api(alice).get("/api/v1/kpis/", kpis).json()
    assert (answer["volunteer_hours"], answer["volunteer_value"]) == (7.0, 128.59)  # + 2 × 2.5 h, at £18.37
    # A three-hour refresher Bob completed in the year counts too.
    courses = {c["key"]: c["id"] for c in api(alice).get("/api/v1/training-courses/").json()["results"]}
    assert api(alice).patch(f"/api/v1/training-courses/{courses['refresher']}/", {"hours": "3.00"},
                            format="json").status_code == 200
    assert api(alice).post(f"/api/v1/volunteers/{bob.pk}/training/", {"course": "refresher", "completed_on": "2023-09-01"},
                           format="json").status_code == 201
    assert api(alice).get("/api/v1/kpis/", kpis).json()["volunteer_hours"] == 10.0

    api(alice).patch(f"/api/v1/schemes/{alice.scheme_id}/", {"meeting_time_counts": False}, format="json")
    alice.refresh_from_db()  # as a new request reads her, with her scheme, from her token
    assert api(alice).get("/api/v1/kpis/", kpis).json()["volunteer_hours"] == 2.0


def test_a_volunteer_answers_for_themselves_and_may_prefer_not_to_say(api, bob, scheme):
    HomeArea.objects.create(scheme=scheme, slug="leicester", name="Leicester")
    client = api(bob)
    assert client.get(PROFILE).json() == {"gender": "", "age_band": "", "ethnic_group": "", "home_area": "",
                                          "updated_at": None}
    saved = client.put(PROFILE, {"gender": "female", "age_band": "50-64", "home_area": "leicester"}, format="json")
    assert saved.status_code == 200
    assert (saved.json()["gender"], saved.json()["ethnic_group"], saved.json()["home_area"]) == ("female", "", "leicester")
    patched = client.patch(PROFILE, {"home_area": "prefer_not_to_say"}, format="json").json()
    assert (patched["gender"], patched["home_area"]) == ("female", "prefer_not_to_say")

    assert client.patch(PROFILE, {"home_area": "rutland"}, format="json").status_code == 400
    assert client.patch(PROFILE, {"gender": "unknown"}, format="json").status_code == 400


def _volunteers(scheme, n, **answers):
    people = [UserFactory(scheme=scheme, role=Role.VISITOR) for _ in range(n)]
    for person in people:
        profile_save(user=person, fields=dict(answers))
    return people


def _groups(answer, dimension):
    [found] = [d for d in answer["dimensions"] if d["dimension"] == dimension]
    return {row["group"]: row for row in found["groups"]}


def test_the_cohort_hides_small_groups_from_all_but_the_managers(api, alice, scheme, dave):
    city = HomeArea.objects.create(scheme=scheme, slug="leicester", name="Leicester")
    HomeArea.objects.create(scheme=scheme, slug="rutland", name="Rutland")
    _volunteers(scheme, 5, gender="female", home_area=city)
    visitor, *_ = _volunteers(scheme, 4, gender="male", home_area=city)
    _volunteers(scheme, 2, gender="another")
    assert api(alice).put(POPULATION, {"gender": {"female": "50.80", "male": "49.20"}}, format="json").status_code == 200

    exact = api(alice).get(COHORT).json()
    gender = _groups(exact, "gender")
    assert (exact["volunteers"], gender["female"]["count"], gender["another"]["count"]) == (11, 5, 2)
    assert (gender["female"]["share_pct"], gender["female"]["population_pct"]) == (45.5, 50.8)

    for reader in (visitor, dave):
        answer = api(reader).get(COHORT, {"scheme": scheme.pk}).json()
        gender = _groups(answer, "gender")
        # 2 "another" is fewer than 3; alone, 11 − 5 − 4 would give it away, so the next smallest goes too.
        assert [g for g, row in gender.items() if row["suppressed"]] == ["male", "another"]
        assert (gender["male"]["count"], gender["another"]["count"], gender["female"]["count"]) == (None, None, 5)
        assert _groups(answer, "home_area")["rutland"]["count"] == 0  # none is no one's secret
        assert "2" not in {str(row["count"]) for row in gender.values()}

    # Two days side by side would tell who joined or left with which answers: today only, but to managers.
    assert api(visitor).get(COHORT, {"on": "2024-01-01"}).status_code == 400
    assert api(alice).get(COHORT, {"on": "2024-01-01"}).status_code == 200

    api(alice).patch(f"/api/v1/schemes/{scheme.pk}/", {"cohort_min_group": 6}, format="json")
    gender = _groups(api(visitor).get(COHORT).json(), "gender")
    assert all(row["count"] is None for g, row in gender.items() if g in ("female", "male", "another"))


def test_the_population_is_entered_by_the_cohorts_groups(api, alice):
    client = api(alice)
    assert client.put(POPULATION, {"gender": {"woman": 50}}, format="json").status_code == 400
    assert client.put(POPULATION, {"gender": {"female": 60, "male": 50}}, format="json").status_code == 400
    assert client.put(POPULATION, {"age_band": {"18-19": 3.1, "75+": 9.4}}, format="json").json()["age_band"] == {
        "18-19": 3.1, "75+": 9.4}
    assert client.get(POPULATION).json()["gender"] == {}


def test_a_meeting_of_another_scheme_is_404(api, charlie, meeting):
    assert api(charlie).get(f"{MEETINGS}{meeting['id']}/").status_code == 404
    assert date.fromisoformat(meeting["held_on"]) == date(2023, 6, 7)
