"""The printable annual report page: sections, figures from the data, who may see it."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import SiteFactory, custody_visit
from tests.helpers import utc

SECTIONS = ["Summary", "Custody suites", "Timeslot coverage", "Issues raised and the force's responses",
            "Volunteers", "Animal welfare visits"]


def page(user, scheme_id, fy=2023):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/reports/annual/{scheme_id}/{fy}/")


def test_it_renders_every_section_for_the_schemes_manager(alice, scheme, year, bob, bella):
    response = page(alice, scheme.pk)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in SECTIONS:
        assert f"<h2>{heading}</h2>" in html
    assert "Northshire" in html and "2023/24" in html
    # Per-suite tables from the same KPIs as the API.
    assert "<h3>Central</h3>" in html and "<h3>Harbour</h3>" in html and "<h3>Dog unit</h3>" in html
    assert '<th scope="row">Target</th><td>52</td>' in html and '<th scope="row">% of target</th><td>3.8</td>' in html  # Central: target 52, 2 visits = 3.8 %
    assert "88.9 of offered" in html  # Central: 8 seen of 9 offered
    # The heatmap of each site, the issues chart, and print rules.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3 + 1
    assert "Issues raised per category" in html and "#0072B2" in html
    # Its print rules are in its own style sheet: the Content-Security-Policy refuses inline styles.
    assert 'href="/static/reporting/annual_report.css"' in html and "<style" not in html
    print_rules = Path(finders.find("reporting/annual_report.css")).read_text()
    assert "@media print" in print_rules and "break-before: page" in print_rules
    # Counts only: no volunteer is named.
    for person in (bob, bella):
        assert person.username not in html and person.last_name not in html


def test_its_queries_do_not_grow_with_the_sites(alice, scheme, year, bob, bella):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(alice, scheme.pk).status_code == 200
        return len(captured)

    with_three_sites = queries()
    for n in range(5):  # five more suites, each with a visit in the year: still one coverage aggregate
        custody_visit(site=SiteFactory(scheme=scheme, name=f"Extra {n}"), sender=bob, visitors=[bob, bella],
                      arrived_at=utc(2023, 10, 2 + n, 10, 0))
    assert queries() == with_three_sites


def test_analysts_granted_the_scheme_and_superusers_may_read_it(dave, root, scheme):
    assert page(dave, scheme.pk).status_code == 200
    assert page(root, scheme.pk).status_code == 200


@pytest.mark.parametrize("persona", ["charlie", "bob", "carol"])
def test_anyone_else_gets_404(request, scheme, persona):
    assert page(request.getfixturevalue(persona), scheme.pk).status_code == 404


def test_an_analyst_not_granted_the_scheme_gets_404(dave, other_scheme):
    assert page(dave, other_scheme.pk).status_code == 404


def test_an_unknown_year_is_404(alice, scheme):
    assert page(alice, scheme.pk, fy=1066).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(scheme):
    response = page(None, scheme.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/signin/?next=/reports/annual/{scheme.pk}/2023/"


def test_the_profile_of_those_seen_is_in_words_people_use(alice, scheme, year):
    html = page(alice, scheme.pk).content.decode()
    assert '<td class="label">Adult</td>' in html and '<td class="label">Female</td>' in html
    assert '<td class="label">adult</td>' not in html and '<td class="label">female</td>' not in html


def test_previous_year_is_offered_only_back_to_the_schemes_first_report(alice, scheme, year):
    # The fixture's first report is on 31 March 2023 (FY 2022/23): 2023/24 links to it, it links nowhere.
    assert f'href="/reports/annual/{scheme.pk}/2022/">Previous year</a>' in page(alice, scheme.pk).content.decode()
    earliest = page(alice, scheme.pk, fy=2022).content.decode()
    assert "Previous year" not in earliest and f"/reports/annual/{scheme.pk}/2021/" not in earliest


def test_the_category_chart_has_room_for_its_longest_label():
    import re

    from reporting.charts import bar_chart_svg

    label = "Hygiene and female hygiene products, and a little more"
    svg = str(bar_chart_svg(title="t", bars=[(label, 3), ("Other", 1)]))
    right_edge = int(re.search(r'<text x="(\d+)" y="15" text-anchor="end">' + label, svg).group(1))
    assert right_edge >= 7 * len(label)  # its start is inside the picture, not cut off at the left


def test_each_suites_grid_is_one_picture_on_one_scale_with_its_table_for_screen_readers(alice, scheme, year):
    import re

    html = page(alice, scheme.pk).content.decode()
    timeslots = html[html.index('<section id="timeslots">'):html.index('<section id="issues">')]
    assert timeslots.count("<svg") == 2 and timeslots.count('<div class="visually-hidden"><table>') == 2
    # One colour scale: the legend of every suite's heatmap is the same.
    legends = [re.findall(r">([0-9]+(?:-[0-9]+)?)</text>", svg.split("a gap to fill")[1])
               for svg in timeslots.split("<svg")[1:]]
    assert legends[0] and legends[0] == legends[1]
