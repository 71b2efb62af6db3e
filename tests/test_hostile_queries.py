"""No query string or path, however odd, makes the service answer 500: it is a 400 or a 404."""

import pytest

HUGE = "99999999999999999999999"
ODD_VALUES = ["", "abc", "0", "-1", HUGE, "2024-13-01", "0001-01-01", "9999-12-31", "2024-02-30", "1e5", "%00",
              "2024-01-01T00:00", "[]", "null", "\u202e", "2024-04-01' OR 1=1--"]
LISTS = ["schemes", "sites", "users", "visits", "animal-visits", "issue-categories", "issues"]
REPORTS = ["coverage/", "coverage/heatmap.svg", "recommendations/", "kpis/", "kpis/export/"]


def server_errors(client, calls):
    client.raise_request_exception = False
    return [(path, params, r.status_code) for path, params in calls
            if (r := client.get(path, params)).status_code >= 500]


@pytest.mark.parametrize("persona", ["alice", "dave"])
def test_odd_query_values_never_cause_a_server_error(api, request, persona, suite, animal_unit):
    calls = [
        (f"/api/v1/{path}", {key: value, **({} if key == "site" else {"site": suite.pk})})
        for path in REPORTS + [f"{name}/" for name in LISTS]
        for key in ("site", "from", "to", "fy", "quarter", "scheme", "format", "page", "page_size", "status",
                    "visitor", "role", "kind", "active", "category")
        for value in ODD_VALUES
    ]
    calls += [(f"/api/v1/{path}", {"site": suite.pk, "from": a, "to": b}) for path in REPORTS
              for a, b in [("0001-01-01", "9999-12-31"), ("2024-04-01", "2024-03-01")]]
    calls += [(f"/api/v1/{path}", {"site": suite.pk, "fy": fy, "quarter": q}) for path in REPORTS
              for fy, q in [("1", "1"), ("99999", "1"), ("2023", "0"), ("2023", "5"), ("-5", "2")]]
    assert server_errors(api(request.getfixturevalue(persona)), calls) == []


def test_odd_ids_in_paths_are_404s(api, root):
    calls = [(f"/api/v1/{name}/{odd}/", {}) for name in LISTS for odd in (HUGE, "-1", "abc", "1.5", "0")]
    calls += [(f"/api/v1/kpis/exports/{HUGE}/", {}), (f"/reports/annual/{HUGE}/2023/", {})]
    client = api(root)
    assert server_errors(client, calls) == []
    assert client.get(f"/api/v1/visits/{HUGE}/").status_code == 404


def test_a_huge_site_filter_is_a_400_with_its_field(api, alice):
    response = api(alice).get("/api/v1/visits/", {"site": HUGE})
    assert response.status_code == 400 and "site" in response.json()


def test_odd_refresh_bodies_are_400s(api, alice, suite, animal_unit):
    client = api(alice)
    for body in ([], "x", None, {"site": "x"}, {"site": 10**30},
                 {"site": animal_unit.pk, "from": "2024-01-01", "to": "2023-01-01"}):
        response = client.post("/api/v1/recommendations/refresh/", body, format="json")
        assert response.status_code == 400, (body, response.status_code)
