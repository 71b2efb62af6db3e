"""A strict Content-Security-Policy on every answer, and the pages that must work under it do."""

import pytest

from tests.browser import SCREENSHOTS, screenshot


def test_every_answer_carries_a_policy_of_this_site_only(api, client, alice):
    for response in (client.get("/api/v1/docs/"), api(alice).get("/api/v1/sites/"), client.get("/admin/login/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_swagger_ui_works_under_the_policy(live_server, open_page):
    page = open_page(1280, 900)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "Independent custody visiting API" in page.inner_text(".swagger-ui .info .title")
    page.click("#operations-auth-auth_logout_create .opblock-summary")
    page.wait_for_selector("#operations-auth-auth_logout_create .opblock-body", timeout=10000)
    screenshot(page, "api-docs")
    page.locator("#operations-auth-auth_logout_create").screenshot(path=str(SCREENSHOTS / "api-docs-logout.png"))
    assert refused == []
