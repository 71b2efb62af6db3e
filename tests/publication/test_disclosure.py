"""Disclosure control on a year with small counts: a reader of everything public (every release's
page, CSV and JSON, the index) who knows every sum the figures obey tries to work out each hidden
count, and fails. The reader is publication.disclosure.exposure with probing: bounds from the
markers ("fewer than 3" is 1 or 2), tightened over every sum, then each possible value tried."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from publication import disclosure
from publication.figures import ADDITIVE
from tests.openapi import CheckedClient

DETAINEE_SUMS = [("detainees_present", ["detainees_offered", "detainees_not_offered", "detainees_unavailable",
                                        "detainees_observed"]),
                 ("detainees_offered", ["detainees_seen", "detainees_refused"]),
                 ("volunteers_active", ["volunteers_at_end", "volunteers_left"])]
MARKERS = {"shown": disclosure.SHOWN, "small": disclosure.SMALL, "secondary": disclosure.SECONDARY}


def publish_all(alice, order):
    api = CheckedClient()
    api.force_authenticate(alice)
    for period in order:
        assert api.post("/api/v1/releases/", {"period": period}, format="json").status_code == 201


def everything_public(client) -> dict[str, list[dict]]:
    """Each current release's rows, from its JSON, checked equal to its CSV and its page."""
    index = json.loads(client.get("/public/northshire/releases.json").content)
    releases = {}
    for record in index["releases"]:
        data = json.loads(client.get(record["json"]).content)
        rows = list(csv.DictReader(io.StringIO(client.get(record["csv"]).content.decode())))
        assert [(r["measure"], r["item"], r["value"], r["status"]) for r in rows] == [
            (f["measure"], f["item"], "" if f["value"] is None else str(f["value"]), f["status"])
            for f in data["figures"]]
        page_agrees(client.get(record["page"]).content.decode(), data["figures"])
        releases[record["period"]] = data["figures"]
    return releases


def page_agrees(page: str, figures: list[dict]) -> None:
    """Every figure the page shows is the file's, in words: a number, "fewer than 3" or "not shown"."""
    shown = dict(re.findall(r'data-figure="([^"]*)">([^<]*)<', page))
    rows = {f"{f['measure']}|{f['item']}": f for f in figures}
    assert len(shown) > 30
    for key, text in shown.items():
        row = rows[key.replace("&amp;", "&")]
        if row["status"] == "small":
            assert text == "fewer than 3", key
        elif row["status"] in ("secondary", "withheld"):
            assert text == "not shown", key
        elif row["value"] is None:
            assert text == "–", key
        else:
            assert float(text.replace(",", "").strip("%£")) == row["value"], key


def attack(releases: dict[str, list[dict]]) -> dict:
    """What a reader works out of the hidden counts from the sums inside each release and the year's
    being the sum of its quarters."""
    columns = {"2023/24": "Y", **{f"2023/24 Q{q}": f"Q{q}" for q in (1, 2, 3, 4)}}
    states, values, groups = {}, {}, []
    for period, rows in releases.items():
        column = columns[period]
        for row in rows:
            if row["status"] in MARKERS:
                key = (column, row["measure"], row["item"])
                states[key] = MARKERS[row["status"]]
                values[key] = row["value"]
        groups += [((column, total, ""), [(column, part, "") for part in parts]) for total, parts in DETAINEE_SUMS]
        categories = [row["item"] for row in rows if row["measure"] == "issues_raised" and row["item"]]
        groups.append(((column, "issues_raised", ""), [(column, "issues_raised", c) for c in categories]))
    for _year, measure, item in [key for key in states if key[0] == "Y" and key[1] in ADDITIVE]:
        groups.append((("Y", measure, item), [(f"Q{q}", measure, item) for q in (1, 2, 3, 4)]))
    return states, exposure(groups, states, values)


def exposure(groups, states, values):
    return disclosure.exposure(groups, states, values, threshold=3, probe=True)


@pytest.mark.parametrize("order", [["2023-Q1", "2023-Q3", "2023", "2023-Q2", "2023-Q4"],
                                   ["2023", "2023-Q4", "2023-Q3", "2023-Q2", "2023-Q1"]])
def test_small_counts_hidden_in_a_year_and_its_quarters_cannot_be_worked_out(year, alice, client, order):
    # Each release is controlled against those before it, whichever comes first.
    publish_all(alice, order)
    releases = everything_public(client)
    assert len(releases) == 5
    status = {(period, r["measure"], r["item"]): r["status"] for period, rows in releases.items() for r in rows}
    # The small counts are hidden: Q1 refused 1 and observed 1, Q3 refused 2, the year's observed 1,
    # food and drink 1 in Q1 and 2 in Q3 ("fewer than 3", or "not shown" where those markers alone
    # would add up to the count).
    for cell in [("2023/24 Q1", "detainees_refused", ""), ("2023/24 Q1", "detainees_observed", ""),
                 ("2023/24 Q3", "detainees_refused", ""), ("2023/24", "detainees_observed", ""),
                 ("2023/24 Q1", "issues_raised", "food-and-drink"), ("2023/24 Q3", "issues_raised", "food-and-drink")]:
        assert status[cell] in ("small", "secondary"), cell
    assert sum(s == "secondary" for s in status.values()) >= 4  # and others beside them
    # No percentage is computed from a hidden count.
    assert status[("2023/24 Q1", "detainees_refused_pct_of_offered", "")] == "withheld"
    assert status[("2023/24 Q3", "detainees_seen_pct_of_offered", "")] == "withheld"

    states, recovered = attack(releases)
    small = {key for key, state in states.items() if state == disclosure.SMALL}
    assert len(small) >= 5
    assert not (small & set(recovered)), {key: recovered[key] for key in small & set(recovered)}


def test_without_secondary_suppression_the_same_reader_would_succeed(year, alice, client):
    """The attack is a real one: shown the secondary cells of the same releases, it recovers the small counts."""
    publish_all(alice, ["2023-Q1", "2023-Q3", "2023", "2023-Q2", "2023-Q4"])
    releases = everything_public(client)
    from publication.models import Release  # the raw counts, never public, stand in for what was hidden

    for release in Release.objects.all():
        rows = releases[release.period_label]
        for row in rows:
            if row["status"] == "secondary":
                row["status"], row["value"] = "shown", release.raw["cells"][row["measure"]][row["item"]]
    states, recovered = attack(releases)
    assert {key for key, state in states.items() if state == disclosure.SMALL} & set(recovered)


def test_the_feed_lists_every_release_as_the_index_does(year, alice, client):
    publish_all(alice, ["2023-Q1", "2023"])
    index = json.loads(client.get("/public/northshire/releases.json").content)
    feed = ET.fromstring(client.get("/public/northshire/feed.atom").content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = [(e.find(f"{atom}title").text, e.find(f"{atom}link").get("href")) for e in feed.iter(f"{atom}entry")]
    assert entries == [(r["period"], f"http://testserver{r['page']}") for r in index["releases"]]
