"""The manager's week of the rota in Chromium at 1280, 768 and 390 px, axe clean: what needs them first,
a swap, a cancel; custody staff find no such page."""

from datetime import timedelta

import pytest

from rota.models import Assignment, Decline, Seat, State
from rota.services import availability_save
from tests.browser import screenshot
from tests.factories import UserFactory
from tests.rota.conftest import cells
from tests.web.test_browser import look, sign_in
from visits.models import Role

pytestmark = pytest.mark.services


def test_the_managers_week_puts_what_needs_them_first_and_swaps_a_visitor(live_server, open_page, scheme, suite,
                                                                          alice, carol):
    team = [UserFactory(username=f"week{n}", role=Role.VISITOR, scheme=scheme) for n in range(4)]
    monday = scheme.local_today() + timedelta(days=7 - scheme.local_today().weekday())
    for person in team:  # nobody at night
        availability_save(visitor=person, day=monday, cells=cells(), leave=[], by_email=False)
    made = []
    for n, (day, band, state) in enumerate([(1, "08:00-11:59", State.ACCEPTED), (3, "12:00-15:59", State.DECLINED),
                                            (5, "16:00-19:59", State.PROPOSED)]):
        visit = Assignment.objects.create(scheme=scheme, site=suite, date=monday + timedelta(days=day), band=band,
                                          state=state, window_from=monday, window_to=monday + timedelta(days=6))
        pair = team[:1] if state == State.DECLINED else team[n % 2:n % 2 + 2]
        Seat.objects.bulk_create([Seat(assignment=visit, visitor=p) for p in pair])
        if state == State.DECLINED:
            Decline.objects.create(assignment=visit, visitor=team[3], reason="unwell")
        made.append(visit)

    page = open_page()
    sign_in(page, live_server, alice)
    page.get_by_role("link", name="Rota").click()
    page.get_by_role("heading", name="Rota", level=1).wait_for()
    page.get_by_role("link", name="Next week").click()
    page.get_by_role("heading", name="Planned visits").wait_for()
    first = page.locator(".rota-visit").first
    assert "Declined" in first.inner_text()  # what needs the manager first
    assert "night" not in page.content()
    nobody = page.locator("h2:has-text('Times nobody can go') + h3 + ul").inner_text()
    assert "00:00-07:59: every day" in nobody and "08:00-11:59" not in nobody
    look(page, "rota", phone=True)

    declined = made[1]
    card = page.locator(f"#visit-{declined.pk}")
    card.get_by_text("Swap or reassign").click()
    card.get_by_label("First visitor").select_option(str(team[0].pk))
    card.get_by_label("Second visitor").select_option(str(team[2].pk))
    card.get_by_role("button", name="Give it to this pair").click()
    page.get_by_text("The visit is given to its new pair").wait_for()
    declined.refresh_from_db()
    assert declined.state == State.PROPOSED and set(declined.visitors.all()) == {team[0], team[2]}

    card = page.locator(f"#visit-{made[2].pk}")
    card.get_by_text("Swap or reassign").click()
    card.get_by_role("button", name="Cancel this visit").click()
    page.get_by_text("The visit is cancelled.").wait_for()
    screenshot(page, "web/rota-after-changes-1280")
    assert Assignment.objects.get(pk=made[2].pk).state == State.CANCELLED

    force = open_page()
    sign_in(force, live_server, carol)
    assert force.goto(f"{live_server.url}/rota/").status == 404
    assert "Rota" not in force.locator("header").inner_text()
