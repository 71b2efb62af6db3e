"""The round trips of the write path, pinned at today's figures so that a change which adds one is
seen (issue 12 aims at 10 for a full new report and 4 for a retry). The sender is signed in by the
test client: over HTTP the JWT's user read adds one."""

import json

import pytest
from django.db import connection

from .conftest import VISITS, custody_body

# The roll-up's three tables take one statement on PostgreSQL (data-modifying WITH), one each elsewhere.
ROLLUP_STATEMENTS = 1 if connection.vendor == "postgresql" else 3
# A new full report today: the duplicate check, the site, the visitors, the categories; a savepoint
# around the report, its visitors (read, then inserted), each issue and its first event on their
# own, the seen profile (deleted, then inserted), the issues and the recipients read again for the
# notification, the notification and its issues (read, then inserted), the roll-up's sums; then 6
# to read the answer back.
NEW_REPORT_QUERIES = 29 + ROLLUP_STATEMENTS
# A retry today: the stored report found by its key, then the same 6 to read the answer back.
RETRY_QUERIES = 7


@pytest.fixture
def full_report(suite, bob, bella, carol):
    """Two visitors, three issues and a seen profile: what a busy night's report holds; carol, the
    custody inspector, is told of the open ones."""
    return custody_body(site=suite, visitors=[bob, bella], issues=[
        {"category": "food-and-drink", "description": "Cold meals in cell 4.", "resolved_during_visit": False},
        {"category": "hygiene", "description": "No towels.", "resolved_during_visit": True},
        {"category": "health-care", "description": "Medication late.", "resolved_during_visit": False},
    ])


def test_a_new_full_report_costs_a_fixed_number_of_queries(api, bob, full_report, django_assert_num_queries):
    with django_assert_num_queries(NEW_REPORT_QUERIES):
        response = api(bob).post(VISITS, json.dumps(full_report), content_type="application/json")
    assert response.status_code == 201


def test_a_retry_of_a_stored_report_costs_a_fixed_number_of_queries(api, bob, full_report,
                                                                     django_assert_num_queries):
    client = api(bob)
    assert client.post(VISITS, json.dumps(full_report), content_type="application/json").status_code == 201

    with django_assert_num_queries(RETRY_QUERIES):
        response = client.post(VISITS, json.dumps(full_report), content_type="application/json")
    assert response.status_code == 200
