"""Check 1 and 2: a real scheme's published year, built through the API and checked by hand."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from tests.outside.api import built_once
from tests.outside.year import (
    ANIMAL_BANDS,
    ANIMAL_DAYS,
    BANDS,
    DAYS,
    EXPECTED_ISSUES,
    QUARTERS,
    SLUGS,
    SPECIALS,
    Year,
    animal_cell,
    custody_cell,
    pct,
)

FY = (date(2023, 4, 1), date(2024, 3, 31))


@pytest.fixture(scope="module")
def built_year(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, Year)


@pytest.fixture
def year(built_year, db):
    return built_year


def kpis(client, **params):
    r = client.get("/api/v1/kpis/", params)
    assert r.status_code == 200, r.content[:500]
    return r.json()


def check_block(answer, expected, where):
    """Compare a KPI block (scheme or site) with figures worked out by hand."""
    assert answer["visits"] == expected["visits"], where
    assert answer["access"] == expected["access"], where
    for key, value in expected["detainees"].items():
        assert answer["detainees"][key] == value, (where, key)


def test_kpis_financial_year_2023(year):
    k = kpis(year.w.manager, fy=2023)
    assert k["scheme"] == year.w.sid
    assert (k["from"], k["to"]) == ("2023-04-01", "2024-03-31")
    # The contract's illustrative numbers, recreated:
    assert k["visits"] == 101
    assert k["target"] == 104  # 366 days // 7 = 52 weeks x 2 active suites x 1
    assert k["target_pct"] == 97.1
    assert k["access"] == {"immediate": 91, "6-15": 1, "over-15": 9, "immediate_pct": 90.1,
                           "delays_authorised_below_inspector": 0, "delays_without_rank": 10}
    d = k["detainees"]
    assert (d["present"], d["offered"], d["not_offered"], d["unavailable"], d["observed"], d["seen"],
            d["refused"]) == (1096, 407, 72, 222, 395, 365, 42)
    assert d["offered_pct"] == 37.1            # 407 / 1096
    assert d["not_offered_pct"] == 6.6         # 72 / 1096
    assert d["unavailable_pct"] == 20.3        # 222 / 1096
    assert d["observed_pct"] == 36.0           # 395 / 1096
    assert d["seen_pct_of_offered"] == 89.7    # 365 / 407
    assert d["refused_pct_of_offered"] == 10.3 # 42 / 407
    # every category of the scheme, drafts' and Southshire's issues not counted
    assert k["issues_by_category"] == EXPECTED_ISSUES
    # 8223 custody minutes + 12 x 90 animal minutes, x 2 visitors = 18606 min = 310.1 h
    assert year.hours(*FY) == Decimal("310.1")
    assert k["volunteer_hours"] == pytest.approx(310.1, abs=1e-9)
    assert k["volunteer_value"] == pytest.approx(5696.54, abs=1e-9)  # 310.1 x 18.37 = 5696.537
    assert k["animal_visits"] == 12
    assert k["animal_target"] == 12
    assert k["animal_target_pct"] == 100.0


def test_kpis_per_site(year):
    k = kpis(year.w.manager, fy=2023)
    sites = {s["site"]: s for s in k["sites"]}
    a, b, dogs = sites[year.ids["A"]], sites[year.ids["B"]], sites[year.dogs["id"]]
    for label, site in (("A", a), ("B", b)):
        expected = Year.figures(year.in_period(*FY, site=label))
        check_block(site, expected, label)
        assert site["kind"] == "custody_suite"
        assert site["target"] == 52, label
        assert site["target_pct"] == pct(expected["visits"], 52), label
        hours = year.hours(*FY, site=label)
        assert site["volunteer_hours"] == pytest.approx(float(hours.quantize(Decimal("0.1"))), abs=1e-9), label
        assert site["volunteer_value"] == pytest.approx(
            float((hours * Decimal("18.37")).quantize(Decimal("0.01"))), abs=1e-9), label
        by_cat = {s: 0 for s in SLUGS}
        for v in year.in_period(*FY, site=label):
            for c in v.issues:
                by_cat[c] += 1
        assert site["issues_by_category"] == by_cat, label
    assert (a["visits"], b["visits"]) == (51, 50)
    assert a["target_pct"] == 98.1 and b["target_pct"] == 96.2
    assert dogs["kind"] == "animal_unit"
    assert (dogs["animal_visits"], dogs["animal_target"]) == (12, 12)
    assert dogs["volunteer_hours"] == pytest.approx(36.0)  # 12 x 1.5 h x 2 visitors
    assert dogs["volunteer_value"] == pytest.approx(661.32)  # 36 x 18.37
    if year.site_c["id"] in sites:  # the inactive suite adds nothing to the target
        assert sites[year.site_c["id"]].get("target", 0) == 0
    # the site rows add up to the scheme
    custody = [s for s in k["sites"] if s["kind"] == "custody_suite"]
    assert sum(s["visits"] for s in custody) == k["visits"]
    assert sum(s["target"] for s in custody) == k["target"]


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_kpis_quarters_by_hand_and_by_dates(year, quarter):
    start, end = QUARTERS[quarter]
    by_fy = kpis(year.w.manager, fy=2023, quarter=quarter)
    by_dates = kpis(year.w.manager, **{"from": start.isoformat(), "to": end.isoformat()})
    assert by_fy == by_dates
    assert (by_fy["from"], by_fy["to"]) == (start.isoformat(), end.isoformat())
    expected = Year.figures(year.in_period(start, end))
    check_block(by_fy, expected, f"Q{quarter}")
    weeks = ((end - start).days + 1) // 7
    assert weeks == 13
    assert by_fy["target"] == weeks * 2
    assert by_fy["target_pct"] == pct(expected["visits"], weeks * 2)
    assert by_fy["animal_visits"] == 3 and by_fy["animal_target"] == 3
    assert by_fy["volunteer_hours"] == pytest.approx(float(year.hours(start, end)), abs=1e-9)


def test_kpis_quarter_3_boundaries(year):
    """Q3 is October-December 2023 in local dates: 23:00Z on 30 September is 1 October (BST);
    23:59Z on 31 December is still 31 December (GMT)."""
    start, end = QUARTERS[3]
    visits = year.in_period(start, end)
    assert any(v.arrived.isoformat().startswith("2023-09-30T23:00") for v in visits)
    assert any(v.arrived.isoformat().startswith("2023-12-31T23:59") for v in visits)
    assert kpis(year.w.manager, fy=2023, quarter=3)["visits"] == len(visits)
    # and the day alone: 1 October 2023 holds exactly the visit that arrived at 23:00Z the day before
    one_day = kpis(year.w.manager, **{"from": "2023-10-01", "to": "2023-10-01"})
    assert one_day["visits"] == len(year.in_period(date(2023, 10, 1), date(2023, 10, 1)))
    assert one_day["visits"] >= 1
    assert kpis(year.w.manager, **{"from": "2023-09-30", "to": "2023-09-30"})["visits"] == len(
        year.in_period(date(2023, 9, 30), date(2023, 9, 30)))


def test_visits_just_outside_the_year_fall_in_the_neighbouring_years(year):
    """23:30Z on 31 March 2024 is 00:30 on 1 April (BST): FY2024; 22:30Z on 31 March 2023 is
    23:30 BST that day: FY2022."""
    assert year.after["local_date"] == "2024-04-01"
    assert year.before["local_date"] == "2023-03-31"
    assert kpis(year.w.manager, fy=2024)["visits"] == 1
    assert kpis(year.w.manager, fy=2022)["visits"] == 1


def test_post_answers_timeslots_and_access_bands(year):
    by_arrival = {v.arrived: v for v in year.visits}
    for arrived, day, band, local_date in SPECIALS:
        answer = by_arrival[arrived].answer
        assert answer["timeslot"] == {"day": day, "band": band}, arrived
        assert answer["local_date"] == local_date, arrived
    for v in year.visits:
        assert v.answer["access_delay_minutes"] == v.delay, v.index
        assert v.answer["access_band"] == v.band, v.index
        assert v.answer["status"] == "submitted"
        assert sorted(v.answer["visitors"]) == sorted(v.body["visitors"])
        assert len(v.answer["issues"]) == len(v.issues)
    for arrived, answer in year.animal:
        day, band = animal_cell(arrived)
        assert answer["timeslot"] == {"day": ANIMAL_DAYS[day],
                                      "band": ANIMAL_BANDS[band] if band is not None else "outside"}


def expected_grid(arrivals, cell, n_days, n_bands):
    counts = [[0] * n_bands for _ in range(n_days)]
    outside = 0
    for a in arrivals:
        d, b = cell(a)
        if b is None:
            outside += 1
        else:
            counts[d][b] += 1
    return counts, outside


@pytest.mark.parametrize("label", ["A", "B"])
def test_coverage_of_a_custody_suite_over_the_year(year, label):
    site = year.ids[label]
    r = year.w.manager.get("/api/v1/coverage/", {"site": site, "from": "2023-04-01", "to": "2024-03-31"})
    assert r.status_code == 200, r.content
    c = r.json()
    assert c["site"] == site and c["grid"] == "custody-weekly"
    assert c["days"] == DAYS and c["bands"] == BANDS
    counts, _ = expected_grid([v.arrived for v in year.visits if v.site == label], custody_cell, 7, 5)
    assert c["counts"] == counts
    assert c["day_totals"] == [sum(row) for row in counts]
    assert c["band_totals"] == [sum(row[b] for row in counts) for b in range(5)]
    assert c["total"] == (51 if label == "A" else 50)
    unvisited = [{"day": DAYS[d], "band": BANDS[b]} for d in range(7) for b in range(5) if counts[d][b] == 0]
    assert unvisited  # the plan leaves gaps
    assert sorted(c["unvisited"], key=lambda x: (DAYS.index(x["day"]), BANDS.index(x["band"]))) == unvisited
    assert (c["from"], c["to"]) == ("2023-04-01", "2024-03-31")


def test_coverage_counts_local_time_cells_by_hand(year):
    """Hand-worked cells of suite A: arrivals at 23:30Z on 31 March 2023 (Sat 00:30 BST), 23:30Z on
    14 July (Sat 00:30 BST) and 23:15Z on 30 June (Sat 00:15 BST) are Saturday night, not Friday."""
    c = year.w.manager.get("/api/v1/coverage/", {"site": year.ids["A"], "from": "2023-04-01",
                                                  "to": "2024-03-31"}).json()
    a_specials = [s for i, s in enumerate(SPECIALS) if i % 2 == 0]  # even indexes went to suite A
    sat_night = sum(1 for s in a_specials if (s[1], s[2]) == ("saturday", "00:00-07:59"))
    assert sat_night == 3
    assert c["counts"][5][0] >= sat_night
    # a one-day window: 1 April 2023 only has the 23:30Z-on-31-March visit
    one = year.w.manager.get("/api/v1/coverage/", {"site": year.ids["A"], "from": "2023-04-01",
                                                    "to": "2023-04-01"}).json()
    assert one["total"] == 1 and one["counts"][5][0] == 1


def test_coverage_of_the_animal_unit(year):
    r = year.w.manager.get("/api/v1/coverage/", {"site": year.dogs["id"], "from": "2023-04-01",
                                                  "to": "2024-03-31"})
    assert r.status_code == 200, r.content
    c = r.json()
    assert c["grid"] == "animal-monthly"
    assert c["days"] == ANIMAL_DAYS and c["bands"] == ANIMAL_BANDS
    counts, outside = expected_grid([a for a, _ in year.animal], animal_cell, 6, 2)
    assert outside == 2
    assert c["counts"] == counts
    assert c["day_totals"] == [sum(r) for r in counts]
    assert c["band_totals"] == [sum(r[b] for r in counts) for b in range(2)]
    assert c["total"] == 10
    assert c.get("outside") == 2
    unvisited = [{"day": ANIMAL_DAYS[d], "band": ANIMAL_BANDS[b]} for d in range(6) for b in range(2)
                 if counts[d][b] == 0]
    assert sorted(c["unvisited"], key=lambda x: (ANIMAL_DAYS.index(x["day"]), ANIMAL_BANDS.index(x["band"]))) == unvisited


EXPORT_HEADER_START = ["scheme", "fy", "quarter", "from", "to", "visits", "target", "target_pct",
                       "visits_attempted", "visits_by_outcome_completed", "visits_by_outcome_remote",
                       "visits_by_outcome_access_refused", "visits_by_outcome_abandoned", "access_immediate"]


def export_rows_json(client, **params):
    q = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/v1/kpis/export/?{q}&format=json")
    assert r.status_code == 200, r.content[:400]
    return r.json()


def check_export_rows(year, rows, header):
    assert header[: len(EXPORT_HEADER_START)] == EXPORT_HEADER_START
    for name in ("access_6-15", "access_over-15", "access_immediate_pct", "detainees_present",
                 "detainees_offered", "detainees_not_offered", "detainees_unavailable", "detainees_observed",
                 "detainees_seen", "detainees_refused", "detainees_offered_pct", "detainees_seen_pct_of_offered",
                 "volunteer_hours", "volunteer_value", "animal_visits", "animal_target"):
        assert name in header, name
    assert len(rows) == 4  # one scheme, four quarters
    assert [int(r["quarter"]) for r in rows] == [1, 2, 3, 4]
    assert all(int(r["scheme"]) == year.w.sid and int(r["fy"]) == 2023 for r in rows)
    assert sum(int(r["visits"]) for r in rows) == 101
    assert sum(int(r["target"]) for r in rows) == 104
    assert sum(int(r["access_immediate"]) for r in rows) == 91
    assert sum(int(r["detainees_present"]) for r in rows) == 1096
    assert sum(int(r["animal_visits"]) for r in rows) == 12
    for r in rows:
        q = int(r["quarter"])
        start, end = QUARTERS[q]
        assert (str(r["from"])[:10], str(r["to"])[:10]) == (start.isoformat(), end.isoformat())
        expected = Year.figures(year.in_period(start, end))
        assert int(r["visits"]) == expected["visits"]
        assert int(r["detainees_seen"]) == expected["detainees"]["seen"]
        assert float(r["target_pct"]) == pct(expected["visits"], 26)
        assert float(r["volunteer_hours"]) == pytest.approx(float(year.hours(start, end)), abs=1e-9)


def flatten(d, prefix=""):
    out = {}
    for key, value in d.items():
        if key == "sites":
            continue
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}_"))
        else:
            out[prefix + key] = value
    return out


def test_export_json(year):
    rows = export_rows_json(year.w.manager, fy=2023)
    assert isinstance(rows, list)
    check_export_rows(year, rows, list(rows[0].keys()))
    # every column is a scheme-level KPI name, nested ones joined by '_', with the quarter's value
    for row in rows:
        answer = flatten(kpis(year.w.manager, fy=2023, quarter=row["quarter"]))
        for name, value in answer.items():
            assert name in row, name
            assert row[name] == value, (row["quarter"], name)


def test_export_csv(year):
    r = year.w.manager.get("/api/v1/kpis/export/?fy=2023&format=csv")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode() if r.streaming else r.content.decode()
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    check_export_rows(year, rows, reader.fieldnames)
    # the same file by the Accept header
    r2 = year.w.manager.get("/api/v1/kpis/export/?fy=2023", HTTP_ACCEPT="text/csv")
    assert r2.status_code == 200 and r2["Content-Type"].startswith("text/csv")


def test_export_xlsx(year):
    import openpyxl

    r = year.w.manager.get("/api/v1/kpis/export/?fy=2023&format=xlsx")
    assert r.status_code == 200, r.content[:300]
    assert "spreadsheetml" in r["Content-Type"]
    content = b"".join(r.streaming_content) if r.streaming else r.content
    ws = openpyxl.load_workbook(io.BytesIO(content))["data"]
    values = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in values[0]]
    rows = [dict(zip(header, row)) for row in values[1:] if any(x is not None for x in row)]
    check_export_rows(year, rows, header)


def test_export_one_quarter(year):
    rows = export_rows_json(year.w.manager, fy=2023, quarter=3)
    assert len(rows) == 1 and int(rows[0]["quarter"]) == 3
    assert int(rows[0]["visits"]) == kpis(year.w.manager, fy=2023, quarter=3)["visits"]


def test_analysts_read_only_the_schemes_they_are_granted(year):
    root = year.w.root
    from tests.outside.api import PASSWORD, login, post

    post(root, "/api/v1/users/", {"username": "nat", "password": PASSWORD, "role": "analyst",
                                  "schemes": [year.w.sid, year.south.sid]})
    post(root, "/api/v1/users/", {"username": "nat-south", "password": PASSWORD, "role": "analyst",
                                  "schemes": [year.south.sid]})
    nat, nat_south = login("nat"), login("nat-south")
    mine = kpis(year.w.manager, fy=2023)
    assert kpis(nat, scheme=year.w.sid, fy=2023) == mine
    assert kpis(nat, scheme=year.south.sid, fy=2023)["visits"] == 5
    r = nat_south.get("/api/v1/kpis/", {"scheme": year.w.sid, "fy": 2023})
    assert r.status_code == 404
    assert b"Northshire" not in r.content
    r = nat_south.get("/api/v1/kpis/export/", {"scheme": year.w.sid, "fy": 2023, "format": "json"})
    assert r.status_code == 404
    # the export without a scheme gives every scheme the analyst may read: 2 schemes x 4 quarters
    rows = export_rows_json(nat, fy=2023)
    assert len(rows) == 8
    assert sorted({int(r["scheme"]) for r in rows}) == sorted([year.w.sid, year.south.sid])
    assert sum(int(r["visits"]) for r in rows if int(r["scheme"]) == year.w.sid) == 101
    assert len(export_rows_json(nat_south, fy=2023)) == 4
    # read-only: an analyst sees no coverage, submits nothing
    assert nat.get("/api/v1/coverage/", {"site": year.ids["A"]}).status_code == 404
    assert nat.post("/api/v1/sites/", {"scheme": year.w.sid, "name": "X", "kind": "custody_suite"},
                    format="json").status_code == 403
    # a manager cannot create an analyst granted schemes (a superuser grants them)
    r = year.w.manager.post("/api/v1/users/", {"username": "nat2", "password": PASSWORD, "role": "analyst",
                                               "schemes": [year.w.sid, year.south.sid]}, format="json")
    assert r.status_code == 400, r.content


def test_kpis_other_scheme_and_roles(year):
    # Southshire's manager asking for Northshire's KPIs: 404, and its own figures are its own
    r = year.south.manager.get("/api/v1/kpis/", {"scheme": year.w.sid, "fy": 2023})
    assert r.status_code == 404
    south = kpis(year.south.manager, fy=2023)
    assert south["visits"] == 5 and south["scheme"] == year.south.sid
    assert south["issues_by_category"]["food-and-drink"] == 5
    # visitors and custody staff get no KPIs
    assert year.w.visitors[0].get("/api/v1/kpis/", {"fy": 2023}).status_code == 403
    assert year.w.custody.get("/api/v1/kpis/", {"fy": 2023}).status_code == 403
    assert year.w.visitors[0].get("/api/v1/kpis/export/?fy=2023&format=json").status_code == 403


def test_drafts_are_not_counted_anywhere(year):
    """Drafts exist (3 custody, 1 animal) but add nothing to KPIs or coverage."""
    drafts = year.w.manager.get("/api/v1/visits/", {"status": "draft"})
    # managers list drafts too; the visitor who wrote them does
    mine = year.w.visitors[0].get("/api/v1/visits/", {"status": "draft"}).json()
    assert mine["count"] == 3
    may_june = kpis(year.w.manager, **{"from": "2023-05-01", "to": "2023-05-31"})
    assert may_june["visits"] == len(year.in_period(date(2023, 5, 1), date(2023, 5, 31)))
    assert may_june["animal_visits"] == len(year.animal_in(date(2023, 5, 1), date(2023, 5, 31)))
    assert drafts.status_code == 200
