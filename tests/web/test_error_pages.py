"""The product's own error pages (never Django's, nor its debug page listing every URL), its icon,
and JSON errors under /api/ still."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

ERROR_URLS = "tests.web.failing_urls"


def assert_the_products_page(response, status, says):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert says in html
    assert 'href="/"' in html  # the way home
    assert "/static/web/desk.css" in html
    # The Content-Security-Policy refuses inline styles and scripts.
    assert "<style" not in html and " style=" not in html and "<script" not in html


def test_a_page_that_does_not_exist_says_so_and_links_home(client, db):
    assert_the_products_page(client.get("/no-such-page/"), 404, "Page not found")


def test_a_signed_in_manager_asking_for_a_page_of_another_role_gets_the_404_page(alice):
    manager = Client()
    assert manager.login(username=alice.username, password=PASSWORD)
    response = manager.get("/force/")
    assert_the_products_page(response, 404, "Page not found")
    assert "Sign out" in response.content.decode()  # still signed in, with the desk's header


@pytest.mark.urls(ERROR_URLS)
def test_a_refused_page_says_so(client, db):
    assert_the_products_page(client.get("/refuses/"), 403, "not allowed")


@pytest.mark.urls(ERROR_URLS)
def test_a_failing_page_apologises(db):
    client = Client(raise_request_exception=False)
    assert_the_products_page(client.get("/fails/"), 500, "Something went wrong")


@pytest.mark.urls(ERROR_URLS)
def test_a_failing_api_path_keeps_its_json_500(db):
    response = Client(raise_request_exception=False).get("/api/v1/fails/")
    assert (response.status_code, response.json()) == (500, {"detail": "Server error."})


def test_the_icon_is_served_at_favicon_ico_and_linked_from_the_pages(client, db):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/")
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == b"\0\0\1\0"
    assert 'rel="icon" href="/favicon.ico"' in client.get("/signin/").content.decode()
