"""Hostile bodies answer 400 in DRF's field shape on every write endpoint, never 500, and store nothing."""

import json
from datetime import UTC, datetime

import pytest

from tests.factories import custody_visit
from visits.models import IssueCategory, Scheme, Site, User

from .conftest import assert_field_errors, custody_body, stored_rows

DEEP = 10_000
HOSTILE = [
    pytest.param(b"[1, 2, 3]", id="a-list"),
    pytest.param(b'"a report"', id="a-string"),
    pytest.param(b"null", id="null"),
    pytest.param(b"42", id="a-number"),
    pytest.param(b"true", id="a-boolean"),
    pytest.param(b"[" * DEEP + b"]" * DEEP, id="lists-nested-10000-deep"),
    pytest.param(b'{"a":' * DEEP + b"1" + b"}" * DEEP, id="objects-nested-10000-deep"),
    pytest.param(b'{"comments": ' + b"[" * DEEP + b"]" * DEEP + b"}", id="a-field-nested-10000-deep"),
    pytest.param(b'{"site": 1,', id="malformed"),
    pytest.param(b'{"site": 1} trailing', id="trailing-garbage"),
    pytest.param(b'{"detainees_present": NaN}', id="nan"),
    pytest.param(b'{"detainees_present": Infinity}', id="infinity"),
    pytest.param(b'{"comments": "\xff\xfe broken utf-8"}', id="invalid-utf-8"),
    pytest.param(b"", id="empty"),
    pytest.param(b'{"status": "\\ud800"}', id="lone-surrogate-in-a-choice"),
    pytest.param(b'{"\\udc00": 1}', id="lone-surrogate-in-a-key"),
    pytest.param(b'{"client_uuid": "\\ud83d"}', id="lone-surrogate-in-the-uuid"),
]


@pytest.fixture
def write_urls(suite, alice, bob, bella, carol):
    """Every write endpoint, with the user who may use it."""
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC),
                          issues=[{"category": "food-and-drink", "description": "Cold."}])
    category = IssueCategory.objects.filter(scheme=suite.scheme).first()
    return [
        ("post", "/api/v1/visits/", bob),
        ("post", "/api/v1/animal-visits/", bob),
        ("patch", f"/api/v1/visits/{visit.pk}/", alice),
        ("post", "/api/v1/sites/", alice),
        ("patch", f"/api/v1/sites/{suite.pk}/", alice),
        ("post", "/api/v1/users/", alice),
        ("patch", f"/api/v1/users/{bob.pk}/", alice),
        ("post", "/api/v1/issue-categories/", alice),
        ("patch", f"/api/v1/issue-categories/{category.pk}/", alice),
        ("patch", f"/api/v1/schemes/{suite.scheme.pk}/", alice),
        ("post", f"/api/v1/issues/{visit.issues.get().pk}/response/", carol),
        ("post", "/api/v1/auth/token/", None),
        ("post", "/api/v1/auth/token/refresh/", None),
    ]


def _rows():
    return {**stored_rows(), "sites": Site.objects.count(), "users": User.objects.count(),
            "categories": IssueCategory.objects.count(), "schemes": Scheme.objects.count()}


@pytest.mark.parametrize("body", HOSTILE)
def test_every_write_endpoint_answers_a_hostile_body_with_a_400(api, write_urls, body):
    for method, url, user in write_urls:
        if method == "patch" and body == b"":
            continue  # an empty PATCH changes nothing, and is fine
        before = _rows()
        response = getattr(api(user), method)(url, body, content_type="application/json")
        assert response.status_code == 400, (method, url, response.status_code)
        assert_field_errors(response)
        assert _rows() == before, (method, url)


def test_a_superuser_creating_a_scheme_gets_a_400_for_a_hostile_body(api, root):
    for body in (b"[]", b"[" * DEEP + b"]" * DEEP, b'{"name": "\\ud800"}', b'{"timezone": "\\udc00"}'):
        response = api(root).post("/api/v1/schemes/", body, content_type="application/json")
        assert_field_errors(response)
    assert not Scheme.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("username", "bob\ud800"), ("first_name", "\udfff"), ("last_name", "Smith\ud834"), ("email", "a\ud800@b.org"),
])
def test_a_lone_surrogate_in_a_person_is_refused_on_its_field(api, alice, field, value):
    body = {"username": "newcomer", "password": "correct-horse-battery", "role": "visitor", field: value}
    response = api(alice).post("/api/v1/users/", json.dumps(body), content_type="application/json")
    assert_field_errors(response, field)
    assert not User.objects.filter(username__startswith="newcomer").exists()


def test_a_lone_surrogate_in_a_report_is_refused_on_its_field(api, suite, bob, bella):
    body = custody_body(site=suite, visitors=[bob, bella], delay_reason="busy \ud800")
    response = api(bob).post("/api/v1/visits/", json.dumps(body), content_type="application/json")
    assert_field_errors(response, "delay_reason")


def test_a_parse_error_says_what_is_wrong(api, bob):
    response = api(bob).post("/api/v1/visits/", b'{"site": 1,', content_type="application/json")
    errors = assert_field_errors(response)
    assert "JSON parse error" in json.dumps(errors)
