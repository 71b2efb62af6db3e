from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD
from tests.helpers import utc
from tests.openapi import CheckedClient

COVERAGE, HEATMAP = "/api/v1/coverage/", "/api/v1/coverage/heatmap.svg"
RECOMMENDATIONS, REFRESH = "/api/v1/recommendations/", "/api/v1/recommendations/refresh/"
JULY = {"from": "2024-07-01", "to": "2024-07-31"}


def test_it_answers_coverage_in_the_contract_shape(api, alice, suite, visit):
    visit(suite, utc(2024, 7, 1, 9, 0))   # Monday 10:00 BST
    visit(suite, utc(2024, 7, 8, 9, 30))  # Monday 10:30 BST
    visit(suite, utc(2024, 7, 3, 21, 0))  # Wednesday 22:00 BST

    answer = api(alice).get(COVERAGE, {"site": suite.pk, **JULY})

    assert answer.status_code == 200
    body = answer.json()
    assert body["site"] == suite.pk
    assert body["grid"] == "custody-weekly"
    assert (body["from"], body["to"]) == ("2024-07-01", "2024-07-31")
    assert body["days"] == ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    assert body["bands"] == ["00:00-07:59", "08:00-11:59", "12:00-15:59", "16:00-19:59", "20:00-23:59"]
    assert body["counts"][0] == [0, 2, 0, 0, 0]
    assert body["counts"][2] == [0, 0, 0, 0, 1]
    assert body["day_totals"] == [2, 0, 1, 0, 0, 0, 0]
    assert body["band_totals"] == [0, 2, 0, 0, 1]
    assert (body["total"], body["outside"]) == (3, 0)
    assert len(body["unvisited"]) == 33
    assert body["unvisited"][0] == {"day": "monday", "band": "00:00-07:59"}
    assert body["covered_share"] == 0.057
    assert 0 < body["unpredictability"] < 1


def test_it_defaults_to_the_financial_year_to_date(api, bob, scheme, suite):
    body = api(bob).get(COVERAGE, {"site": suite.pk}).json()
    start, today = scheme.financial_year_to_date()
    assert (body["from"], body["to"]) == (start.isoformat(), today.isoformat())


def test_it_answers_an_animal_unit_on_its_own_grid(api, alice, animal_unit, visit):
    visit(animal_unit, utc(2024, 7, 6, 9, 0))
    visit(animal_unit, utc(2024, 7, 10, 13, 0))  # 14:00 BST, between the bands

    body = api(alice).get(COVERAGE, {"site": animal_unit.pk, **JULY}).json()

    assert body["grid"] == "animal-monthly"
    assert len(body["counts"]) == 6 and all(len(row) == 2 for row in body["counts"])
    assert (body["total"], body["outside"]) == (1, 1)


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2024-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2024-08-01", "to": "2024-07-01"}, "to"),
    ({"from": "2999-01-01"}, "to"),  # after today, the default end
])
def test_it_refuses_bad_dates_with_field_messages(api, alice, suite, query, field):
    answer = api(alice).get(COVERAGE, {"site": suite.pk, **query})
    assert answer.status_code == 400
    assert field in answer.json()


@pytest.mark.parametrize("query", [{}, {"site": "four"}, {"site": "0"}, {"site": str(2**64)}])
def test_it_refuses_a_missing_or_malformed_site(api, alice, query):
    answer = api(alice).get(COVERAGE, query)
    assert answer.status_code == 400
    assert "site" in answer.json()


def test_it_refuses_a_refresh_window_that_ends_before_it_starts(api, alice, suite):
    answer = api(alice).post(REFRESH, {"site": suite.pk, "from": "2024-08-01", "to": "2024-07-01"}, format="json")
    assert answer.status_code == 400
    assert "to" in answer.json()


def endpoints(site_id):
    return [
        ("get", COVERAGE, {"site": site_id}),
        ("get", HEATMAP, {"site": site_id}),
        ("get", RECOMMENDATIONS, {"site": site_id}),
        ("post", REFRESH, {"site": site_id}),
    ]


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_custody_staff_and_analysts_are_told_nothing_exists(request, api, suite, persona):
    client = api(request.getfixturevalue(persona))
    for method, path, data in endpoints(suite.pk):
        answer = getattr(client, method)(path, data, **({"format": "json"} if method == "post" else {}))
        assert answer.status_code == 404, (persona, path)


def test_another_schemes_site_is_not_found(api, charlie, chris, suite):
    for method, path, data in endpoints(suite.pk):
        answer = getattr(api(charlie), method)(path, data, **({"format": "json"} if method == "post" else {}))
        assert answer.status_code == 404, path
    for _method, path, data in endpoints(suite.pk)[:3]:
        assert api(chris).get(path, data).status_code == 404, path
    # A visitor may refresh no site at all, so the 403 says nothing about this one.
    assert api(chris).post(REFRESH, {"site": suite.pk}, format="json").status_code == 403
    assert api(chris).post(REFRESH, {"site": 999_999}, format="json").status_code == 403


def test_anonymous_callers_must_sign_in(api, suite):
    for method, path, data in endpoints(suite.pk):
        assert getattr(api(None), method)(path, data).status_code == 401


def test_visitors_read_but_may_not_refresh(api, bob, alice, suite, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api(alice).post(REFRESH, {"site": suite.pk}, format="json")
    assert api(bob).get(COVERAGE, {"site": suite.pk}).status_code == 200
    assert api(bob).get(RECOMMENDATIONS, {"site": suite.pk}).status_code == 200
    assert api(bob).post(REFRESH, {"site": suite.pk}, format="json").status_code == 403


def test_it_says_how_to_get_a_first_recommendation(api, alice, suite):
    answer = api(alice).get(RECOMMENDATIONS, {"site": suite.pk})
    assert answer.status_code == 404
    assert "POST /api/v1/recommendations/refresh/" in answer.json()["detail"]


def test_a_refresh_is_queued_and_its_result_served_for_the_window_asked(
        api, alice, suite, visit, django_capture_on_commit_callbacks):
    visit(suite, utc(2024, 7, 1, 9, 0))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        answer = api(alice).post(REFRESH, {"site": suite.pk, **JULY}, format="json")

    assert answer.status_code == 202
    assert answer.json() == {"status": "queued", "site": suite.pk, "window_from": "2024-07-01",
                             "window_to": "2024-07-31"}
    # The refresh, queued once; then, the plan drawn and committed, the word to the features above (the rota).
    assert len(queued) == 2
    body = api(alice).get(RECOMMENDATIONS, {"site": suite.pk}).json()
    assert (body["site"], body["window_from"], body["window_to"]) == (suite.pk, "2024-07-01", "2024-07-31")
    assert body["generated_at"]
    assert [c["rank"] for c in body["cells"]] == list(range(1, 36))
    assert body["cells"][-1] | {"last_visit_at": None} == {
        "day": "monday", "band": "08:00-11:59", "visits_in_window": 1, "rank": 35, "last_visit_at": None,
        "handover": False,
    }
    assert len(body["plan"]) == 1
    assert set(body["plan"][0]) == {"date", "day", "band", "rank", "handover", "probability"}
    assert body["drawn_probability"] == body["plan"][0]["probability"]
    assert 1 / 35 <= body["largest_probability"] <= 1


def test_a_superuser_may_refresh_any_site(api, root, other_suite, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api(root).post(REFRESH, {"site": other_suite.pk}, format="json").status_code == 202
    assert api(root).get(RECOMMENDATIONS, {"site": other_suite.pk}).status_code == 200


def visits_spread_over_cells(visit, site, n):
    for i in range(n):
        visit(site, utc(2024, 7, 1, 0, 30) + timedelta(hours=5 * i))


def coverage_queries(client, site) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(COVERAGE, {"site": site.pk, "from": "2024-07-01", "to": "2024-07-31"}).status_code == 200
    return len(queries)


def test_the_coverage_query_count_does_not_grow_with_the_visits(api, alice, suite, visit, django_assert_num_queries):
    client = api(alice)
    visits_spread_over_cells(visit, suite, 3)
    with django_assert_num_queries(2):  # the site, then one GROUP BY over the cell columns
        client.get(COVERAGE, {"site": suite.pk, **JULY})
    visits_spread_over_cells(visit, suite, 57)
    with django_assert_num_queries(2):
        body = client.get(COVERAGE, {"site": suite.pk, **JULY}).json()
    assert body["total"] == 60


def test_the_heatmap_and_the_recommendation_take_two_queries(
        api, alice, suite, visit, django_assert_num_queries, django_capture_on_commit_callbacks):
    visits_spread_over_cells(visit, suite, 10)
    with django_capture_on_commit_callbacks(execute=True):
        api(alice).post(REFRESH, {"site": suite.pk}, format="json")
    client = api(alice)
    with django_assert_num_queries(2):
        client.get(HEATMAP, {"site": suite.pk, **JULY})
    with django_assert_num_queries(2):
        client.get(RECOMMENDATIONS, {"site": suite.pk})


def svg_of(answer) -> ElementTree.Element:
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("image/svg+xml")
    return ElementTree.fromstring(answer.content)


def test_the_heatmap_is_an_svg_with_counts_totals_and_a_legend(api, alice, suite, visit):
    visit(suite, utc(2024, 7, 1, 9, 0))
    visit(suite, utc(2024, 7, 8, 9, 30))

    svg = svg_of(api(alice).get(HEATMAP, {"site": suite.pk, **JULY}, HTTP_ACCEPT="image/svg+xml"))

    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "Central: visits 1 July 2024 to 31 July 2024" in texts
    assert "2" in texts
    assert {"Monday", "Sunday", "Total", "08:00-11:59", "Visits per cell:"} <= set(texts)
    dashed = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 34 + 1  # every unvisited cell, and its legend swatch


def test_the_heatmap_answers_bearer_and_session_clients(alice, suite):
    bearer = CheckedClient()
    token = bearer.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json").json()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token['access']}")
    svg_of(bearer.get(HEATMAP, {"site": suite.pk}, HTTP_ACCEPT="image/svg+xml"))

    session = CheckedClient()
    assert session.login(username="alice", password=PASSWORD)
    svg_of(session.get(HEATMAP, {"site": suite.pk}, HTTP_ACCEPT="text/html,image/*;q=0.8"))


def test_the_heatmap_answers_errors_as_json(api, alice, carol, suite):
    bad = api(alice).get(HEATMAP, {"site": suite.pk, "from": "soon"}, HTTP_ACCEPT="image/svg+xml")
    assert (bad.status_code, bad["Content-Type"]) == (400, "application/json")
    assert "from" in bad.json()
    hidden = api(carol).get(HEATMAP, {"site": suite.pk}, HTTP_ACCEPT="image/svg+xml")
    assert (hidden.status_code, hidden["Content-Type"]) == (404, "application/json")
