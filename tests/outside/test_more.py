"""Check 4: other promises of the contract and the domain, through the API."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import utc
from tests.outside.api import PASSWORD, count, custody_body, login, post
from tests.outside.test_hostile import V, assert_refused, n_body, stored

LONDON = ZoneInfo("Europe/London")


def fy_to_date():
    today = datetime.now(LONDON).date()
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1), today


def test_every_list_is_paginated(two):
    for path in ("/api/v1/schemes/", "/api/v1/sites/", "/api/v1/users/", V, "/api/v1/animal-visits/",
                 "/api/v1/issue-categories/", "/api/v1/issues/"):
        body = two.n.manager.get(path).json()
        assert set(body) >= {"count", "next", "previous", "results"}, path


def test_kpis_default_to_the_financial_year_to_date(two):
    start, today = fy_to_date()
    k = two.n.manager.get("/api/v1/kpis/").json()
    assert k["from"] == start.isoformat()
    assert k["to"] == today.isoformat()
    cov = two.n.manager.get("/api/v1/coverage/", {"site": two.n_suite["id"]}).json()
    assert (cov["from"], cov["to"]) == (start.isoformat(), today.isoformat())


def test_percentages_with_nothing_to_divide(two):
    k = two.n.manager.get("/api/v1/kpis/", {"from": "2022-01-03", "to": "2022-01-16"}).json()
    assert k["visits"] == 0
    assert k["target"] == 2  # two complete weeks x 1 active suite x 1
    assert k["target_pct"] == 0.0
    assert k["access"]["immediate_pct"] is None
    assert k["detainees"]["offered_pct"] is None and k["detainees"]["seen_pct_of_offered"] is None
    assert k["volunteer_hours"] == 0 and k["volunteer_value"] == 0
    # 13 days is one complete week
    assert two.n.manager.get("/api/v1/kpis/", {"from": "2022-01-03", "to": "2022-01-15"}).json()["target"] == 1
    # 6 days: none
    assert two.n.manager.get("/api/v1/kpis/", {"from": "2022-01-03", "to": "2022-01-08"}).json()["target"] == 0


def test_the_weekly_target_is_a_scheme_setting(two):
    r = two.s.manager.patch(f"/api/v1/schemes/{two.s.sid}/", {"weekly_target": 3}, format="json")
    assert r.status_code == 200, r.content
    k = two.s.manager.get("/api/v1/kpis/", {"fy": 2023}).json()
    assert k["target"] == 52 * 1 * 3
    post(two.s.manager, "/api/v1/sites/", {"scheme": two.s.sid, "name": "Second", "kind": "custody_suite",
                                           "cells": 4, "active": True})
    assert two.s.manager.get("/api/v1/kpis/", {"fy": 2023}).json()["target"] == 52 * 2 * 3
    # Northshire is untouched
    assert two.n.manager.get("/api/v1/kpis/", {"fy": 2023}).json()["target"] == 52


def test_the_number_of_visitors_is_a_scheme_setting(two):
    before = stored(two)
    alone = custody_body(two.n_suite["id"], [two.n.vid(0)], utc(2024, 1, 9, 14, 0))
    assert_refused(two, two.n.visitors[0].post(V, alone, format="json"), "visitors", before=before)
    r = two.n.manager.patch(f"/api/v1/schemes/{two.n.sid}/", {"min_visitors": 1}, format="json")
    assert r.status_code == 200
    assert two.n.visitors[0].post(V, alone, format="json").status_code == 201
    # Southshire still needs two
    s_alone = custody_body(two.s_suite["id"], [two.s.vid(0)], utc(2024, 1, 9, 14, 0))
    assert two.s.visitors[0].post(V, s_alone, format="json").status_code == 400
    # a manager cannot change another scheme's settings
    r = two.n.manager.patch(f"/api/v1/schemes/{two.s.sid}/", {"min_visitors": 1}, format="json")
    assert r.status_code == 404


def test_drafts_obey_the_same_input_rules(two):
    before = stored(two)
    v = two.n.visitors[0]
    body = n_body(two, status="draft", counts={"seen": 2})
    body["detainees_present"] = 9
    assert_refused(two, v.post(V, body, format="json"), "detainees_present", "detainees_offered", before=before)
    body = n_body(two, status="draft")
    body["arrived_at"] = "2024-01-09T14:00:00"
    assert_refused(two, v.post(V, body, format="json"), "arrived_at", before=before)
    body = n_body(two, status="draft", comments="bad\u202e")
    assert_refused(two, v.post(V, body, format="json"), "comments", before=before)


def test_custody_staff_receive_issues_of_submitted_reports_only(two):
    v = two.n.visitors[0]
    post(v, V, n_body(two, status="draft", issues=[{"category": "hygiene", "description": "Draft-only issue"}]))
    r = two.n.custody.get("/api/v1/issues/", {"page_size": 200})
    assert r.status_code == 200
    text = r.content.decode()
    assert "Cold food" in text  # the submitted report's issue
    assert "Draft-only issue" not in text
    assert "No soap" not in text  # Southshire's


def test_kpis_for_analysts_and_superusers_need_a_scheme(two):
    post(two.n.root, "/api/v1/users/", {"username": "nat", "password": PASSWORD, "role": "analyst",
                                        "schemes": [two.n.sid]})
    nat = login("nat")
    assert nat.get("/api/v1/kpis/", {"fy": 2023}).status_code == 400  # an analyst names the scheme
    assert nat.get("/api/v1/kpis/", {"fy": 2023, "scheme": two.n.sid}).status_code == 200
    assert nat.get("/api/v1/kpis/", {"fy": 2023, "scheme": two.s.sid}).status_code == 404
    assert nat.get("/api/v1/kpis/", {"fy": 2023, "scheme": 99999}).status_code == 404
    assert two.n.root.get("/api/v1/kpis/", {"fy": 2023, "scheme": two.s.sid}).status_code == 200
    # an analyst reads KPIs only: no reports, no issue texts, no coverage
    for path in (V, "/api/v1/animal-visits/", "/api/v1/issues/"):
        assert nat.get(path).status_code == 403, path
    assert nat.post(V, n_body(two), format="json").status_code == 403
    assert nat.get("/api/v1/recommendations/", {"site": two.n_suite["id"]}).status_code == 404


def test_a_manager_may_key_in_a_paper_report_only_for_the_scheme(two):
    """Not in the contract either way: only check that nothing crosses schemes."""
    before = count(two.s.manager, V)
    body = custody_body(two.s_suite["id"], [two.s.vid(0), two.s.vid(1)], utc(2024, 1, 9, 14, 0))
    r = two.n.manager.post(V, body, format="json")
    assert r.status_code == 400  # the site is not one of Northshire's
    assert count(two.s.manager, V) == before


def test_times_with_other_offsets_are_the_same_instant(two):
    t = datetime.fromisoformat("2024-06-01T23:30:00-04:00")  # 04:30 BST on Sunday 2 June
    r = two.n.visitors[0].post(V, n_body(two, arrived=t), format="json").json()
    assert r["local_date"] == "2024-06-02"
    assert r["timeslot"] == {"day": "sunday", "band": "00:00-07:59"}
    assert datetime.fromisoformat(r["arrived_at"].replace("Z", "+00:00")) == t


def test_volunteer_hours_count_each_visitor_and_travel(two):
    m = two.n.manager
    window = {"from": "2022-06-01", "to": "2022-06-30"}
    assert m.get("/api/v1/kpis/", window).json()["volunteer_hours"] == 0
    three = [two.n.vid(0), two.n.vid(1), two.n.vid(2)]
    post(two.n.visitors[0], V, custody_body(two.n_suite["id"], three, utc(2022, 6, 1, 10), delay_min=0, stay_min=90))
    k = m.get("/api/v1/kpis/", window).json()
    assert k["volunteer_hours"] == pytest.approx(4.5)       # 1.5 h x 3 visitors
    assert k["volunteer_value"] == pytest.approx(82.67)     # 4.5 x 18.37 = 82.665, to 2 decimals
    # the domain adds travel where recorded (travel_minutes: of all the visitors together)
    post(two.n.visitors[0], V, custody_body(two.n_suite["id"], three, utc(2022, 6, 2, 10), delay_min=0, stay_min=30,
                                            travel_minutes=60))
    k = m.get("/api/v1/kpis/", window).json()
    assert k["volunteer_hours"] == pytest.approx(4.5 + 1.5 + 1.0)
    assert k["volunteer_value"] == pytest.approx(128.59)    # 7 x 18.37


def test_a_scheme_in_another_time_zone(two):
    s = post(two.n.root, "/api/v1/schemes/", {"name": "Kiwi", "timezone": "Pacific/Auckland"})
    post(two.n.root, "/api/v1/users/", {"scheme": s["id"], "username": "kiwi-m", "password": PASSWORD, "role": "manager"})
    km = login("kiwi-m")
    site = post(km, "/api/v1/sites/", {"scheme": s["id"], "name": "Auckland Central", "kind": "custody_suite"})
    a = post(km, "/api/v1/users/", {"scheme": s["id"], "username": "kiwi-a", "password": PASSWORD, "role": "visitor"})
    b = post(km, "/api/v1/users/", {"scheme": s["id"], "username": "kiwi-b", "password": PASSWORD, "role": "visitor"})
    r = post(login("kiwi-a"), V, custody_body(site["id"], [a["id"], b["id"]], utc(2024, 3, 31, 12, 30)))
    assert r["local_date"] == "2024-04-01"  # 01:30 NZDT on Monday 1 April
    assert r["timeslot"] == {"day": "monday", "band": "00:00-07:59"}
    assert km.get("/api/v1/kpis/", {"fy": 2024}).json()["visits"] == 1
    assert km.get("/api/v1/kpis/", {"fy": 2023}).json()["visits"] == 0
    assert two.n.root.post("/api/v1/schemes/", {"name": "Mars", "timezone": "Mars/Base"},
                           format="json").status_code == 400


def test_reports_go_to_the_right_kind_of_site(two):
    before = stored(two)
    r = two.n.visitors[0].post("/api/v1/animal-visits/", {
        **n_body(two), "site": two.n_suite["id"], "animals_seen": 1}, format="json")
    assert_refused(two, r, "site", before=before)


def test_analysts_are_made_by_a_superuser_without_a_scheme(two):
    r = two.n.root.post("/api/v1/users/", {"username": "an1", "password": PASSWORD, "role": "analyst",
                                           "scheme": two.n.sid, "schemes": [two.n.sid]}, format="json")
    assert r.status_code == 400 and "scheme" in r.json()
    r = two.n.manager.post("/api/v1/users/", {"username": "an2", "password": PASSWORD, "role": "analyst"},
                           format="json")
    assert r.status_code == 400
    r = two.n.manager.post("/api/v1/users/", {"scheme": two.n.sid, "username": "boss", "password": PASSWORD,
                                              "role": "", "is_superuser": True}, format="json")
    assert r.status_code == 400
    names = {u["username"] for u in two.n.manager.get("/api/v1/users/", {"page_size": 200}).json()["results"]}
    assert not names & {"an2", "boss"}


def test_force_responses_follow_the_text_rules(two):
    iid = two.n_visit["issues"][0]["id"]
    c = two.n.custody
    assert c.post(f"/api/v1/issues/{iid}/response/", {"force_response": "Fixed\u202e"}, format="json").status_code == 400
    assert c.post(f"/api/v1/issues/{iid}/response/", {"force_response": "x" * 5001}, format="json").status_code == 400
    # A visitor has no part in the force's response.
    assert two.n.visitors[0].post(f"/api/v1/issues/{iid}/response/", {"force_response": "x"},
                                  format="json").status_code == 403
    r = c.post(f"/api/v1/issues/{iid}/response/", {"force_response": "New food supplier"}, format="json")
    assert r.status_code == 200
    assert two.n.manager.get(f"/api/v1/issues/{iid}/").json()["force_response"] == "New food supplier"


def test_the_schema_agrees_with_the_contract(two):
    r = two.n.manager.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    if r.status_code != 200:
        r = two.n.manager.get("/api/v1/schema/?format=json")
    assert r.status_code == 200
    schema = json.loads(r.content)
    for path in ("/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/schemes/", "/api/v1/sites/",
                 "/api/v1/users/", "/api/v1/visits/", "/api/v1/animal-visits/", "/api/v1/issue-categories/",
                 "/api/v1/coverage/", "/api/v1/recommendations/", "/api/v1/recommendations/refresh/",
                 "/api/v1/kpis/", "/api/v1/kpis/export/"):
        assert path in schema["paths"], path
    comps = schema["components"]["schemas"]
    visit_in = comps["CustodyVisitInputRequest"]["properties"]
    for field in ("client_uuid", "site", "visitors", "arrived_at", "admitted_at", "left_at", "delay_reason",
                  "detainees_present", "detainees_offered", "detainees_seen", "detainees_refused",
                  "detainees_not_offered", "detainees_unavailable", "detainees_observed", "issues", "comments",
                  "status"):
        assert field in visit_in, field
    out = comps["CustodyVisitOutput"]["properties"]
    for field in ("id", "access_delay_minutes", "access_band", "timeslot", "created_at"):
        assert field in out, field
    kpi = comps["Kpi"]["properties"]
    for field in ("scheme", "from", "to", "visits", "target", "target_pct", "access", "detainees",
                  "issues_by_category", "volunteer_hours", "volunteer_value", "animal_visits", "animal_target",
                  "sites"):
        assert field in kpi, field
    animal_in = comps["AnimalVisitInputRequest"]["properties"]
    for field in ("animals_seen", "records_checked", "kennels_observed", "vehicles_observed", "training_observed"):
        assert field in animal_in, field
