from datetime import date
from xml.etree import ElementTree

from scheduling.heatmap import colour_bins, render_heatmap_svg
from scheduling.selectors import coverage_for_site
from tests.helpers import utc

SVG = "{http://www.w3.org/2000/svg}"


def test_it_bins_counts_into_at_most_seven_shades_covering_every_count():
    assert colour_bins(0) == []
    assert [(low, high) for low, high, _ in colour_bins(3)] == [(1, 1), (2, 2), (3, 3)]
    bins = colour_bins(50)
    assert len(bins) == 7
    assert bins[0][0] == 1 and bins[-1][1] == 50
    assert all(a[1] + 1 == b[0] for a, b in zip(bins, bins[1:]))


def test_it_escapes_the_title_and_shows_the_visits_outside_the_animal_bands(animal_unit, visit):
    visit(animal_unit, utc(2024, 5, 8, 13, 0))  # 14:00 BST, between the bands

    coverage = coverage_for_site(site=animal_unit, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))
    svg = ElementTree.fromstring(render_heatmap_svg(coverage, title='Dogs & <script>"x"</script>'))

    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert 'Dogs & <script>"x"</script>' in texts
    assert not list(svg.iter(f"{SVG}script"))
    assert "Outside the bands: 1" in texts
    assert "Weekend" in texts
