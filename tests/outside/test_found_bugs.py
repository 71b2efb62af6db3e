"""Product bugs found from outside (issues 23-25), left failing on purpose for the engineers who own the
code: each test names the request, the answer it gets and the answer expected."""

from datetime import date, timedelta

import pytest
from django.test import Client

from tests.helpers import utc
from tests.outside.api import World, custody_body, make_root, post

AV, ROTA, MEETINGS = "/api/v1/availability/", "/api/v1/rota/", "/api/v1/meetings/"
CELL = [{"day": "monday", "band": "08:00-11:59"}]


@pytest.fixture
def north(db):
    make_root()
    w = World("Northshire", "n", n_visitors=2)
    for client in (w.manager, *w.visitors):
        client.raise_request_exception = False  # a 500 is an answer to assert on, not an exception
    return w


def test_rota_week_filter_at_the_calendars_end_is_a_400_not_a_500(north):
    # GET /api/v1/rota/?week=9999-12-31 answers 500 (OverflowError: date value out of range)
    r = north.manager.get(ROTA, {"week": "9999-12-31"})
    assert r.status_code == 400 and "week" in r.json(), (r.status_code, r.content[:200])


def test_availability_for_a_period_at_the_calendars_end_is_a_400_not_a_500(north):
    # POST /api/v1/availability/ {"period_from": "9999-12-31", ...} answers 500 (ValueError: year 10000 is out of range)
    r = north.visitors[0].post(AV, {"period_from": "9999-12-31", "cells": CELL, "leave": []}, format="json")
    assert r.status_code == 400 and "period_from" in r.json(), (r.status_code, r.content[:200])


@pytest.mark.parametrize("day", ["0001-01-01", "2020-01-01"])
def test_availability_for_a_period_that_has_ended_is_refused(north, day):
    # POST /api/v1/availability/ {"period_from": "2020-01-01", ...} answers 201 and stores availability for
    # 2020-01-01..2020-03-31; availability is given "for the coming availability period" (issue 24)
    r = north.visitors[0].post(AV, {"period_from": day, "cells": CELL, "leave": []}, format="json")
    assert r.status_code == 400 and "period_from" in r.json(), (r.status_code, r.content[:200])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_meeting_in_an_absurd_year_is_refused(north, day):
    # POST /api/v1/meetings/ {"held_on": "9999-12-31", "title": "M"} answers 201 (so does 0001-01-01)
    r = north.manager.post(MEETINGS, {"held_on": day, "title": "Team meeting"}, format="json")
    assert r.status_code == 400 and "held_on" in r.json(), (r.status_code, r.content[:200])


def test_training_completed_in_year_one_is_refused(north):
    # POST /api/v1/volunteers/{id}/training/ {"course": "refresher", "completed_on": "0001-01-01"} answers 201
    # (a future date is refused, but there is no lower bound)
    r = north.manager.post(f"/api/v1/volunteers/{north.vid(0)}/training/",
                           {"course": "refresher", "completed_on": "0001-01-01"}, format="json")
    assert r.status_code == 400 and "completed_on" in r.json(), (r.status_code, r.content[:200])


def test_public_files_never_show_a_count_of_1_or_2(north):
    # Arguable: a release shows visits_made = 1 for a suite visited once and access_6_15 = 1 as "shown";
    # issue 25 says counts of 1 or 2 are shown as "fewer than 3" (the product hides only counts of people)
    suite, east = north.add_site("Central"), north.add_site("Eastgate")
    pair = [north.vid(0), north.vid(1)]
    for d in range(4):
        post(north.visitors[0], "/api/v1/visits/", custody_body(suite["id"], pair, utc(2024, 5, 6 + d, 10, 0),
                                                                counts={"seen": 3}))
    post(north.visitors[0], "/api/v1/visits/", custody_body(east["id"], pair, utc(2024, 6, 3, 14, 0),
                                                            counts={"seen": 4}, delay_min=10,
                                                            delay_authorised_by_rank="inspector"))
    release = post(north.manager, "/api/v1/releases/", {"period": "2024-Q1"})
    body = Client().get(release["public_url"].rstrip("/") + ".json").json()
    ones = [f for f in body["figures"] if f["status"] == "shown" and f["value"] in (1, 2)
            and "pct" not in f["measure"]]
    assert not ones, ones


def test_a_release_note_refuses_bidirectional_overrides(north):
    # POST /api/v1/releases/ {"period": "2024-Q1", "note": "Fixed \u202egnirts"} (a correction) answers 201: the
    # public note keeps the override, while every other free text refuses U+202A-U+202E and U+2066-U+2069
    post(north.manager, "/api/v1/releases/", {"period": "2024-Q1"})
    r = north.manager.post("/api/v1/releases/", {"period": "2024-Q1", "note": "Fixed \u202egnirts"}, format="json")
    assert r.status_code == 400 and "note" in r.json(), (r.status_code, r.content[:200])


def test_the_same_training_record_posted_twice_is_stored_once(north):
    # POST /api/v1/volunteers/{id}/training/ {"course": "refresher", "completed_on": "2024-01-01"} twice (a retry)
    # answers 201 twice and stores two identical records; expected one stored record (200 with it, or 400)
    path = f"/api/v1/volunteers/{north.vid(0)}/training/"
    before = north.manager.get(path).json()["count"]
    body = {"course": "refresher", "completed_on": "2024-01-01"}
    assert north.manager.post(path, body, format="json").status_code == 201
    again = north.manager.post(path, body, format="json")
    assert again.status_code in (200, 400, 409), again.status_code
    assert north.manager.get(path).json()["count"] == before + 1


def test_next_week_is_still_fine(north):
    """A control: availability for the coming period is taken (so the failures above are about the edges)."""
    r = north.visitors[0].post(AV, {"period_from": (date.today() + timedelta(days=7)).isoformat(), "cells": CELL,
                                    "leave": []}, format="json")
    assert r.status_code == 201, r.content
