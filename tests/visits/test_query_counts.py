"""The round trips of the write path, pinned so that a change which adds one is seen (issue 12 aims
at 10 for a full new report and 4 for a retry, counted as the benchmark counts them: over HTTP with a
JWT, so the sender's read counts, and BEGIN and COMMIT around the writes)."""

import json

import pytest
from django.db import connection
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from .conftest import VISITS, custody_body

# A new full report, the sender signed in by the test client: the site, with any report stored under
# the key; the visitors with the custody staff to tell; the categories; a savepoint (in a test the
# transaction is one); on PostgreSQL the ids of the report, its issues and its notification, then
# one INSERT statement for the report, its visitors, its issues, their first events, its seen
# profile, the notification to the custody inspector and its issues; the roll-up's sums, read from
# those rows, in one statement for its three tables; the savepoint released. The answer is built
# from what was written. Elsewhere (SQLite) the seven tables take a bulk INSERT each, and the
# roll-up's three a statement each.
NEW_REPORT_QUERIES = 8 if connection.vendor == "postgresql" else 15
# A retry: the site with the stored report's id; the stored report with its site, visitors, seen
# profile and whether it was corrected; its issues with their categories.
RETRY_QUERIES = 3
# With a JWT, as a phone sends them, the sender is read first, with their scheme.
JWT_USER_READ = 1


@pytest.fixture
def full_report(suite, bob, bella, carol):
    """Two visitors, three issues and a seen profile: what a busy night's report holds; carol, the
    custody inspector, is told of the open ones."""
    return custody_body(site=suite, visitors=[bob, bella], issues=[
        {"category": "food-and-drink", "description": "Cold meals in cell 4.", "resolved_during_visit": False},
        {"category": "hygiene", "description": "No towels.", "resolved_during_visit": True},
        {"category": "health-care", "description": "Medication late.", "resolved_during_visit": False},
    ])


@pytest.fixture
def phone(bob):
    """bob's phone: a JWT in the Authorization header, as the benchmark sends its reports."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(bob)}")


def test_a_new_full_report_costs_a_fixed_number_of_queries(api, bob, full_report, django_assert_num_queries):
    with django_assert_num_queries(NEW_REPORT_QUERIES):
        response = api(bob).post(VISITS, json.dumps(full_report), content_type="application/json")
    assert response.status_code == 201


def sent_twice(client, body) -> None:
    """Stored, then retried once: SQLite checks its JSON support at a connection's first retry."""
    for expected in (201, 200):
        assert client.post(VISITS, json.dumps(body), content_type="application/json").status_code == expected


def test_a_retry_of_a_stored_report_costs_a_fixed_number_of_queries(api, bob, full_report,
                                                                     django_assert_num_queries):
    client = api(bob)
    sent_twice(client, full_report)

    with django_assert_num_queries(RETRY_QUERIES):
        response = client.post(VISITS, json.dumps(full_report), content_type="application/json")
    assert response.status_code == 200


def test_a_new_full_report_sent_with_a_jwt_costs_one_query_more(phone, full_report, django_assert_num_queries):
    # A savepoint and its release here stand for the BEGIN and COMMIT outside a test: as many queries.
    with django_assert_num_queries(NEW_REPORT_QUERIES + JWT_USER_READ):
        response = phone.post(VISITS, json.dumps(full_report), content_type="application/json")
    assert response.status_code == 201


def test_a_retry_sent_with_a_jwt_costs_one_query_more(phone, full_report, django_assert_num_queries):
    sent_twice(phone, full_report)

    with django_assert_num_queries(RETRY_QUERIES + JWT_USER_READ):
        response = phone.post(VISITS, json.dumps(full_report), content_type="application/json")
    assert response.status_code == 200
