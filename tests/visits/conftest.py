"""Helpers for the visit-report tests: a valid report body to break one rule at a time,
and the row counts that prove a refused report left nothing behind."""

import json
import uuid

import pytest

from visits.models import AnimalVisit, CustodyVisit, Notification, ReportCorrection, SeenProfileCount, VisitIssue

VISITS = "/api/v1/visits/"
ANIMAL_VISITS = "/api/v1/animal-visits/"


def custody_body(*, site, visitors, **fields) -> dict:
    """The contract's example report: 14 present = 6 offered + 2 + 3 + 3; 6 offered = 5 seen + 1 refused."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "site": site.pk,
        "visitors": [v.pk for v in visitors],
        "arrived_at": "2024-02-06T21:40:00+00:00",
        "admitted_at": "2024-02-06T21:43:00+00:00",
        "left_at": "2024-02-06T23:05:00+00:00",
        "delay_reason": "",
        "detainees_present": 14,
        "detainees_offered": 6,
        "detainees_seen": 5,
        "detainees_refused": 1,
        "detainees_not_offered": 2,
        "detainees_unavailable": 3,
        "detainees_observed": 3,
        "seen_profile": {"gender": {"female": 2, "male": 3}},
        "issues": [{"category": "food-and-drink", "description": "Cold meals in cell 4.",
                    "resolved_during_visit": False}],
        "comments": "",
        "status": "submitted",
        **fields,
    }


def animal_body(*, site, visitors, **fields) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "site": site.pk,
        "visitors": [v.pk for v in visitors],
        "arrived_at": "2024-02-06T10:00:00+00:00",
        "left_at": "2024-02-06T11:00:00+00:00",
        "animals_seen": 6,
        "records_checked": True,
        "kennels_observed": True,
        "vehicles_observed": False,
        "training_observed": False,
        "issues": [],
        "comments": "",
        "status": "submitted",
        **fields,
    }


def stored_rows() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (CustodyVisit, AnimalVisit, VisitIssue, SeenProfileCount, Notification, ReportCorrection)
    }


def assert_field_errors(response, *fields):
    """A 400 in DRF's shape: every key names a field and holds messages (nested items for lists)."""
    assert response.status_code == 400, (response.status_code, getattr(response, "data", response.content))
    body = response.json()
    assert isinstance(body, dict) and body, body
    for key, messages in body.items():
        assert isinstance(messages, (list, dict)) and messages, (key, messages)
        if isinstance(messages, list):
            assert all(isinstance(m, (str, dict)) for m in messages), (key, messages)
    for field in fields:
        assert field in body, (field, body)
    return body


@pytest.fixture
def post_report(api):
    """post_report(user, body, url=VISITS): the JSON answer of a POST, asserting nothing was stored on a 4xx."""

    def post(user, body, url=VISITS):
        before = stored_rows()
        # json.dumps escapes what cannot be UTF-8 (lone surrogates) as \\udXXX, as a hostile phone would.
        response = api(user).post(url, json.dumps(body), content_type="application/json")
        if response.status_code >= 400:
            assert stored_rows() == before, "a refused report left rows behind"
        return response

    return post
