"""Every desk page answers its role, and only its role; custody staff see nothing of visits to come."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, custody_visit
from tests.web.conftest import signed_in
from visits.models import VisitIssue
from web.forms import CUSTODY_FIELDS

MANAGER_PAGES = ["/coverage/", "/coverage/?grid=animal", "/recommendations/", "/reports/", "/reports/?kind=animal",
                 "/issues/", "/kpis/", "/volunteers/", "/rota/"]


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_the_manager_opens_every_page_of_the_desk(desk, alice, url):
    assert signed_in(alice).get(url).status_code == 200


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_the_managers_menu_does_not_send_them_to_djangos_admin(desk, alice, url):
    # The admin fails axe (its breadcrumbs) and the desk covers the manager's day; it stays for superusers.
    assert alice.is_staff and not alice.is_superuser
    assert 'href="/admin/"' not in signed_in(alice).get(url).content.decode()


def test_each_role_lands_on_its_own_start_page(desk, alice, carol, dave, bob):
    assert signed_in(alice).get("/")["Location"] == "/coverage/"
    assert signed_in(carol).get("/")["Location"] == "/force/"
    assert signed_in(dave).get("/")["Location"] == "/returns/"
    visitor = signed_in(bob).get("/")
    assert visitor.status_code == 200 and 'href="/app/"' in visitor.content.decode()


def test_anonymous_people_are_sent_to_the_products_sign_in(db):
    answer = Client().get("/coverage/")
    assert answer.status_code == 302 and answer["Location"] == "/signin/?next=/coverage/"
    page = Client().get("/signin/").content.decode()
    assert "Independent custody visiting" in page and "Django administration" not in page


@pytest.mark.parametrize("url", [*MANAGER_PAGES, "/returns/"])
def test_custody_staff_get_404_for_every_page_but_their_own(desk, carol, url):
    assert signed_in(carol).get(url).status_code == 404


def test_a_forgotten_password_is_reset_through_the_link_e_mailed(desk, carol, mailoutbox):
    client = Client()
    answer = client.post("/password/reset/", {"email": carol.email})
    assert answer.status_code == 302 and answer["Location"] == "/password/reset/sent/"
    (message,) = mailoutbox
    assert message.subject == "Reset your independent custody visiting password"
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line).split("testserver", 1)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert done.status_code == 302 and done["Location"] == "/password/reset/done/"
    assert Client().login(username=carol.username, password="a-new-long-passphrase")


def test_a_signed_in_person_changes_their_password(desk, dave):
    client = signed_in(dave)
    answer = client.post("/password/", {"old_password": PASSWORD, "new_password1": "another-long-passphrase",
                                        "new_password2": "another-long-passphrase"})
    assert answer.status_code == 302 and answer["Location"] == "/password/changed/"
    assert Client().login(username=dave.username, password="another-long-passphrase")


def test_signing_out_takes_a_post_and_ends_the_session(desk, alice):
    client = signed_in(alice)
    assert client.get("/signout/").status_code == 405
    assert client.post("/signout/")["Location"] == "/signin/"
    assert client.get("/coverage/").status_code == 302


@pytest.mark.parametrize("url", [*MANAGER_PAGES, "/coverage/{suite}/", "/reports/custody/{report}/",
                                 "/reports/custody/{report}/correct/", "/password/"])
def test_desk_pages_have_no_inline_script_or_style_for_a_content_security_policy(desk, alice, suite, url):
    report = desk["visits"][0]
    html = signed_in(alice).get(url.format(suite=suite.pk, report=report.pk)).content.decode()
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)", html), url


def test_the_report_search_filters_by_issues_access_site_visitor_and_words(desk, alice, harbour, bella):
    client = signed_in(alice)

    def found(**query) -> int:
        page = client.get("/reports/", query)
        assert page.status_code == 200
        return page.context["page"].paginator.count

    assert found() == 8
    assert found(has_issues="yes") == 2 and found(has_issues="no") == 6
    assert found(access_band="6-15") == 3
    assert found(site=harbour.pk) == 1
    assert found(visitor=bella.pk) == 8
    assert found(text="soap") == 1  # in an issue's description
    assert found(date_from=desk["start"].isoformat(), date_to=desk["start"].isoformat()) == 1
    assert found(kind="animal") == 1
    assert client.get("/reports/", {"kind": "nonsense"}).status_code == 404


@pytest.mark.parametrize("url", [
    "/coverage/?fy=abc", "/coverage/?quarter=9", "/coverage/?date_from=2026-13-40", "/coverage/?grid=moon",
    "/coverage/?date_from=2026-05-01&date_to=2026-04-01", "/coverage/99999999/", "/reports/?site=abc&visitor=-1",
    "/reports/?page=banana", "/reports/custody/99999999/", "/issues/?status=nope&site=0", "/kpis/?fy=1066",
    "/volunteers/?fy=99999999999999999999", "/coverage/1/recommendation.json?waiting=x",
])
def test_odd_input_on_the_desk_answers_without_an_error(desk, alice, url):
    assert signed_in(alice).get(url).status_code in (200, 400, 404)


def test_the_force_must_write_a_response_and_cannot_answer_another_forces_issue(desk, carol, charlie, other_suite):
    client = signed_in(carol)
    issue = VisitIssue.objects.get(description="No soap at the basin")
    empty = client.post(f"/force/issues/{issue.pk}/respond/", {f"i{issue.pk}-force_response": ""})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    other = client.post("/force/issues/99999999/respond/", {"i99999999-force_response": "Done"})
    assert other.status_code == 404
    answered = client.post(f"/force/issues/{issue.pk}/respond/", {f"i{issue.pk}-force_response": "Soap restocked"})
    assert answered.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.force_response) == ("responded", "Soap restocked")


def test_a_post_without_the_csrf_token_is_refused(desk, carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    issue = VisitIssue.objects.get(description="No soap at the basin")
    assert client.post(f"/force/issues/{issue.pk}/respond/", {f"i{issue.pk}-force_response": "x"}).status_code == 403


def test_a_correction_that_breaks_the_detainee_arithmetic_is_refused_on_the_form(desk, alice, scheme):
    report = desk["visits"][0]
    local = "%Y-%m-%dT%H:%M"
    data = {name: getattr(report, name) for name in CUSTODY_FIELDS}
    for name in ("arrived_at", "admitted_at", "left_at"):
        data[name] = data[name].astimezone(scheme.zone).strftime(local)
    page = signed_in(alice).post(f"/reports/custody/{report.pk}/correct/",
                                 {**data, "detainees_present": 9, "reason": "Recount"})
    assert page.status_code == 200
    assert "Detainees present (9) must equal offered + not offered + unavailable + observed (3)." in (
        page.content.decode())
    report.refresh_from_db()
    assert report.detainees_present == 3 and not report.corrections.exists()


def test_a_concern_shows_on_the_managers_start_page_until_handled_and_never_to_custody_staff(desk, suite, bob, bella,
                                                                                           alice, carol):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=timezone.now() - timedelta(hours=5),
                          concern={"raised": True, "details": "Detainee said he was kicked in the van."})
    manager = signed_in(alice)
    assert "kicked in the van" in manager.get("/coverage/").content.decode()
    assert "kicked in the van" not in signed_in(carol).get("/force/").content.decode()
    handled = manager.post(f"/reports/custody/{visit.pk}/concern/", {"note": "Referred to Professional Standards."})
    assert handled.status_code == 302
    assert "kicked in the van" not in manager.get("/coverage/").content.decode()
    assert "Referred to Professional Standards." in manager.get(f"/reports/custody/{visit.pk}/").content.decode()
