"""Scheduling in Welsh: the heatmap's days, totals, legend and title, and the API's messages, in the
language asked for; the coverage answer's machine values ("monday", bands) are the same in both."""

from datetime import date
from xml.etree import ElementTree

from django.utils import translation

from scheduling.heatmap import render_heatmap_svg
from scheduling.selectors import coverage_for_site
from tests.helpers import utc

SVG = "{http://www.w3.org/2000/svg}"
HEATMAP, COVERAGE = "/api/v1/coverage/heatmap.svg", "/api/v1/coverage/"
JULY = {"from": "2024-07-01", "to": "2024-07-31"}
WELSH_DAYS = ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"]
ENGLISH_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def texts(svg: str) -> list[str]:
    return [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_the_heatmap_in_welsh_has_welsh_day_names_totals_and_legend(suite, visit):
    visit(suite, utc(2024, 7, 1, 9, 0))
    coverage = coverage_for_site(site=suite, date_from=date(2024, 7, 1), date_to=date(2024, 7, 31))
    with translation.override("cy"):
        svg = render_heatmap_svg(coverage, title="Central")
    words = texts(svg)
    assert [w for w in words if w.startswith("Dydd ")] == WELSH_DAYS
    assert not set(ENGLISH_DAYS) & set(words)
    assert "Cyfanswm" in words and "Total" not in words
    assert "Ymweliadau ym mhob cell:" in words and "0 (dim ymweliad: bwlch i'w lenwi)" in words
    assert "Cyfran y celloedd yr ymwelwyd â nhw: 3%; anrhagweladwyedd 0.00 (1 = lledaeniad cyfartal)." in words
    desc = ElementTree.fromstring(svg).find(f"{SVG}desc").text
    assert desc == "1 ymweliad mewn 35 cell; 34 cell heb ymweliad."
    # The same picture in English, from the same figures.
    assert [w for w in texts(render_heatmap_svg(coverage, title="Central")) if w.endswith("day")] == ENGLISH_DAYS


def test_an_animal_units_heatmap_in_welsh_names_the_weekend_and_the_visits_outside_the_bands(animal_unit, visit):
    visit(animal_unit, utc(2024, 5, 8, 13, 0))  # 14:00 BST, between the bands
    coverage = coverage_for_site(site=animal_unit, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))
    with translation.override("cy"):
        svg = render_heatmap_svg(coverage, title="Uned cŵn")
    words = texts(svg)
    assert "Penwythnos" in words and "Weekend" not in words
    assert "Y tu allan i'r cyfnodau amser: 1" in words
    # Its words fit: the picture is at least as wide as its longest line of words needs.
    width = int(ElementTree.fromstring(svg).get("width"))
    assert width >= 20 + 7 * max(len(w) for w in words if w.startswith("Cyfran"))


def test_the_heatmap_follows_accept_language_with_welsh_dates_in_its_title(api, alice, suite, visit):
    visit(suite, utc(2024, 7, 1, 9, 0))
    welsh = api(alice).get(HEATMAP, {"site": suite.pk, **JULY}, HTTP_ACCEPT="image/svg+xml",
                           HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.status_code == 200 and welsh["Content-Type"].startswith("image/svg+xml")
    words = texts(welsh.content)
    assert "Central: ymweliadau o 1 Gorffennaf 2024 i 31 Gorffennaf 2024" in words
    assert "Dydd Llun" in words
    english = api(alice).get(HEATMAP, {"site": suite.pk, **JULY}, HTTP_ACCEPT="image/svg+xml",
                             HTTP_ACCEPT_LANGUAGE="en-GB")
    assert "Central: visits 1 July 2024 to 31 July 2024" in texts(english.content)


def test_the_coverage_answer_keeps_its_machine_values_in_welsh(api, alice, suite, visit):
    visit(suite, utc(2024, 7, 1, 9, 0))
    english = api(alice).get(COVERAGE, {"site": suite.pk, **JULY}, HTTP_ACCEPT_LANGUAGE="en-GB")
    welsh = api(alice).get(COVERAGE, {"site": suite.pk, **JULY}, HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.json() == english.json() and welsh.json()["days"][0] == "monday"


def test_the_recommendation_not_yet_made_is_explained_in_welsh(api, alice, suite):
    answer = api(alice).get("/api/v1/recommendations/", {"site": suite.pk}, HTTP_ACCEPT_LANGUAGE="cy")
    assert answer.status_code == 404
    assert "Nid oes argymhelliad wedi'i wneud ar gyfer y safle hwn eto." in answer.content.decode()
