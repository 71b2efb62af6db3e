"""Check 3: hostile and careless clients, through the API only."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import utc
from tests.openapi import CheckedClient
from tests.outside.api import (
    PASSWORD,
    animal_body,
    count,
    custody_body,
    login,
    post,
    raw_post,
)

V = "/api/v1/visits/"
AV = "/api/v1/animal-visits/"


def n_body(two, arrived=None, **kw):
    return custody_body(two.n_suite["id"], [two.n.vid(0), two.n.vid(1)], arrived or utc(2024, 1, 9, 14, 0), **kw)


def stored(two):
    """Reports of Northshire as its manager sees them (all statuses)."""
    return count(two.n.manager, V) + count(two.n.manager, AV) + count(two.n.visitors[0], V, status="draft")


def assert_refused(two, response, *fields, before=None):
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = response.json()
    assert isinstance(body, dict)
    if fields:
        assert any(f in body for f in fields), (fields, body)
    if before is not None:
        assert stored(two) == before


# --- authentication and roles -------------------------------------------------------------------

ENDPOINTS_GET = ["/api/v1/schemes/", "/api/v1/sites/", "/api/v1/users/", V, AV, "/api/v1/issue-categories/",
                 "/api/v1/issues/", "/api/v1/kpis/", "/api/v1/kpis/export/?fy=2023&format=json",
                 "/api/v1/coverage/?site=1", "/api/v1/recommendations/?site=1", "/api/v1/users/me/"]


def test_anonymous_gets_401_everywhere(two):
    anon = CheckedClient()
    for path in ENDPOINTS_GET:
        assert anon.get(path).status_code == 401, path
    for path in ["/api/v1/schemes/", "/api/v1/sites/", "/api/v1/users/", V, AV, "/api/v1/recommendations/refresh/"]:
        assert anon.post(path, {}, format="json").status_code == 401, path
    bad = CheckedClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert bad.get(V).status_code == 401


def test_sign_in_and_refresh(two):
    anon = CheckedClient()
    r = anon.post("/api/v1/auth/token/", {"username": "n-visitor0", "password": "wrong"}, format="json")
    assert r.status_code == 401
    r = anon.post("/api/v1/auth/token/", {"username": "n-visitor0", "password": PASSWORD}, format="json")
    refresh = r.json()["refresh"]
    r = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert r.status_code == 200 and "access" in r.json()


def test_only_a_superuser_creates_schemes(two):
    for client in (two.n.manager, two.n.visitors[0], two.n.custody):
        r = client.post("/api/v1/schemes/", {"name": "Rogue"}, format="json")
        assert r.status_code == 403, r.status_code
    # defaults of a new scheme
    s = post(two.n.root, "/api/v1/schemes/", {"name": "Defaults"})
    assert s["timezone"] == "Europe/London" and s["weekly_target"] == 1
    assert float(s["hourly_rate"]) == 0


def test_wrong_roles_on_set_up_endpoints(two):
    site = {"scheme": two.n.sid, "name": "Rogue suite", "kind": "custody_suite", "cells": 3, "active": True}
    user = {"scheme": two.n.sid, "username": "rogue", "password": PASSWORD, "role": "manager"}
    for client in (two.n.visitors[0], two.n.custody):
        assert client.post("/api/v1/sites/", site, format="json").status_code == 403
        assert client.post("/api/v1/users/", user, format="json").status_code == 403
        assert client.post("/api/v1/issue-categories/", {"slug": "x", "name": "X"}, format="json").status_code == 403
        assert client.patch(f"/api/v1/schemes/{two.n.sid}/", {"weekly_target": 9}, format="json").status_code == 403
        assert client.patch(f"/api/v1/sites/{two.n_suite['id']}/", {"active": False}, format="json").status_code == 403
    assert count(two.n.manager, "/api/v1/sites/") == 2
    # a visitor cannot promote themself
    me = two.n.visitor_users[0]["id"]
    r = two.n.visitors[0].patch(f"/api/v1/users/{me}/", {"role": "manager"}, format="json")
    assert r.status_code == 404
    assert two.n.manager.get(f"/api/v1/users/{me}/").json()["role"] == "visitor"


def test_custody_staff_submit_nothing_and_never_see_coverage_or_recommendations(two):
    c = two.n.custody
    assert c.post(V, n_body(two), format="json").status_code == 403
    assert c.post(AV, animal_body(two.n_dogs["id"], [two.n.vid(0), two.n.vid(1)], utc(2024, 1, 9, 10, 0)),
                  format="json").status_code == 403
    for site in (two.n_suite["id"], two.n_dogs["id"]):
        assert c.get("/api/v1/coverage/", {"site": site}).status_code == 404
        assert c.get("/api/v1/recommendations/", {"site": site}).status_code == 404
        assert c.post("/api/v1/recommendations/refresh/", {"site": site}, format="json").status_code == 404
    assert c.get("/api/v1/coverage/heatmap.svg", {"site": two.n_suite["id"]}).status_code == 404


def test_visitors_get_no_kpis_and_cannot_refresh_recommendations(two):
    v = two.n.visitors[0]
    assert v.post("/api/v1/recommendations/refresh/", {"site": two.n_suite["id"]}, format="json").status_code == 403
    assert v.get("/api/v1/kpis/").status_code == 403
    assert v.get("/api/v1/kpis/export/?fy=2023&format=json").status_code == 403


# --- another scheme's objects: 404, never 403, never data ---------------------------------------

def test_another_schemes_objects_answer_404(two):
    south = two.s.manager
    n = two.n
    paths = [f"{V}{two.n_visit['id']}/", f"{AV}{two.n_animal['id']}/", f"/api/v1/sites/{two.n_suite['id']}/",
             f"/api/v1/users/{n.visitor_users[0]['id']}/", f"/api/v1/schemes/{n.sid}/",
             f"/api/v1/issues/{two.n_visit['issues'][0]['id']}/"]
    for client in (south, two.s.visitors[0], two.s.custody):
        for path in paths:
            r = client.get(path)
            if r.status_code == 403:
                # a role that may not use the endpoint at all: the same 403 for any id, so no oracle
                missing = client.get(path.rsplit("/", 2)[0] + "/99999999/")
                assert missing.status_code == 403, path
                assert client.get(path.rsplit("/", 2)[0] + "/").status_code == 403, path
            else:
                assert r.status_code == 404, (path, r.status_code)
            assert b"Northshire" not in r.content and b"Cold food" not in r.content
    for path in paths[:5]:
        r = south.patch(path, {"comments": "x", "name": "x", "active": False}, format="json")
        assert r.status_code == 404, (path, r.status_code)
    r = south.post(f"/api/v1/issues/{two.n_visit['issues'][0]['id']}/response/",
                   {"force_response": "Sorted"}, format="json")
    assert r.status_code == 404
    site = two.n_suite["id"]
    assert south.get("/api/v1/coverage/", {"site": site}).status_code == 404
    assert south.get("/api/v1/recommendations/", {"site": site}).status_code == 404
    assert south.post("/api/v1/recommendations/refresh/", {"site": site}, format="json").status_code == 404
    assert south.get("/api/v1/kpis/", {"scheme": n.sid}).status_code == 404
    # lists never show the other scheme
    for path in (V, "/api/v1/sites/", "/api/v1/users/", "/api/v1/issues/"):
        body = south.get(path, {"page_size": 200}).json()
        assert b"Northshire" not in json.dumps(body).encode() and "Cold food" not in json.dumps(body), path
    ids = {v["id"] for v in south.get(V).json()["results"]}
    assert two.n_visit["id"] not in ids
    # a filter naming the other scheme's site shows nothing (or is refused), never its visits
    r = south.get(V, {"site": site})
    assert r.status_code == 200
    assert r.json()["count"] == 0


def test_reports_cannot_name_another_schemes_site_or_people(two):
    before = stored(two)
    sv = [two.s.vid(0), two.s.vid(1)]
    r = two.s.visitors[0].post(V, custody_body(two.n_suite["id"], sv, utc(2024, 1, 9, 14, 0)), format="json")
    assert r.status_code == 400, r.status_code
    r = two.n.visitors[0].post(V, custody_body(two.n_suite["id"], [two.n.vid(0), two.s.vid(0)],
                                               utc(2024, 1, 9, 14, 0)), format="json")
    assert r.status_code == 400, r.status_code
    r = two.s.manager.post("/api/v1/sites/", {"scheme": two.n.sid, "name": "Planted", "kind": "custody_suite",
                                              "cells": 1, "active": True}, format="json")
    assert r.status_code == 400, r.status_code
    r = two.s.manager.post("/api/v1/users/", {"scheme": two.n.sid, "username": "planted", "password": PASSWORD,
                                              "role": "visitor"}, format="json")
    assert r.status_code == 400, r.status_code
    assert stored(two) == before
    assert count(two.n.manager, "/api/v1/sites/") == 2
    assert count(two.n.manager, "/api/v1/users/", username="planted") == 0 or not any(
        u["username"] == "planted" for u in two.n.manager.get("/api/v1/users/", {"page_size": 200}).json()["results"])


# --- idempotency ----------------------------------------------------------------------------------

def test_idempotent_retry_and_conflict(two):
    body = n_body(two, counts={"seen": 1}, issues=[{"category": "hygiene", "description": "Soap",
                                                     "resolved_during_visit": False}])
    first = two.n.visitors[0].post(V, body, format="json")
    assert first.status_code == 201
    before = stored(two)
    again = two.n.visitors[0].post(V, body, format="json")
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert stored(two) == before
    changed = dict(body, comments="Changed my mind")
    r = two.n.visitors[0].post(V, changed, format="json")
    assert r.status_code == 409, r.content
    changed = dict(body, detainees_seen=0, detainees_offered=0, detainees_present=0)
    assert two.n.visitors[0].post(V, changed, format="json").status_code == 409
    assert stored(two) == before
    # the stored report is the first one
    got = two.n.visitors[0].get(f"{V}{first.json()['id']}/").json()
    assert got["comments"] == "" and got["detainees_seen"] == 1


def test_idempotent_animal_visit(two):
    body = animal_body(two.n_dogs["id"], [two.n.vid(0), two.n.vid(1)], utc(2024, 1, 9, 10, 0))
    first = two.n.visitors[0].post(AV, body, format="json")
    assert first.status_code == 201
    again = two.n.visitors[0].post(AV, body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert two.n.visitors[0].post(AV, dict(body, animals_seen=9), format="json").status_code == 409


def test_client_uuid_of_another_scheme_leaks_nothing(two):
    """The contract does not say whether client_uuid is unique per scheme or globally; either a 409 or
    a new report is fine, as long as nothing of Northshire's report comes back or changes."""
    body = custody_body(two.s_suite["id"], [two.s.vid(0), two.s.vid(1)], utc(2024, 1, 9, 14, 0))
    body["client_uuid"] = two.n_visit["client_uuid"]
    r = two.s.visitors[0].post(V, body, format="json")
    assert r.status_code == 201, r.status_code
    assert b"Cold food" not in r.content
    if r.status_code == 201:
        assert r.json()["id"] != two.n_visit["id"] and r.json()["site"] == two.s_suite["id"]
    got = two.n.manager.get(f"{V}{two.n_visit['id']}/").json()
    assert got["site"] == two.n_suite["id"] and got["issues"][0]["description"] == "Cold food"
    # within a scheme, another sender's retry of the same report is the same report
    assert two.n.visitors[1].post(V, n_body(two, client_uuid=two.n_visit["client_uuid"]),
                                  format="json").status_code == 409


# --- malformed bodies -------------------------------------------------------------------------

MALFORMED = {
    "list": b"[]",
    "list of object": b'[{"site": 1}]',
    "string": b'"visit"',
    "number": b"42",
    "null": b"null",
    "empty": b"",
    "truncated": b'{"site": 1,',
    "deep list": b"[" * 100000 + b"]" * 100000,
    "deep object": b'{"a":' * 50000 + b"1" + b"}" * 50000,
    "invalid utf-8": b'{"comments": "\xff\xfe\xfa", "site": 1}',
    "NaN": b'{"detainees_present": NaN, "site": 1}',
    "Infinity": b'{"detainees_present": Infinity}',
    "lone surrogate": b'{"comments": "\\ud800"}',
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_bodies_are_400(two, name):
    before = stored(two)
    for path in (V, AV):
        r = raw_post(two.n.visitors[0], path, MALFORMED[name])
        assert r.status_code == 400, (path, name, r.status_code, r.content[:200])
        assert isinstance(r.json(), dict)
    assert stored(two) == before


def test_nan_and_lone_surrogate_inside_a_valid_report(two):
    before = stored(two)
    body = n_body(two)
    text = json.dumps(body)
    r = raw_post(two.n.visitors[0], V, text.replace('"detainees_present": 0', '"detainees_present": NaN').encode())
    assert_refused(two, r, before=before)  # a JSON parse error: no field to name
    body["comments"] = "\ud800"
    r = raw_post(two.n.visitors[0], V, json.dumps(body).encode())  # json.dumps escapes it as \ud800
    assert_refused(two, r, "comments", before=before)


def test_a_form_encoded_or_xml_body_is_refused_cleanly(two):
    r = two.n.visitors[0].generic("POST", V, "site=1&visitors=2", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415
    r = two.n.visitors[0].generic("POST", V, "<visit/>", content_type="application/xml")
    assert r.status_code == 415


# --- input rules --------------------------------------------------------------------------------

def test_naive_times_are_refused(two):
    before = stored(two)
    for field in ("arrived_at", "admitted_at", "left_at"):
        body = n_body(two)
        body[field] = body[field].replace("+00:00", "")
        assert not body[field].endswith("Z")
        assert_refused(two, two.n.visitors[0].post(V, body, format="json"), field, before=before)
    body = animal_body(two.n_dogs["id"], [two.n.vid(0), two.n.vid(1)], utc(2024, 1, 9, 10, 0))
    body["arrived_at"] = "2024-01-09T10:00:00"
    assert_refused(two, two.n.visitors[0].post(AV, body, format="json"), "arrived_at", before=before)


def test_future_times(two):
    before = stored(two)
    now = datetime.now(UTC)
    body = n_body(two, arrived=now + timedelta(minutes=10), stay_min=5)
    assert_refused(two, two.n.visitors[0].post(V, body, format="json"), "arrived_at", "left_at",
                   "admitted_at", before=before)
    body = n_body(two, arrived=now - timedelta(minutes=60), stay_min=66)  # left 8 minutes from now
    assert_refused(two, two.n.visitors[0].post(V, body, format="json"), "left_at", before=before)
    # within the 5 minutes of clock skew: accepted
    body = n_body(two, arrived=now - timedelta(minutes=60), delay_min=2, stay_min=59)  # left ~1 min ahead
    assert two.n.visitors[0].post(V, body, format="json").status_code == 201


def test_order_of_times_and_length_of_visit(two):
    before = stored(two)
    v = two.n.visitors[0]
    body = n_body(two)
    body["admitted_at"], body["arrived_at"] = body["arrived_at"], body["admitted_at"]  # admitted before arrival
    assert_refused(two, v.post(V, body, format="json"), "admitted_at", "arrived_at", before=before)
    body = n_body(two)
    body["left_at"] = body["arrived_at"]  # left before admission
    assert_refused(two, v.post(V, body, format="json"), "left_at", "admitted_at", before=before)
    arrived = utc(2024, 1, 9, 14, 0)
    body = n_body(two, arrived=arrived, delay_min=2, stay_min=24 * 60 - 2)  # exactly 24 hours
    assert_refused(two, v.post(V, body, format="json"), "left_at", before=before)
    body = n_body(two, arrived=arrived, delay_min=2, stay_min=3 * 24 * 60)
    assert_refused(two, v.post(V, body, format="json"), "left_at", before=before)
    body = animal_body(two.n_dogs["id"], [two.n.vid(0), two.n.vid(1)], arrived, stay_min=24 * 60)
    assert_refused(two, v.post(AV, body, format="json"), "left_at", before=before)
    body = n_body(two, arrived=arrived, delay_min=2, stay_min=24 * 60 - 3)  # 23:59: fine
    assert v.post(V, body, format="json").status_code == 201


COUNT_FIELDS = ["detainees_present", "detainees_offered", "detainees_seen", "detainees_refused",
                "detainees_not_offered", "detainees_unavailable", "detainees_observed"]


def test_counts_that_do_not_add_up(two):
    before = stored(two)
    v = two.n.visitors[0]
    body = n_body(two, counts={"seen": 3, "refused": 1, "not_offered": 2, "unavailable": 3, "observed": 3})
    body["detainees_present"] = 13  # 4 + 2 + 3 + 3 = 12
    assert_refused(two, v.post(V, body, format="json"), *COUNT_FIELDS, before=before)
    body = n_body(two, counts={"seen": 3, "refused": 1})
    body["detainees_offered"] = 5
    body["detainees_present"] = 5  # present adds up with offered, but offered != seen + refused
    assert_refused(two, v.post(V, body, format="json"), *COUNT_FIELDS, before=before)


@pytest.mark.parametrize("value", [-1, 1001, 10**30, 2.5, "three", "", None, True, [], {}])
def test_bad_count_values(two, value):
    before = stored(two)
    body = n_body(two)
    body["detainees_observed"] = value
    assert_refused(two, two.n.visitors[0].post(V, body, format="json"), "detainees_observed", before=before)


def test_huge_counts_that_add_up_are_refused(two):
    before = stored(two)
    body = n_body(two, counts={"observed": 1001})
    assert_refused(two, two.n.visitors[0].post(V, body, format="json"), "detainees_observed",
                   "detainees_present", before=before)
    body = n_body(two, counts={"observed": 1000})  # 1,000 is allowed
    assert two.n.visitors[0].post(V, body, format="json").status_code == 201


BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\r"]


@pytest.mark.parametrize("char", BIDI + CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_and_control_characters_in_text(two, char):
    before = stored(two)
    v = two.n.visitors[0]
    body = n_body(two, comments=f"All fine{char}evil")
    assert_refused(two, v.post(V, body, format="json"), "comments", before=before)
    body = n_body(two, delay_min=20, delay_reason=f"Busy{char}")
    assert_refused(two, v.post(V, body, format="json"), "delay_reason", before=before)
    body = n_body(two, issues=[{"category": "other", "description": f"x{char}y", "resolved_during_visit": False}])
    assert_refused(two, v.post(V, body, format="json"), "issues", before=before)
    body = animal_body(two.n_dogs["id"], [two.n.vid(0), two.n.vid(1)], utc(2024, 1, 9, 10, 0),
                       comments=f"dog{char}")
    assert_refused(two, v.post(AV, body, format="json"), "comments", before=before)


def test_tab_newline_and_non_latin_text_are_fine(two):
    body = n_body(two, comments="Line one\n\tLine two — ünïcödé, 中文, עברית, emoji 🐕")
    r = two.n.visitors[0].post(V, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["comments"] == body["comments"]


def test_text_length(two):
    before = stored(two)
    v = two.n.visitors[0]
    assert_refused(two, v.post(V, n_body(two, comments="x" * 5001), format="json"), "comments", before=before)
    assert_refused(two, v.post(V, n_body(two, delay_min=30, delay_reason="x" * 5001), format="json"),
                   "delay_reason", before=before)
    body = n_body(two, issues=[{"category": "other", "description": "x" * 5001, "resolved_during_visit": False}])
    assert_refused(two, v.post(V, body, format="json"), "issues", before=before)
    assert_refused(two, v.post(V, n_body(two, comments="x" * 200000), format="json"), "comments", before=before)
    assert v.post(V, n_body(two, comments="é" * 5000), format="json").status_code == 201


def test_delay_needs_a_reason_and_bands(two):
    before = stored(two)
    v = two.n.visitors[0]
    assert_refused(two, v.post(V, n_body(two, delay_min=6, delay_reason=""), format="json"), "delay_reason",
                   before=before)
    assert_refused(two, v.post(V, n_body(two, delay_min=45, delay_reason=""), format="json"), "delay_reason",
                   before=before)
    r = v.post(V, n_body(two, delay_min=6, delay_reason="Staff handover"), format="json").json()
    assert (r["access_delay_minutes"], r["access_band"]) == (6, "6-15")
    r = v.post(V, n_body(two, delay_min=5, delay_reason=""), format="json").json()
    assert (r["access_delay_minutes"], r["access_band"]) == (5, "immediate")
    r = v.post(V, n_body(two, delay_min=16, delay_reason="Suite busy"), format="json").json()
    assert r["access_band"] == "over-15"


def test_visitor_rules(two):
    before = stored(two)
    v = two.n.visitors[0]
    site = two.n_suite["id"]
    t = utc(2024, 1, 9, 14, 0)
    cases = [
        [two.n.vid(0)],                                     # alone: at least two
        [two.n.vid(0), two.n.vid(0)],                       # not distinct
        [two.n.vid(1), two.n.vid(2)],                       # the sender is not among them
        [two.n.vid(0), two.n.custody_user["id"]],           # custody staff are not visitors
        [two.n.vid(0), 999999],                             # no such user
        [],
    ]
    for visitors in cases:
        r = v.post(V, custody_body(site, visitors, t), format="json")
        assert_refused(two, r, "visitors", before=before)
    r = v.post(V, dict(custody_body(site, [two.n.vid(0), two.n.vid(1)], t), visitors="1,2"), format="json")
    assert_refused(two, r, "visitors", before=before)


def test_other_field_rules(two):
    before = stored(two)
    v = two.n.visitors[0]
    for bad in ("not-a-uuid", "", None, 12):
        assert_refused(two, v.post(V, n_body(two, client_uuid=bad), format="json"), "client_uuid", before=before)
    r = v.post(V, n_body(two, issues=[{"category": "no-such-category", "description": "x"}]), format="json")
    assert_refused(two, r, "issues", before=before)
    r = v.post(V, n_body(two, site=two.n_dogs["id"]), format="json")  # a custody report at the dog unit
    assert_refused(two, r, "site", before=before)
    r = v.post(V, n_body(two, status="approved"), format="json")
    assert_refused(two, r, "status", before=before)
    r = v.post(V, n_body(two, arrived_at="yesterday"), format="json")
    assert_refused(two, r, "arrived_at", before=before)


# --- queries --------------------------------------------------------------------------------------

INJECTIONS = ["1 OR 1=1", "1'; DROP TABLE visits_custodyvisit;--", "' OR '1'='1", "1)--", "%00", "\x00",
              "1e999", "-1", "99999999999999999999999999", "[]", "{}", "../../etc/passwd", "1 UNION SELECT 1"]


def injection_answer(path: str, key: str, value: str) -> int:
    """A page past the end is 404, a page size too large is clamped; every other odd value,
    an id beyond the database's keys too, is a 400 naming the parameter."""
    if key == "page":
        return 404
    if key == "page_size" and value.isdigit():
        return 200
    return 400


def test_sql_injection_looking_queries_never_500(two):
    m = two.n.manager
    for value in INJECTIONS:
        for path, key in [(V, "site"), (V, "status"), (V, "visitor"), (V, "page"), (V, "page_size"),
                          (AV, "site"), ("/api/v1/users/", "role"), ("/api/v1/users/", "scheme"),
                          ("/api/v1/kpis/", "from"), ("/api/v1/kpis/", "fy"), ("/api/v1/kpis/", "quarter"),
                          ("/api/v1/kpis/", "scheme"), ("/api/v1/coverage/", "site"), ("/api/v1/coverage/", "to"),
                          ("/api/v1/recommendations/", "site"), ("/api/v1/issues/", "status"),
                          ("/api/v1/kpis/export/", "fy")]:
            r = m.get(path, {key: value})
            assert r.status_code == injection_answer(path, key, value), (path, key, value, r.status_code)
    # the data is still there
    assert count(m, V) >= 1


def test_bad_report_periods_are_400(two):
    m = two.n.manager
    for params in ({"fy": "abc"}, {"fy": 2023, "quarter": 5}, {"from": "2024-13-01", "to": "2024-12-31"},
                   {"from": "2024-03-31", "to": "2024-01-01"}, {"from": "31/03/2024", "to": "2024-04-30"}):
        r = m.get("/api/v1/kpis/", params)
        assert r.status_code == 400, (params, r.status_code)
    for params in ({}, {"site": "abc"}, {"site": two.n_suite["id"], "from": "2024-03-31", "to": "2024-01-01"}):
        r = m.get("/api/v1/coverage/", params)
        assert r.status_code == 400, (params, r.status_code)
    assert m.get("/api/v1/coverage/", {"site": 99999999}).status_code == 404


def test_page_size_is_capped_at_200(two):
    m = two.n.manager
    for i in range(195):
        post(m, "/api/v1/issue-categories/", {"slug": f"extra-{i}", "name": f"Extra {i}"})
    assert count(m, "/api/v1/issue-categories/") == 206
    r = m.get("/api/v1/issue-categories/", {"page_size": 1000})
    assert r.status_code == 200
    body = r.json()
    assert len(body["results"]) == 200 and body["next"]
    r = m.get("/api/v1/issue-categories/", {"page_size": 1000, "page": 2})
    assert len(r.json()["results"]) == 6
    assert len(m.get("/api/v1/issue-categories/", {"page_size": 7}).json()["results"]) == 7
    # Southshire still has its own 11
    assert count(two.s.manager, "/api/v1/issue-categories/") == 11


# --- drafts ---------------------------------------------------------------------------------------

def test_a_visitor_cannot_see_other_visitors_drafts(two):
    other = two.n.visitors[2]  # not on the draft
    draft_id = two.n_draft["id"]
    ids = [v["id"] for v in other.get(V, {"page_size": 200}).json()["results"]]
    assert draft_id not in ids
    assert other.get(V, {"status": "draft"}).json()["count"] == 0
    assert other.get(f"{V}{draft_id}/").status_code == 404
    assert other.patch(f"{V}{draft_id}/", {"comments": "mine now"}, format="json").status_code == 404
    # the author does see it
    assert two.n.visitors[0].get(f"{V}{draft_id}/").status_code == 200


def test_custody_staff_never_see_drafts(two):
    c = two.n.custody
    r = c.get(V, {"page_size": 200})
    assert r.status_code == 200  # custody staff read submitted reports
    assert all(v["status"] != "draft" for v in r.json()["results"])
    assert two.n_draft["id"] not in [v["id"] for v in r.json()["results"]]
    assert c.get(V, {"status": "draft"}).json()["count"] == 0
    assert c.get(f"{V}{two.n_draft['id']}/").status_code == 404


# --- issue categories -----------------------------------------------------------------------------

DEFAULT_SLUGS = {"food-and-drink", "cell-and-contents", "hygiene", "health-care", "rights-and-entitlements",
                 "clothing-and-bedding", "exercise-and-fresh-air", "reading-and-faith", "staffing-and-conduct",
                 "facilities", "other"}


def test_issue_categories_defaults_extend_and_retire(two):
    for client in (two.n.visitors[0], two.n.manager, two.s.visitors[0]):
        body = client.get("/api/v1/issue-categories/").json()
        assert set(body) >= {"count", "next", "previous", "results"}
        assert {c["slug"] for c in body["results"]} == DEFAULT_SLUGS
        assert all(c["name"] for c in body["results"])
    new = post(two.n.manager, "/api/v1/issue-categories/", {"slug": "interpreters", "name": "Interpreters"})
    assert new["slug"] == "interpreters"
    assert "interpreters" not in {c["slug"] for c in two.s.visitors[0].get("/api/v1/issue-categories/").json()["results"]}
    r = two.n.visitors[0].post(V, n_body(two, issues=[{"category": "interpreters", "description": "None came"}]),
                               format="json")
    assert r.status_code == 201 and r.json()["issues"][0]["category"] == "interpreters"
    # Southshire cannot use Northshire's new category
    r = two.s.visitors[0].post(V, custody_body(two.s_suite["id"], [two.s.vid(0), two.s.vid(1)], utc(2024, 1, 9, 9, 0),
                                               issues=[{"category": "interpreters", "description": "x"}]), format="json")
    assert r.status_code == 400
    # retire it: no new issues
    assert two.n.manager.patch(f"/api/v1/issue-categories/{new['id']}/", {"active": False},
                               format="json").status_code == 200
    r = two.n.visitors[0].post(V, n_body(two, issues=[{"category": "interpreters", "description": "Again"}]),
                               format="json")
    assert r.status_code == 400 and "issues" in r.json()
    # the other scheme's manager cannot touch it
    assert two.s.manager.patch(f"/api/v1/issue-categories/{new['id']}/", {"active": True},
                               format="json").status_code == 404


# --- timeslots in answers -------------------------------------------------------------------------

@pytest.mark.parametrize("arrived, day, band", [
    ("2023-07-14T23:30:00+00:00", "saturday", "00:00-07:59"),   # 00:30 BST on Saturday
    ("2023-07-15T00:30:00+01:00", "saturday", "00:00-07:59"),   # the same instant, other offset
    ("2023-07-14T19:00:00+00:00", "friday", "20:00-23:59"),     # 20:00 BST
    ("2024-01-12T19:00:00+00:00", "friday", "16:00-19:59"),     # 19:00 GMT
    ("2023-10-29T00:59:00+00:00", "sunday", "00:00-07:59"),     # 01:59 BST, the night clocks go back
    ("2024-03-31T00:59:00+00:00", "sunday", "00:00-07:59"),     # 00:59 GMT, the night clocks go forward
    ("2024-03-31T07:00:00+00:00", "sunday", "08:00-11:59"),     # 08:00 BST
    ("2023-06-05T10:59:00-05:00", "monday", "16:00-19:59"),     # 15:59 UTC = 16:59 BST
])
def test_timeslot_in_post_answers(two, arrived, day, band):
    t = datetime.fromisoformat(arrived)
    r = two.n.visitors[0].post(V, n_body(two, arrived=t), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["timeslot"] == {"day": day, "band": band}


@pytest.mark.parametrize("arrived, day, band", [
    ("2023-07-15T06:00:00+00:00", "weekend", "07:00-12:59"),    # 07:00 BST Saturday
    ("2023-07-16T05:59:00+00:00", "weekend", "outside"),         # 06:59 BST Sunday
    ("2024-01-15T12:59:00+00:00", "monday", "07:00-12:59"),
    ("2024-01-15T13:00:00+00:00", "monday", "outside"),
    ("2023-08-04T18:59:00+00:00", "friday", "15:00-19:59"),      # 19:59 BST
    ("2023-08-04T19:00:00+00:00", "friday", "outside"),          # 20:00 BST
])
def test_animal_timeslot_in_post_answers(two, arrived, day, band):
    t = datetime.fromisoformat(arrived)
    body = animal_body(two.n_dogs["id"], [two.n.vid(0), two.n.vid(1)], t)
    r = two.n.visitors[0].post(AV, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["timeslot"] == {"day": day, "band": band}


def test_every_create_answers_201_with_the_stored_object(two):
    s = post(two.n.root, "/api/v1/schemes/", {"name": "Eastshire", "hourly_rate": "12.50", "weekly_target": 2})
    assert s["id"] and s["name"] == "Eastshire" and s["weekly_target"] == 2
    got = two.n.root.get(f"/api/v1/schemes/{s['id']}/").json()
    assert got["name"] == "Eastshire" and float(got["hourly_rate"]) == 12.5
    site = post(two.n.manager, "/api/v1/sites/", {"scheme": two.n.sid, "name": "North Point",
                                                  "kind": "custody_suite", "cells": 14, "active": True})
    assert site["id"] and site["cells"] == 14 and site["kind"] == "custody_suite"
    u = post(two.n.manager, "/api/v1/users/", {"scheme": two.n.sid, "username": "newbie", "password": PASSWORD,
                                               "role": "visitor", "first_name": "New", "last_name": "Bie",
                                               "email": "newbie@example.org"})
    assert u["id"] and u["role"] == "visitor" and "password" not in u
    login("newbie")


def test_schema_is_published(two):
    r = CheckedClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
