"""Answers that Django makes before any API view runs are JSON under /api/ too."""

import pytest


@pytest.mark.parametrize("path", ["/api/v1/users/-5.3e-257/", "/api/v1/issues/0.5/response/", "/api/v1/no-such-thing/"])
def test_a_path_no_route_matches_answers_a_json_404(client, db, path):
    # Django's client: these paths are in no schema to check the answer against.
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_page_outside_the_api_keeps_its_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
