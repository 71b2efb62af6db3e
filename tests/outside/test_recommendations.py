"""Check 2 (second half): recommendations, queued after commit, so these tests commit for real."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import utc
from tests.outside.api import World, animal_body, custody_body, make_root, post
from tests.outside.year import (
    ANIMAL_BANDS,
    ANIMAL_DAYS,
    BANDS,
    DAYS,
    animal_cell,
    custody_cell,
)

LONDON = ZoneInfo("Europe/London")

# Arrivals in the window 1 January - 31 March 2024 (GMT until 31 March 01:00 UTC), and two just outside.
IN_WINDOW = [
    utc(2024, 1, 1, 0, 30),     # Mon 00:30 -> monday 00:00-07:59
    utc(2024, 1, 1, 9, 0),      # monday 08:00-11:59
    utc(2024, 1, 8, 9, 30),     # monday 08:00-11:59 again
    utc(2024, 2, 14, 21, 0),    # wednesday 20:00-23:59
    utc(2024, 3, 2, 13, 0),     # saturday 12:00-15:59
    utc(2024, 3, 30, 23, 30),   # Sat 23:30 GMT -> saturday 20:00-23:59
    utc(2024, 3, 31, 22, 30),   # Sun 23:30 BST -> sunday 20:00-23:59 (last day of the window)
]
OUTSIDE_WINDOW = [
    utc(2023, 12, 31, 23, 30),  # Sun 31 Dec 23:30 GMT: the day before the window
    utc(2024, 3, 31, 23, 30),   # Mon 1 April 00:30 BST: the day after
]


@pytest.fixture
def scheme(transactional_db):
    make_root()
    w = World("Northshire", "n", n_visitors=2)
    suite = w.add_site("Central")
    dogs = w.add_site("Dog unit", kind="animal_unit", cells=0)
    pair = [w.vid(0), w.vid(1)]
    for t in IN_WINDOW + OUTSIDE_WINDOW:
        post(w.visitors[0], "/api/v1/visits/", custody_body(suite["id"], pair, t))
    post(w.visitors[0], "/api/v1/visits/", custody_body(suite["id"], pair, utc(2024, 1, 2, 9, 0), status="draft"))
    for t in (utc(2024, 1, 10, 10, 0), utc(2024, 2, 17, 16, 0), utc(2024, 3, 5, 13, 30)):
        post(w.visitors[0], "/api/v1/animal-visits/", animal_body(dogs["id"], pair, t))
    south = World("Southshire", "s", n_visitors=2, root=w.root)
    return w, suite, dogs, south


def expected_counts(arrivals, cell, n_days, n_bands):
    counts = [[0] * n_bands for _ in range(n_days)]
    for a in arrivals:
        d, b = cell(a)
        if b is not None:
            counts[d][b] += 1
    return counts


def check_ranking(rec, days, bands, counts):
    cells = rec["cells"]
    assert len(cells) == len(days) * len(bands)
    assert {(c["day"], c["band"]) for c in cells} == {(d, b) for d in days for b in bands}
    for c in cells:
        assert c["visits_in_window"] == counts[days.index(c["day"])][bands.index(c["band"])], c
    ranks = [c["rank"] for c in cells]
    assert min(ranks) == 1
    worst_unvisited = max(c["rank"] for c in cells if c["visits_in_window"] == 0)
    best_visited = min(c["rank"] for c in cells if c["visits_in_window"] > 0)
    assert worst_unvisited < best_visited


@pytest.mark.django_db(transaction=True)
def test_refresh_then_ranked_cells_for_the_window_asked(scheme, tasks_in_process):
    w, suite, dogs, south = scheme
    r = w.manager.post("/api/v1/recommendations/refresh/",
                       {"site": suite["id"], "from": "2024-01-01", "to": "2024-03-31"}, format="json")
    assert r.status_code == 202, r.content
    assert (r.json()["window_from"], r.json()["window_to"]) == ("2024-01-01", "2024-03-31")
    r = w.manager.get("/api/v1/recommendations/", {"site": suite["id"]})
    assert r.status_code == 200, r.content
    rec = r.json()
    assert rec["site"] == suite["id"]
    assert (rec["window_from"], rec["window_to"]) == ("2024-01-01", "2024-03-31")
    assert rec["generated_at"]
    counts = expected_counts(IN_WINDOW, custody_cell, 7, 5)
    assert counts[0][1] == 2 and counts[5][4] == 1 and counts[6][4] == 1  # worked out by hand above
    assert sum(map(sum, counts)) == 7
    check_ranking(rec, DAYS, BANDS, counts)
    # the coverage over the same window agrees
    cov = w.manager.get("/api/v1/coverage/", {"site": suite["id"], "from": "2024-01-01", "to": "2024-03-31"}).json()
    assert cov["counts"] == counts and cov["total"] == 7
    assert len(cov["unvisited"]) == 35 - 6
    # custody staff and the other scheme: 404
    assert w.custody.get("/api/v1/recommendations/", {"site": suite["id"]}).status_code == 404
    assert w.custody.post("/api/v1/recommendations/refresh/", {"site": suite["id"]}, format="json").status_code == 404
    assert south.manager.get("/api/v1/recommendations/", {"site": suite["id"]}).status_code == 404
    assert south.manager.post("/api/v1/recommendations/refresh/", {"site": suite["id"]},
                              format="json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_refresh_for_the_animal_unit_and_the_default_window(scheme, tasks_in_process):
    w, suite, dogs, south = scheme
    r = w.manager.post("/api/v1/recommendations/refresh/",
                       {"site": dogs["id"], "from": "2024-01-01", "to": "2024-03-31"}, format="json")
    assert r.status_code == 202, r.content
    rec = w.manager.get("/api/v1/recommendations/", {"site": dogs["id"]}).json()
    counts = expected_counts([utc(2024, 1, 10, 10, 0), utc(2024, 2, 17, 16, 0), utc(2024, 3, 5, 13, 30)],
                             animal_cell, 6, 2)
    assert sum(map(sum, counts)) == 2  # 13:30 on a Tuesday is outside the grid
    check_ranking(rec, ANIMAL_DAYS, ANIMAL_BANDS, counts)
    # no window: the financial year to date, in London
    today = datetime.now(LONDON).date()
    fy_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    r = w.manager.post("/api/v1/recommendations/refresh/", {"site": suite["id"]}, format="json")
    assert r.status_code == 202
    assert r.json()["window_from"] == fy_start.isoformat()
    assert r.json()["window_to"] in (today.isoformat(), (today - timedelta(days=1)).isoformat())
    rec = w.manager.get("/api/v1/recommendations/", {"site": suite["id"]}).json()
    assert rec["window_from"] == fy_start.isoformat()
    assert all(c["visits_in_window"] == 0 for c in rec["cells"])  # nothing this year
    # bad windows
    for body in ({"site": suite["id"], "from": "2024-03-31", "to": "2024-01-01"},
                 {"site": suite["id"], "from": "tomorrow"}, {}, {"site": "x"}):
        assert w.manager.post("/api/v1/recommendations/refresh/", body, format="json").status_code == 400, body
