"""The rota (issue 24) as a hostile or careless client meets it: malformed availability and rota bodies,
another scheme's ids, custody staff kept out of every rota path, and two identical requests at once.
These commit for real (the plan's pairs are drawn on commit, and racing requests each need their own
connection)."""

import json
import threading
from datetime import date, timedelta

import pytest
from django.db import connections

from tests.outside.api import PASSWORD, World, login, make_root, post

AV, ROTA = "/api/v1/availability/", "/api/v1/rota/"
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
BANDS = ["00:00-07:59", "08:00-11:59", "12:00-15:59", "16:00-19:59", "20:00-23:59"]
EVERY_CELL = [{"day": d, "band": b} for d in DAYS for b in BANDS]


class Rota:
    def __init__(self):
        make_root()
        self.n = World("Northshire", "n", n_visitors=6)
        self.s = World("Southshire", "s", n_visitors=2, root=self.n.root)
        self.suite = self.n.add_site("Central")
        self.s_suite = self.s.add_site("Harbour")
        post(self.n.root, "/api/v1/users/", {"username": "nat", "password": PASSWORD, "role": "analyst",
                                             "schemes": [self.n.sid]})
        self.analyst = login("nat")
        self.next_week = (date.today() + timedelta(days=7)).isoformat()
        self.availability = [post(v, AV, {"period_from": self.next_week, "cells": EVERY_CELL, "leave": []})
                             for v in self.n.visitors[:5]]
        r = self.n.manager.post("/api/v1/recommendations/refresh/", {"site": self.suite["id"]}, format="json")
        assert r.status_code == 202, r.content
        rota = self.n.manager.get(ROTA, {"page_size": 200}).json()["results"]
        assert rota, "no visit of the plan was given a pair"
        self.visit = rota[0]
        self.pair = [v["id"] for v in self.visit["visitors"]]
        self.clients = dict(zip([self.n.vid(i) for i in range(6)], self.n.visitors, strict=True))
        self.outsider = next(i for i in range(6) if self.n.vid(i) not in self.pair)


@pytest.fixture
def rota(transactional_db, tasks_in_process):
    return Rota()


def refused(r, *fields):
    assert r.status_code == 400, (r.status_code, r.content[:400])
    body = r.json()
    assert any(f in body for f in fields), (fields, body)


def at_once(*calls):
    """Runs the calls in threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            answers[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_malformed_availability_is_refused_by_field(rota):
    v, m = rota.n.visitors[5], rota.n.manager
    ok = {"period_from": rota.next_week, "cells": EVERY_CELL[:3], "leave": []}
    for change, field in [({"cells": [{"day": "funday", "band": "08:00-11:59"}]}, "cells"),
                          ({"cells": [{"day": "monday", "band": "25:00-26:59"}]}, "cells"),
                          ({"cells": [{"day": "monday"}]}, "cells"),
                          ({"cells": None}, "cells"), ({"cells": "all"}, "cells"),
                          ({"cells": [["monday", "08:00-11:59"]]}, "cells"),
                          ({"period_from": "2025-02-30"}, "period_from"), ({"period_from": None}, "period_from"),
                          ({"period_from": 20250101}, "period_from"),
                          ({"leave": ["2025-02-30"]}, "leave"), ({"leave": "tomorrow"}, "leave"),
                          ({"leave": [rota.next_week] * 201}, "leave"),
                          ({"by_email": "sometimes"}, "by_email"),
                          ({"visitor": 99999999}, "visitor"), ({"visitor": rota.s.vid(0)}, "visitor"),
                          ({"visitor": rota.n.custody_user["id"]}, "visitor")]:
        r = m.post(AV, {**ok, "visitor": rota.n.vid(5), **change}, format="json")
        refused(r, field)
    for data in (b"not json", b"[]", b"null", b"[" * 5000 + b"]" * 5000):
        r = v.generic("POST", AV, data, content_type="application/json")
        assert r.status_code == 400 and r["Content-Type"].startswith("application/json"), (data[:8], r.status_code)
    r = v.generic("POST", AV, b"cells=all", content_type="text/plain")
    assert r.status_code == 415, r.status_code
    # a visitor gives their own availability only
    r = v.post(AV, {**ok, "visitor": rota.n.vid(0)}, format="json")
    assert r.status_code in (400, 403, 404), r.status_code
    own = m.get(AV, {"page_size": 200}).json()["results"]
    assert not [a for a in own if a["visitor"] == rota.n.vid(5)], own


def test_duplicate_cells_and_leave_are_stored_once(rota):
    v = rota.n.visitors[5]
    cell = {"day": "monday", "band": "08:00-11:59"}
    r = v.post(AV, {"period_from": rota.next_week, "cells": [cell, cell], "leave": [rota.next_week] * 2},
               format="json")
    assert r.status_code in (201, 400), (r.status_code, r.content)
    if r.status_code == 201:
        assert r.json()["cells"] == [cell] and r.json()["leave"] == [rota.next_week], r.json()


def test_another_schemes_availability_and_rota_answer_404(rota):
    visit, s = rota.visit, rota.s
    own = rota.availability[0]["id"]
    for client in (s.manager, s.visitors[0]):
        assert client.get(f"{AV}{own}/").status_code == 404
        assert client.patch(f"{AV}{own}/", {"leave": []}, format="json").status_code == 404
        assert client.get(f"{ROTA}{visit['id']}/").status_code == 404
    # the refill told the pair or the manager, never the force
    told = rota.n.custody.get("/api/v1/notifications/", {"page_size": 200})
    if told.status_code == 200:
        text = told.content.decode().lower()
        assert "rota" not in text and visit["date"] not in text and "decline" not in text, text[:300]
        for action, body in (("accept", {}), ("decline", {"reason": "away"}),
                             ("reassign", {"visitors": [s.vid(0), s.vid(1)]})):
            r = client.post(f"{ROTA}{visit['id']}/{action}/", body, format="json")
            if r.status_code == 403:
                # a role that may never do it: the same 403 for any id, so no oracle
                missing = client.post(f"{ROTA}99999999/{action}/", body, format="json")
                assert missing.status_code == 403 and action == "reassign", (action, missing.status_code)
            else:
                assert r.status_code == 404, (action, r.status_code)
        assert client.get(ROTA, {"page_size": 200}).json()["count"] == 0
    assert s.manager.get(ROTA, {"site": rota.suite["id"]}).json()["count"] == 0
    assert rota.n.manager.get(f"{ROTA}{visit['id']}/").json()["visitors"] == visit["visitors"]


def test_custody_staff_and_analysts_get_404_on_every_rota_path_and_read_nothing_of_it(rota):
    visit = rota.visit
    for client in (rota.n.custody, rota.analyst):
        for path in (ROTA, f"{ROTA}{visit['id']}/", AV, f"{AV}{rota.availability[0]['id']}/"):
            r = client.get(path)
            assert r.status_code == 404, (path, r.status_code)
        for path, body in ((f"{ROTA}{visit['id']}/accept/", {}), (f"{ROTA}{visit['id']}/decline/", {"reason": "away"}),
                           (f"{ROTA}{visit['id']}/reassign/", {"visitors": rota.pair}),
                           (f"{ROTA}99999999/accept/", {}),
                           (AV, {"period_from": rota.next_week, "cells": EVERY_CELL})):
            r = client.post(path, body, format="json")
            assert r.status_code == 404, (path, r.status_code)
    c = rota.n.custody
    for path in ("/api/v1/users/me/", "/api/v1/notifications/", "/api/v1/sites/", "/api/v1/meetings/",
                 "/api/v1/issues/", f"/api/v1/sites/{rota.suite['id']}/"):
        r = c.get(path)
        if r.status_code == 200:
            text = r.content.decode().lower()
            assert "rota" not in text and "assignment" not in text and visit["band"] not in text, (path, text[:300])


def test_visitors_outside_the_pair_see_nothing_of_it(rota):
    other = rota.clients[rota.n.vid(rota.outsider)]
    visit = rota.visit
    assert other.get(f"{ROTA}{visit['id']}/").status_code == 404
    assert other.post(f"{ROTA}{visit['id']}/accept/", {}, format="json").status_code == 404
    assert other.post(f"{ROTA}{visit['id']}/decline/", {"reason": "away"}, format="json").status_code == 404
    assert visit["id"] not in {v["id"] for v in other.get(ROTA, {"page_size": 200}).json()["results"]}
    r = other.post(f"{ROTA}{visit['id']}/reassign/", {"visitors": [rota.n.vid(rota.outsider), rota.pair[0]]},
                   format="json")
    assert r.status_code in (403, 404)


def test_malformed_rota_requests_are_refused_by_field(rota):
    m, visit = rota.n.manager, rota.visit
    path = f"{ROTA}{visit['id']}/reassign/"
    a, b = rota.n.vid(0), rota.n.vid(1)
    for body in ({"visitors": [a]}, {"visitors": [a, a]}, {"visitors": [a, b, rota.n.vid(2)]},
                 {"visitors": [99999999, a]}, {"visitors": [rota.s.vid(0), a]},
                 {"visitors": [rota.n.custody_user["id"], a]}, {"visitors": ["x", "y"]}, {"visitors": None},
                 {"visitors": []}, {}):
        refused(m.post(path, body, format="json"), "visitors")
    assert [v["id"] for v in m.get(f"{ROTA}{visit['id']}/").json()["visitors"]] == rota.pair
    mine = rota.clients[rota.pair[0]]
    for body in ({"reason": "bored"}, {"reason": None}, {}, {"reason": "x" * 10000}, {"reason": ["away"]}):
        refused(mine.post(f"{ROTA}{visit['id']}/decline/", body, format="json"), "reason")
    for data in (b"not json", b"[]", b"null"):
        r = mine.generic("POST", f"{ROTA}{visit['id']}/decline/", data, content_type="application/json")
        assert r.status_code == 400 and r["Content-Type"].startswith("application/json"), (data, r.status_code)
    for params in ({"week": "2025-02-30"}, {"week": "soon"}, {"site": "abc"}, {"state": "bogus"},
                   {"visitor": "me"}, {"week": "0001-01-01"}):
        r = m.get(ROTA, params)
        assert r.status_code in (200, 400) and r["Content-Type"].startswith("application/json"), (params, r.status_code)
        if r.status_code == 400:
            assert set(params) & set(r.json()), (params, r.json())
    for params in ({"week": "2025-02-30"}, {"state": "bogus"}, {"site": "abc"}):
        assert m.get(ROTA, params).status_code == 400, params
    assert m.get(f"{ROTA}{visit['id']}/").json()["state"] == "proposed"


def test_accepting_twice_at_once_is_one_acceptance(rota):
    visit = rota.visit
    client = rota.clients[rota.pair[0]]
    answers = at_once(*[lambda: client.post(f"{ROTA}{visit['id']}/accept/", {}, format="json")] * 2)
    assert all(r.status_code < 500 for r in answers), [(r.status_code, r.content[:200]) for r in answers]
    assert 200 in {r.status_code for r in answers}
    now = rota.n.manager.get(f"{ROTA}{visit['id']}/").json()
    seats = {s["id"]: s["accepted"] for s in now["visitors"]}
    assert seats == {rota.pair[0]: True, rota.pair[1]: False} and now["state"] == "proposed", now
    # the second visitor's acceptance makes it accepted; accepting again changes nothing
    partner = rota.clients[rota.pair[1]]
    assert partner.post(f"{ROTA}{visit['id']}/accept/", {}, format="json").status_code == 200
    again = partner.post(f"{ROTA}{visit['id']}/accept/", {}, format="json")
    assert again.status_code in (200, 400), again.status_code
    assert rota.n.manager.get(f"{ROTA}{visit['id']}/").json()["state"] == "accepted"


def test_declining_twice_at_once_leaves_the_visit_once(rota):
    visit = rota.visit
    leaver = rota.pair[0]
    client = rota.clients[leaver]
    answers = at_once(*[lambda: client.post(f"{ROTA}{visit['id']}/decline/", {"reason": "unwell"},
                                            format="json")] * 2)
    assert all(r.status_code < 500 for r in answers), [(r.status_code, r.content[:200]) for r in answers]
    assert sorted(r.status_code for r in answers)[0] == 200, [r.status_code for r in answers]
    now = rota.n.manager.get(f"{ROTA}{visit['id']}/").json()
    ids = [s["id"] for s in now["visitors"]]
    assert leaver not in ids and rota.pair[1] in ids and len(ids) == len(set(ids)) <= 2, now
    # one replacement at most, drawn once: the manager's rota holds the visit once
    assert [v["id"] for v in rota.n.manager.get(ROTA, {"page_size": 200}).json()["results"]].count(visit["id"]) == 1
    assert client.get(f"{ROTA}{visit['id']}/").status_code == 404


def test_giving_availability_twice_at_once_stores_one(rota):
    v = rota.n.visitors[5]
    body = {"period_from": rota.next_week, "cells": EVERY_CELL[:4], "leave": []}
    answers = at_once(*[lambda: v.post(AV, body, format="json")] * 2)
    assert all(r.status_code < 500 for r in answers), [(r.status_code, r.content[:200]) for r in answers]
    assert sorted(r.status_code for r in answers) in ([200, 201], [201, 201], [201, 400], [201, 409]), \
        [(r.status_code, r.content[:200]) for r in answers]
    mine = [a for a in rota.n.manager.get(AV, {"page_size": 200}).json()["results"] if a["visitor"] == rota.n.vid(5)]
    assert len(mine) == 1, json.dumps(mine)[:500]
