"""A phone's and a manager's day through the API with real JWTs, every answer checked against
the OpenAPI schema (tests/openapi.py), so the published description cannot drift from the service."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from scheduling.services import recommendation_refresh
from tests.factories import PASSWORD
from tests.openapi import CheckedClient


@pytest.fixture
def checked(db):
    """A client signed in with a real JWT, as a phone is (the `api` fixture forces authentication)."""

    def make(user=None):
        client = CheckedClient()
        if user is not None:
            response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                                   format="json")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
        return client

    return make


def test_a_visitors_night_matches_the_schema(checked, suite, animal_unit, bob, bella):
    phone = checked(bob)
    me = phone.get("/api/v1/users/me/").json()
    assert me["id"] == bob.pk
    assert phone.get("/api/v1/sites/").status_code == 200
    assert phone.get("/api/v1/issue-categories/").status_code == 200
    assert phone.get("/api/v1/users/").status_code == 403
    assert {p["id"] for p in phone.get("/api/v1/users/partners/").json()["results"]} == {bella.pk}

    arrived = datetime.now(UTC) - timedelta(hours=2)
    body = {
        "client_uuid": str(uuid.uuid4()), "site": suite.pk, "visitors": [bob.pk, bella.pk],
        "arrived_at": arrived.isoformat(), "admitted_at": (arrived + timedelta(minutes=20)).isoformat(),
        "left_at": (arrived + timedelta(minutes=90)).isoformat(), "delay_reason": "Staff handover",
        "detainees_present": 4, "detainees_offered": 2, "detainees_seen": 1, "detainees_refused": 1,
        "detainees_not_offered": 1, "detainees_unavailable": 0, "detainees_observed": 1,
        "issues": [{"category": "food-and-drink", "description": "No hot drink", "resolved_during_visit": False}],
        "comments": "", "status": "submitted",
    }
    created = phone.post("/api/v1/visits/", body, format="json")
    assert created.status_code == 201
    assert created.json()["access_band"] == "over-15"
    assert phone.post("/api/v1/visits/", body, format="json").status_code == 200
    assert phone.post("/api/v1/visits/", {**body, "comments": "changed"}, format="json").status_code == 409
    assert phone.post("/api/v1/visits/", {**body, "client_uuid": "nope"}, format="json").status_code == 400
    assert phone.get("/api/v1/visits/").status_code == 200
    assert phone.get(f"/api/v1/visits/{created.json()['id']}/").status_code == 200
    assert phone.patch(f"/api/v1/visits/{created.json()['id']}/", {"comments": "x"}, format="json").status_code == 403

    animal = phone.post("/api/v1/animal-visits/", {
        "client_uuid": str(uuid.uuid4()), "site": animal_unit.pk, "visitors": [bob.pk, bella.pk],
        "arrived_at": arrived.isoformat(), "left_at": (arrived + timedelta(minutes=60)).isoformat(),
        "animals_seen": 8, "records_checked": True, "kennels_observed": True, "vehicles_observed": False,
        "training_observed": False, "issues": [], "comments": "", "status": "submitted",
    }, format="json")
    assert animal.status_code == 201
    assert phone.get(f"/api/v1/coverage/?site={suite.pk}").status_code == 200


def test_a_managers_quarter_end_matches_the_schema(checked, suite, alice, bob, bella, carol):
    desk = checked(alice)
    assert desk.get("/api/v1/schemes/").status_code == 200
    assert desk.post("/api/v1/sites/", {"name": "Harbourside", "kind": "custody_suite", "cells": 12,
                                        "active": True}, format="json").status_code == 201
    assert desk.post("/api/v1/users/", {"username": "newbie", "password": "a-long-pass-phrase", "role": "visitor",
                                        "first_name": "New", "last_name": "Visitor",
                                        "email": "new@example.org"}, format="json").status_code == 201
    assert desk.get("/api/v1/users/").status_code == 200
    assert desk.get(f"/api/v1/coverage/?site={suite.pk}").status_code == 200
    assert desk.post("/api/v1/recommendations/refresh/", {"site": suite.pk}, format="json").status_code == 202
    # The queued task runs after commit (never, inside this test's transaction): run the same service here.
    recommendation_refresh(site=suite, date_from=date(2024, 4, 1), date_to=date(2025, 3, 31), request_key="contract",
                           requested_by=alice)
    assert desk.get(f"/api/v1/recommendations/?site={suite.pk}").status_code == 200
    assert desk.get("/api/v1/kpis/?fy=2024").status_code == 200
    assert desk.get("/api/v1/kpis/?fy=2024&quarter=9").status_code == 400
    assert desk.get("/api/v1/issues/").status_code == 200

    force = checked(carol)
    assert force.get(f"/api/v1/coverage/?site={suite.pk}").status_code == 404
    assert force.get("/api/v1/issues/").status_code == 200
