"""The volunteer register (issue 23) as a hostile or careless client meets it: malformed bodies, another
scheme's ids, the wrong roles, and the privacy of a volunteer's own answers."""

import json

import pytest

from tests.helpers import utc
from tests.outside.api import PASSWORD, World, built_once, custody_body, login, post, raw_post

VOL, COURSES, MEETINGS = "/api/v1/volunteers/", "/api/v1/training-courses/", "/api/v1/meetings/"
AREAS, PROFILE, COHORT, POPULATION = ("/api/v1/home-areas/", "/api/v1/users/me/profile/", "/api/v1/cohort/",
                                      "/api/v1/cohort/population/")


class Register:
    """Northshire (five visitors) and Southshire (two), each with a course, a home area and a meeting; an
    analyst granted Northshire."""

    def __init__(self):
        self.n = World("Northshire", "n", n_visitors=5)
        self.s = World("Southshire", "s", n_visitors=2, root=self.n.root)
        self.n_suite = self.n.add_site("Central")
        for w in (self.n, self.s):
            w.course = post(w.manager, COURSES, {"key": "first-aid", "name": "First aid", "validity_months": 12})
            w.area = post(w.manager, AREAS, {"slug": "city", "name": "City"})
            w.meeting = post(w.manager, MEETINGS, {"held_on": "2024-03-05", "title": "Quarterly team meeting"})
        post(self.n.root, "/api/v1/users/", {"username": "nat", "password": PASSWORD, "role": "analyst",
                                             "schemes": [self.n.sid]})
        self.analyst = login("nat")


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, Register)


@pytest.fixture
def reg(built, db):
    return built


def refused(r, *fields):
    assert r.status_code == 400, (r.status_code, r.content[:400])
    body = r.json()
    assert isinstance(body, dict)
    assert any(f in body for f in fields), (fields, body)
    return body


def no_500(r):
    assert r.status_code < 500, (r.status_code, r.content[:400])
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    return r


# --- malformed bodies --------------------------------------------------------------------------

def test_a_volunteers_record_refuses_malformed_fields_by_name(reg):
    m, vid, other = reg.n.manager, reg.n.vid(1), reg.s.vid(0)
    path = f"{VOL}{vid}/"
    for body, field in [({"vetting_expires_on": "2025-02-30"}, "vetting_expires_on"),
                        ({"joined_on": 20150101}, "joined_on"),
                        ({"term_ends_on": "next year"}, "term_ends_on"),
                        ({"state": "promoted"}, "state"),
                        ({"state": None}, "state"),
                        ({"buddy": 99999999}, "buddy"),
                        ({"buddy": other}, "buddy"),
                        ({"buddy": "x" * 10000}, "buddy"),
                        ({"buddy": -3}, "buddy"),
                        ({"leaving_reason": "x" * 10000}, "leaving_reason"),
                        ({"leaving_reason": ["personal"]}, "leaving_reason"),
                        ({"exit_interview_held": "perhaps"}, "exit_interview_held"),
                        ({"probation_ends_on": ["2025-01-01"]}, "probation_ends_on")]:
        refused(m.patch(path, body, format="json"), field)
    # nothing of it stored
    record = m.get(path).json()
    assert record["state"] != "promoted" and record["buddy"] in (None, vid) and record["vetting_expires_on"] is None


def test_far_dates_on_a_record_never_give_a_500(reg):
    path = f"{VOL}{reg.n.vid(1)}/"
    for field in ("joined_on", "vetting_expires_on", "term_ends_on", "probation_ends_on"):
        for day in ("0001-01-01", "9999-12-31", "1900-01-01", "2100-01-01"):
            r = no_500(reg.n.manager.patch(path, {field: day}, format="json"))
            if r.status_code == 400:
                assert field in r.json(), r.json()


def test_non_json_and_wrong_content_types_on_the_registers_writes(reg):
    m, v = reg.n.manager, reg.n.visitors[0]
    posts = [(m, COURSES), (m, MEETINGS), (m, AREAS), (m, f"{VOL}{reg.n.vid(1)}/training/")]
    for client, path in posts:
        for data in (b"not json", b"{", b"[]", b"null", b"42", b'"text"', b"[" * 5000 + b"]" * 5000):
            r = no_500(raw_post(client, path, data))
            assert r.status_code == 400, (path, data[:10], r.status_code)
        r = no_500(raw_post(client, path, b"key=x&name=y", content_type="text/plain"))
        assert r.status_code == 415, (path, r.status_code)
    for client, method, path in [(m, "PATCH", f"{VOL}{reg.n.vid(1)}/"), (v, "PATCH", PROFILE), (v, "PUT", PROFILE),
                                 (m, "PUT", f"{MEETINGS}{reg.n.meeting['id']}/attendance/"), (m, "PUT", POPULATION)]:
        for data in (b"not json", b"[1, 2]", b"null"):
            r = no_500(client.generic(method, path, data, content_type="application/json"))
            assert r.status_code == 400, (method, path, data, r.status_code)


def test_courses_areas_and_meetings_refuse_bad_fields_and_duplicates(reg):
    m = reg.n.manager
    for body, field in [({"key": "x" * 500, "name": "X"}, "key"), ({"key": "has space", "name": "X"}, "key"),
                        ({"key": "ok", "name": None}, "name"), ({"key": "ok", "name": "x" * 100000}, "name"),
                        ({"key": "ok", "name": "X", "validity_months": -1}, "validity_months"),
                        ({"key": "ok", "name": "X", "validity_months": "twelve"}, "validity_months"),
                        ({"key": "first-aid", "name": "Again"}, "key")]:
        refused(m.post(COURSES, body, format="json"), field)
    refused(m.post(AREAS, {"slug": "city", "name": "City again"}, format="json"), "slug")
    refused(m.post(AREAS, {"slug": "", "name": "Nowhere"}, format="json"), "slug")
    for body, field in [({"held_on": "2025-02-30", "title": "M"}, "held_on"), ({"held_on": 5, "title": "M"}, "held_on"),
                        ({"held_on": "2024-05-01", "title": "M", "duration_hours": -2}, "duration_hours"),
                        ({"held_on": "2024-05-01", "title": "M", "duration_hours": 1e300}, "duration_hours"),
                        ({"held_on": "2024-05-01", "title": "M", "format": "telepathy"}, "format"),
                        ({"held_on": "2024-05-01", "title": "M\u202e"}, "title"),
                        ({"held_on": "2024-05-01"}, "title")]:
        refused(m.post(MEETINGS, body, format="json"), field)
    assert m.get(COURSES).json()["count"] == m.get(COURSES).json()["count"]  # the list still answers


def test_training_records_refuse_unknown_courses_and_impossible_dates(reg):
    m, path = reg.n.manager, f"{VOL}{reg.n.vid(1)}/training/"
    before = m.get(path).json()["count"]
    for body, field in [({"course": "no-such-course", "completed_on": "2024-01-01"}, "course"),
                        ({"course": reg.s.course["key"] + "-x", "completed_on": "2024-01-01"}, "course"),
                        ({"course": None, "completed_on": "2024-01-01"}, "course"),
                        ({"course": "refresher", "completed_on": "2025-02-30"}, "completed_on"),
                        ({"course": "refresher", "completed_on": None}, "completed_on"),
                        ({"course": "refresher"}, "completed_on")]:
        refused(m.post(path, body, format="json"), field)
    assert m.get(path).json()["count"] == before
    # a visitor records no training, not even their own
    r = reg.n.visitors[1].post(path, {"course": "refresher", "completed_on": "2024-01-01"}, format="json")
    assert r.status_code in (403, 404)


def test_attendance_refuses_unknown_and_foreign_ids_and_takes_an_empty_list(reg):
    m, path = reg.n.manager, f"{MEETINGS}{reg.n.meeting['id']}/attendance/"
    for body in ({"attended": [99999999]}, {"attended": [reg.s.vid(0)]}, {"attended": ["one"]},
                 {"attended": None}, {"attended": [-1]}, {"attended": {"id": 1}}, {}):
        refused(m.put(path, body, format="json"), "attended")
    r = m.put(path, {"attended": [reg.n.vid(0), reg.n.vid(0), reg.n.vid(1)]}, format="json")
    no_500(r)
    if r.status_code == 200:
        attended = [row for row in r.json() if row.get("attended")]
        assert len(attended) == 2, r.json()
    r = m.put(path, {"attended": []}, format="json")
    assert r.status_code == 200, r.content
    assert not any(row.get("attended") for row in r.json())


def test_population_refuses_impossible_shares(reg):
    m = reg.n.manager
    for body, field in [({"gender": {"female": 80, "male": 70}}, "gender"), ({"gender": {"female": -5}}, "gender"),
                        ({"gender": {"robots": 10}}, "gender"), ({"age_band": {"35-49": "many"}}, "age_band"),
                        ({"home_area": {"atlantis": 10}}, "home_area"), ({"gender": [50, 50]}, "gender"),
                        ({"ethnic_group": {"white": None}}, "ethnic_group")]:
        refused(m.put(POPULATION, body, format="json"), field)


def test_a_profile_refuses_answers_outside_its_lists(reg):
    v = reg.n.visitors[2]
    for body, field in [({"gender": "robot"}, "gender"), ({"age_band": "12-17"}, "age_band"),
                        ({"ethnic_group": "x" * 5000}, "ethnic_group"), ({"home_area": "atlantis"}, "home_area"),
                        ({"home_area": reg.s.area["id"]}, "home_area"), ({"gender": ["female"]}, "gender"),
                        ({"age_band": 42}, "age_band")]:
        refused(v.patch(PROFILE, body, format="json"), field)
    # a foreign scheme's area, by its slug, is not one of Northshire's either
    s_only = post(reg.s.manager, AREAS, {"slug": "harbour-town", "name": "Harbour town"})
    refused(v.patch(PROFILE, {"home_area": s_only["slug"]}, format="json"), "home_area")


# --- another scheme, the wrong role ------------------------------------------------------------

def test_another_schemes_register_answers_404(reg):
    n = reg.n
    paths = [f"{VOL}{n.vid(0)}/", f"{VOL}{n.vid(0)}/training/", f"{COURSES}{n.course['id']}/",
             f"{MEETINGS}{n.meeting['id']}/", f"{MEETINGS}{n.meeting['id']}/attendance/", f"{AREAS}{n.area['id']}/"]
    for client in (reg.s.manager, reg.s.visitors[0]):
        for path in paths:
            r = client.get(path)
            assert r.status_code == 404, (path, r.status_code)
            assert b"Northshire" not in r.content and b"Quarterly" not in r.content
    m = reg.s.manager
    assert m.patch(paths[0], {"state": "left"}, format="json").status_code == 404
    assert m.post(paths[1], {"course": "refresher", "completed_on": "2024-01-01"}, format="json").status_code == 404
    assert m.patch(paths[2], {"name": "Stolen"}, format="json").status_code == 404
    assert m.patch(paths[3], {"title": "Stolen"}, format="json").status_code == 404
    assert m.put(paths[4], {"attended": [reg.s.vid(0)]}, format="json").status_code == 404
    assert m.patch(paths[5], {"name": "Stolen"}, format="json").status_code == 404
    assert m.get(COHORT, {"scheme": n.sid}).status_code == 404
    assert n.manager.get(f"{VOL}{n.vid(0)}/").json()["state"] != "left"


def test_custody_staff_and_analysts_never_see_an_individual(reg):
    n = reg.n
    assert n.visitors[0].patch(PROFILE, {"gender": "female", "age_band": "50-64"}, format="json").status_code == 200
    n.manager.put(f"{MEETINGS}{n.meeting['id']}/attendance/", {"attended": [n.vid(0)]}, format="json")
    for client in (n.custody, reg.analyst):
        for path in (f"{VOL}{n.vid(0)}/", f"{VOL}{n.vid(0)}/training/", f"{MEETINGS}{n.meeting['id']}/attendance/"):
            r = client.get(path)
            # 403 (a role that may never read attendance, whatever the meeting) tells nothing either
            assert r.status_code in (403, 404), (path, r.status_code)
            assert b"Visitor0" not in r.content
        r = client.get(VOL)
        assert r.status_code == 404 or r.json()["count"] == 0, r.status_code
        for path in (MEETINGS, f"{MEETINGS}{n.meeting['id']}/"):
            r = client.get(path)
            if r.status_code == 200:
                body = json.dumps(r.json())
                assert '"attended": true' not in body and "attendance_count\": 1" not in body, body
        r = client.get(PROFILE)
        assert r.status_code in (200, 403, 404)
        if r.status_code == 200:
            assert r.json().get("gender") != "female"


def test_visitors_read_only_their_own_record_and_answers(reg):
    n = reg.n
    me, other = n.visitors[3], n.vid(4)
    assert me.get(f"{VOL}{other}/").status_code == 404
    assert me.get(f"{VOL}{other}/training/").status_code == 404
    assert me.get(f"{VOL}{n.vid(3)}/").status_code == 200
    assert me.patch(f"{VOL}{n.vid(3)}/", {"vetting_expires_on": "2099-01-01"}, format="json").status_code in (403, 404)
    listing = me.get(VOL).json()
    assert [r["id"] for r in listing["results"]] == [n.vid(3)]
    assert me.put(f"{MEETINGS}{n.meeting['id']}/attendance/", {"attended": [n.vid(3)]},
                  format="json").status_code in (403, 404)
    rows = me.get(f"{MEETINGS}{n.meeting['id']}/attendance/")
    if rows.status_code == 200:
        assert {row["volunteer"] for row in rows.json()} <= {n.vid(3)}, rows.json()


def test_the_cohort_hides_groups_under_three_from_everyone_but_managers(reg):
    n = reg.n
    answers = ["female", "female", "female", "male", "another"]
    for client, gender in zip(n.visitors, answers, strict=True):
        assert client.patch(PROFILE, {"gender": gender}, format="json").status_code == 200
    manager = n.manager.get(COHORT).json()
    genders = {g["group"]: g for d in manager["dimensions"] if d["dimension"] == "gender" for g in d["groups"]}
    assert genders["male"]["count"] == 1 and genders["female"]["count"] == 3
    readers = 0
    for client, params in ((n.visitors[0], {}), (n.custody, {}), (reg.analyst, {"scheme": n.sid})):
        r = client.get(COHORT, params)
        if r.status_code in (403, 404):
            assert b"male" not in r.content
            continue
        readers += 1
        assert r.status_code == 200, r.content
        for dim in r.json()["dimensions"]:
            hidden = [g for g in dim["groups"] if g["suppressed"]]
            for g in dim["groups"]:
                assert g["count"] not in (1, 2), (dim["dimension"], g)
                if g["suppressed"]:
                    assert g["count"] is None and g["share_pct"] is None, g
            assert len(hidden) != 1, (dim["dimension"], dim["groups"])  # one hidden group is the total's difference
        g = {x["group"]: x for d in r.json()["dimensions"] if d["dimension"] == "gender" for x in d["groups"]}
        assert g["male"]["suppressed"] and g["another"]["suppressed"]
    assert readers, "nobody but the managers reads the cohort's aggregates"


# --- eligibility on report submission -----------------------------------------------------------

@pytest.mark.parametrize("change,reason", [
    ({"state": "left", "left_on": "2024-01-31", "leaving_reason": "moved_away"}, "left"),
    ({"vetting_cleared_on": "2019-01-01", "vetting_expires_on": "2024-01-01"}, "vetting"),
    ({"term_starts_on": "2020-01-01", "term_ends_on": "2024-01-01"}, "term"),
])
def test_a_report_naming_an_ineligible_visitor_is_refused_naming_them(reg, change, reason):
    n = reg.n
    r = n.manager.patch(f"{VOL}{n.vid(1)}/", change, format="json")
    assert r.status_code == 200, r.content
    body = custody_body(n_suite_id(reg), [n.vid(0), n.vid(1)], utc(2024, 6, 4, 10, 0))
    r = n.visitors[0].post("/api/v1/visits/", body, format="json")
    errors = refused(r, "visitors")
    text = json.dumps(errors).lower()
    assert "visitor1" in text and reason in text, errors
    # with an eligible partner, the same report goes in
    body = custody_body(n_suite_id(reg), [n.vid(0), n.vid(2)], utc(2024, 6, 4, 10, 0))
    assert n.visitors[0].post("/api/v1/visits/", body, format="json").status_code == 201


def test_a_visitor_with_no_register_dates_is_not_refused(reg):
    n = reg.n
    body = custody_body(n_suite_id(reg), [n.vid(2), n.vid(3)], utc(2024, 6, 5, 10, 0))
    assert n.visitors[2].post("/api/v1/visits/", body, format="json").status_code == 201


def test_two_probationers_alone_are_refused_by_the_buddy_rule(reg):
    n = reg.n
    for i in (2, 3):
        r = n.manager.patch(f"{VOL}{n.vid(i)}/", {"state": "probation", "probation_ends_on": "2099-01-01"},
                            format="json")
        assert r.status_code == 200, r.content
    body = custody_body(n_suite_id(reg), [n.vid(2), n.vid(3)], utc(2024, 6, 5, 10, 0))
    refused(n.visitors[2].post("/api/v1/visits/", body, format="json"), "visitors", "non_field_errors")


def test_a_leaver_is_not_offered_as_a_partner(reg):
    n = reg.n
    n.manager.patch(f"{VOL}{n.vid(4)}/", {"state": "left", "left_on": "2024-01-31", "leaving_reason": "personal"},
                    format="json")
    partners = n.visitors[0].get("/api/v1/users/partners/", {"page_size": 200}).json()["results"]
    assert n.vid(4) not in {p["id"] for p in partners}


def n_suite_id(reg):
    return reg.n_suite["id"]
