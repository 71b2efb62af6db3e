"""Every desk page answers its role, and only its role; custody staff see nothing of visits to come."""

import pytest

from tests.web.conftest import signed_in

MANAGER_PAGES = ["/coverage/", "/coverage/?grid=animal", "/recommendations/", "/reports/", "/reports/?kind=animal",
                 "/issues/", "/kpis/", "/volunteers/"]


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_the_manager_opens_every_page_of_the_desk(desk, alice, url):
    assert signed_in(alice).get(url).status_code == 200


def test_each_role_lands_on_its_own_start_page(desk, alice, carol, dave, bob):
    assert signed_in(alice).get("/")["Location"] == "/coverage/"
    assert signed_in(carol).get("/")["Location"] == "/force/"
    assert signed_in(dave).get("/")["Location"] == "/returns/"
    visitor = signed_in(bob).get("/")
    assert visitor.status_code == 200 and 'href="/app/"' in visitor.content.decode()


def test_anonymous_people_are_sent_to_the_products_sign_in(db):
    from django.test import Client

    answer = Client().get("/coverage/")
    assert answer.status_code == 302 and answer["Location"] == "/signin/?next=/coverage/"
    page = Client().get("/signin/").content.decode()
    assert "Independent custody visiting" in page and "Django administration" not in page


@pytest.mark.parametrize("url", [*MANAGER_PAGES, "/returns/"])
def test_custody_staff_get_404_for_every_page_but_their_own(desk, carol, url):
    assert signed_in(carol).get(url).status_code == 404
