"""A query parameter given empty or as the word `null` is a mistake in the caller (a form's unset
field, a JavaScript null written into the URL): it is refused by name, never taken for "no filter"."""

from datetime import UTC, datetime

import pytest

from tests.factories import custody_visit

BLANK_PARAMETERS = [
    ("/api/v1/coverage/?site={suite}&from=&to=2024-06-30", "alice", "from"),
    ("/api/v1/coverage/?site={suite}&from=2024-04-01&to=", "alice", "to"),
    ("/api/v1/coverage/?site={suite}&to=null", "alice", "to"),
    ("/api/v1/coverage/heatmap.svg?site={suite}&from=", "alice", "from"),
    ("/api/v1/visits/?tact=null", "alice", "tact"),
    ("/api/v1/visits/?from=", "alice", "from"),
    ("/api/v1/visits/?site=", "alice", "site"),
    ("/api/v1/visits/?status=null", "bob", "status"),
    ("/api/v1/animal-visits/?to=null", "alice", "to"),
    ("/api/v1/issues/?awaiting_force=null", "alice", "awaiting_force"),
    ("/api/v1/issues/?status=", "alice", "status"),
    ("/api/v1/issues/?category=", "alice", "category"),
    ("/api/v1/issues/trends/?to=", "alice", "to"),
    ("/api/v1/issues/trends/?site=null", "alice", "site"),
    ("/api/v1/sites/?active=", "alice", "active"),
    ("/api/v1/users/?is_active=null", "alice", "is_active"),
    ("/api/v1/issue-categories/?active=", "bob", "active"),
    ("/api/v1/notifications/?status=", "alice", "status"),
    ("/api/v1/kpis/?from=&to=", "alice", "from"),
    ("/api/v1/kpis/?fy=null", "alice", "fy"),
    ("/api/v1/kpis/export/?scheme=&format=csv", "alice", "scheme"),
    ("/api/v1/recommendations/?site=", "alice", "site"),
]


@pytest.mark.parametrize(("url", "who", "parameter"), BLANK_PARAMETERS)
def test_a_parameter_given_empty_or_null_is_refused_by_name(url, who, parameter, api, request, suite):
    response = api(request.getfixturevalue(who)).get(url.format(suite=suite.pk))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()[parameter] == ["Give a value, or leave the parameter out."]


def test_a_filter_left_out_still_lists_everything(api, alice, bob, bella, suite):
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=datetime(2024, 7, 1, 21, 0, tzinfo=UTC))
    assert api(alice).get("/api/v1/visits/").json()["count"] == 1
    assert api(alice).get("/api/v1/visits/?tact=false").json()["count"] == 1


def test_a_visitor_is_not_offered_themselves_as_a_partner(api, bob, bella):
    partners = api(bob).get("/api/v1/users/partners/").json()["results"]
    assert [p["id"] for p in partners] == [bella.pk]
