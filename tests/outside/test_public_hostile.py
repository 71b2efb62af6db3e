"""Public statistics (issue 25) as a hostile or careless client, a journalist's script or an attacker
meets them: malformed publishing requests, open periods, another scheme's releases, small counts and
the sums and percentages that could give them away."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.test import Client

from tests.helpers import utc
from tests.outside.api import PASSWORD, World, built_once, custody_body, login, post, raw_post

REL = "/api/v1/releases/"


def today_fy() -> tuple[int, int]:
    t = date.today()
    fy = t.year if t.month >= 4 else t.year - 1
    return fy, ((t.month - 4) % 12) // 3 + 1


class Published:
    """Northshire's April-June 2024 with small counts: one refusal, one delayed admission, one issue, and a
    second suite visited once; published as 2024-Q1 (the financial year's first quarter)."""

    def __init__(self):
        self.n = World("Northshire", "n", n_visitors=2)
        self.s = World("Southshire", "s", n_visitors=2, root=self.n.root)
        central, east = self.n.add_site("Central"), self.n.add_site("Eastgate")
        pair = [self.n.vid(0), self.n.vid(1)]
        v = self.n.visitors[0]
        post(v, "/api/v1/visits/", custody_body(central["id"], pair, utc(2024, 4, 9, 10, 0),
                                                counts={"seen": 1, "refused": 1}, delay_min=10,
                                                delay_authorised_by_rank="inspector",
                                                issues=[{"category": "hygiene", "description": "No soap",
                                                         "resolved_during_visit": False}]))
        for d in range(5):
            post(v, "/api/v1/visits/", custody_body(central["id"], pair, utc(2024, 5, 6 + d, 10, 0),
                                                    counts={"seen": 3, "not_offered": 1}))
        post(v, "/api/v1/visits/", custody_body(east["id"], pair, utc(2024, 6, 3, 14, 0), counts={"seen": 4}))
        # a visit in the open period, which nothing public may ever show
        self.today = date.today()
        post(v, "/api/v1/visits/", custody_body(central["id"], pair, utc(self.today.year, self.today.month,
                                                                          1, 10, 0), counts={"seen": 7}))
        self.release = post(self.n.manager, REL, {"period": "2024-Q1"})
        self.s_release = post(self.s.manager, REL, {"period": "2024-Q1"})
        post(self.n.root, "/api/v1/users/", {"username": "nat", "password": PASSWORD, "role": "analyst",
                                             "schemes": [self.n.sid, self.s.sid]})
        self.analyst = login("nat")
        self.base = self.release["public_url"].split("/releases/")[0]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, Published)


@pytest.fixture
def pub(built, db):
    return built


def refused(r, *fields):
    assert r.status_code == 400, (r.status_code, r.content[:400])
    assert any(f in r.json() for f in fields), (fields, r.json())


def test_publishing_refuses_malformed_and_open_periods_by_field(pub):
    m = pub.n.manager
    fy, q = today_fy()
    for body in ({"period": "2024-Q5"}, {"period": "2024-Q0"}, {"period": True}, {"period": None}, {},
                 {"period": "1999"}, {"period": "x" * 10000}, {"period": ["2024-Q1"]},
                 {"period": f"{fy}"}, {"period": f"{fy}-Q{q}"}, {"period": f"{fy + 1}"}, {"period": "2099-Q4"}):
        refused(m.post(REL, body, format="json"), "period")
    refused(m.post(REL, {"period": "2024-Q1", "note": "x" * 6000}, format="json"), "note")
    for data in (b"not json", b"[]", b"null", b"[" * 5000 + b"]" * 5000):
        r = raw_post(m, REL, data)
        assert r.status_code == 400 and r["Content-Type"].startswith("application/json"), (data[:8], r.status_code)
    assert raw_post(m, REL, b"period=2024-Q2", content_type="text/plain").status_code == 415
    # a correction needs its note; nothing new was stored by any of it
    refused(m.post(REL, {"period": "2024-Q1"}, format="json"), "note", "period", "non_field_errors")
    assert m.get(REL).json()["count"] == 1


def test_only_a_manager_publishes_and_only_their_own_scheme(pub):
    for client in (pub.n.visitors[0], pub.n.custody, pub.analyst):
        r = client.post(REL, {"period": "2024-Q2"}, format="json")
        assert r.status_code in (403, 404), r.status_code
    r = pub.s.manager.post(REL, {"period": "2024-Q2", "scheme": pub.n.sid}, format="json")
    assert r.status_code in (201, 400, 404), r.status_code
    if r.status_code == 201:  # the named scheme is ignored: a manager publishes their own
        assert r.json()["scheme"] == pub.s.sid
    assert pub.n.manager.get(REL).json()["count"] == 1
    assert pub.s.manager.get(f"{REL}{pub.release['id']}/").status_code == 404
    assert pub.release["id"] not in {x["id"] for x in pub.s.manager.get(REL).json()["results"]}


def test_public_files_of_another_scheme_or_no_release_answer_404(pub):
    anon = Client()
    s_id = pub.s_release["id"]
    for path in (f"{pub.base}/releases/{s_id}/", f"{pub.base}/releases/{s_id}.csv", f"{pub.base}/releases/{s_id}.json",
                 f"{pub.base}/releases/99999999.csv", f"{pub.base}/releases/99999999.json",
                 "/public/no-such-scheme/", "/public/no-such-scheme/releases.json", "/public/no-such-scheme/feed.atom",
                 f"{pub.base}/releases/abc.csv", f"{pub.base}/releases/-1.json"):
        r = anon.get(path)
        assert r.status_code == 404, (path, r.status_code)
        assert b"Southshire" not in r.content or "no-such" in path


def figures_of(pub):
    r = Client().get(f"{pub.base}/releases/{pub.release['id']}.json")
    assert r.status_code == 200
    body = r.json()
    return body, {(f["measure"], f["item"]): f for f in body["figures"]}


def test_small_counts_are_fewer_than_3_on_every_public_form(pub):
    body, figs = figures_of(pub)
    small = [f for f in figs.values() if f["status"] == "small"]
    assert small, figs
    assert all(f["value"] is None for f in figs.values() if f["status"] != "shown")
    assert figs[("detainees_refused", "")]["status"] == "small"
    assert figs[("issues_raised", "hygiene")]["status"] == "small"
    rows = list(csv.DictReader(io.StringIO(Client().get(f"{pub.base}/releases/{pub.release['id']}.csv")
                                           .content.decode())))
    for row in rows:
        if row["status"] != "shown":
            assert row["value"] in ("", None), row
    page = Client().get(f"{pub.base}/").content.decode()
    assert "fewer than 3" in page.lower()


def recover(figs):
    """What a careful reader works out from the shown figures: sums that hold for every release and
    percentages of shown bases."""
    known = {k: f["value"] for k, f in figs.items() if f["status"] == "shown"}

    def items(measure):
        return [k for k in figs if k[0] == measure and k[1] != ""]

    sums = [(("detainees_offered", ""), [("detainees_seen", ""), ("detainees_refused", "")]),
            (("detainees_present", ""), [("detainees_offered", ""), ("detainees_not_offered", ""),
                                         ("detainees_unavailable", ""), ("detainees_observed", "")]),
            (("visits_made", ""), items("visits_made")),
            (("issues_raised", ""), items("issues_raised")),
            (("visits_made", ""), [("visits_by_outcome", "completed"), ("visits_by_outcome", "remote"),
                                   ("visits_by_outcome", "abandoned")])]
    pcts = [(("detainees_seen_pct_of_offered", ""), ("detainees_seen", ""), ("detainees_offered", "")),
            (("detainees_refused_pct_of_offered", ""), ("detainees_refused", ""), ("detainees_offered", "")),
            (("detainees_offered_pct_of_present", ""), ("detainees_offered", ""), ("detainees_present", "")),
            (("access_immediate_pct", ""), ("access_immediate", ""), ("visits_made", ""))]
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            terms = [total, *parts]
            if not all(t in figs for t in terms):
                continue
            unknown = [t for t in terms if t not in known]
            if len(unknown) == 1:
                u = unknown[0]
                rest = sum(known[p] for p in parts if p in known)
                known[u] = rest if u == total else known[total] - rest
                changed = True
        for pct, part, base in pcts:
            if pct in known and base in known and part not in known and part in figs:
                known[part] = round(known[pct] * known[base] / 100)
                changed = True
    return known


def test_hidden_counts_cannot_be_worked_out(pub):
    _, figs = figures_of(pub)
    known = recover(figs)
    leaked = {k: known[k] for k, f in figs.items() if f["status"] == "small" and k in known}
    assert not leaked, leaked


def test_nothing_of_the_open_period_is_public(pub):
    anon = Client()
    index = anon.get(f"{pub.base}/releases.json")
    assert index.status_code == 200
    fy, _ = today_fy()
    open_from = date(fy, 4, 1).isoformat()

    def period_ends(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("to", "date_to", "from", "date_from"):
                    yield value
                yield from period_ends(value)
        elif isinstance(node, list):
            for value in node:
                yield from period_ends(value)

    ends = list(period_ends(index.json()))
    assert ends and all(e < open_from for e in ends), ends
    feed = anon.get(f"{pub.base}/feed.atom")
    assert feed.status_code == 200
    root = ET.fromstring(feed.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    assert f"{fy}/{str(fy + 1)[2:]}" not in feed.content.decode()
    page = anon.get(f"{pub.base}/").content.decode()
    assert f"{fy}/{str(fy + 1)[2:]}" not in page or "next release" in page.lower()
    for q in (f"?period={fy}-Q1", f"?fy={fy}", f"?from={open_from}&to=2099-01-01"):
        r = anon.get(f"{pub.base}/{q}")
        assert r.status_code in (200, 404), (q, r.status_code)
        assert f"{fy}/{str(fy + 1)[2:]} Q" not in r.content.decode(), q
    # the API's answers hold only the published period
    assert {x["period"] for x in pub.n.manager.get(REL).json()["results"]} == {"2024-Q1"}


def test_conditional_gets_cost_nothing(pub):
    anon = Client()
    for path in (f"{pub.base}/", f"{pub.base}/releases/{pub.release['id']}.csv", f"{pub.base}/releases.json"):
        first = anon.get(path)
        assert first.status_code == 200 and first.get("ETag"), path
        assert anon.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, path
        assert not first.cookies, path
