"""The public page for the open internet: no cookies, the same answer for everyone from the frozen
release (one query on the scheme's publication settings, none on the visit tables), ETag and
Cache-Control; the timeslot grid only for a completed financial year."""

import gzip
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from publication.models import Release
from publication.services import release_publish
from tests.factories import UserFactory
from visits.models import Role
from volunteers.models import PopulationShare
from volunteers.services import profile_save


def test_the_page_sets_no_cookie_and_once_answered_costs_no_query(year, alice, client):
    release_publish(scheme=alice.scheme, fy=2023, quarter=1, user=alice)
    release = Release.objects.get()
    urls = ["/public/northshire/", f"/public/northshire/releases/{release.pk}/", "/public/northshire/releases.json",
            f"/public/northshire/releases/{release.pk}.csv", f"/public/northshire/releases/{release.pk}.json",
            "/public/northshire/feed.atom"]
    for url in urls:
        client.get(url)  # built once
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url)
        assert answer.status_code == 200
        assert not answer.cookies and "Set-Cookie" not in answer.headers, url
        assert queries.captured_queries == [], url  # kept whole (publication.answers), headers and all
        assert "Content-Security-Policy" in answer.headers and answer.headers["ETag"], url
        assert answer.headers["Cache-Control"].startswith("public, max-age=")
        again = client.get(url, HTTP_IF_NONE_MATCH=answer.headers["ETag"])
        assert again.status_code == 304 and again.headers["ETag"] == answer.headers["ETag"]
    assert "immutable" in client.get(urls[3]).headers["Cache-Control"]
    page = client.get(urls[0]).content.decode()
    assert "<script" not in page and " style=" not in page and "<style" not in page


def test_a_browser_that_accepts_gzip_gets_the_page_gzipped_from_the_first_answer(year, alice, client):
    """A year's page for 200 suites is 166 KB of HTML and 10 KB gzipped: on a phone's slow line that is
    seconds. The gzipped copy has a weak ETag of its own; a client that asks for no encoding gets the plain one."""
    release_publish(scheme=alice.scheme, fy=2023, quarter=1, user=alice)
    for _ in range(2):  # the first answer (built) and the kept one alike
        zipped = client.get("/public/northshire/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        plain = client.get("/public/northshire/")
        assert (zipped.headers["Content-Encoding"], plain.get("Content-Encoding")) == ("gzip", None)
        assert gzip.decompress(zipped.content) == plain.content and b"<main" in plain.content
        assert len(zipped.content) < len(plain.content) / 3
        assert int(zipped.headers["Content-Length"]) == len(zipped.content)
        assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
        assert zipped.headers["ETag"] == "W/" + plain.headers["ETag"]
    again = client.get("/public/northshire/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped.headers["ETag"])
    assert again.status_code == 304 and again.headers["ETag"] == zipped.headers["ETag"]


def test_a_new_release_moves_the_page_on(year, alice, client):
    release_publish(scheme=alice.scheme, fy=2023, quarter=1, user=alice)
    first = client.get("/public/northshire/")
    release_publish(scheme=alice.scheme, fy=2023, quarter=2, user=alice)
    second = client.get("/public/northshire/")
    assert first.headers["ETag"] != second.headers["ETag"]
    assert "2023/24 Q2" in second.content.decode().split("<main")[1].split("</h1>")[0]


def test_the_timeslot_grid_only_for_a_completed_financial_year(year, alice, client):
    quarter = release_publish(scheme=alice.scheme, fy=2023, quarter=3, user=alice)
    whole = release_publish(scheme=alice.scheme, fy=2023, quarter=0, user=alice)
    assert not [r for r in quarter.figures["rows"] if r["measure"] == "timeslot_visits"]
    assert sum(r["value"] for r in whole.figures["rows"] if r["measure"] == "timeslot_visits") == 4
    quarter_page = client.get(f"/public/northshire/releases/{quarter.pk}/").content.decode()
    year_page = client.get(f"/public/northshire/releases/{whole.pk}/").content.decode()
    assert "timeslot_visits" not in quarter_page and 'id="timeslots"' not in quarter_page
    assert len(re.findall(r'data-figure="timeslot_visits\|', year_page)) == 35  # 7 days x 5 bands of Central


def test_the_manager_publishes_from_the_desk_and_announces_the_next_date(year, alice, bob, client):
    client.force_login(alice)
    assert client.get("/publication/").status_code == 200
    answer = client.post("/publication/publish/", {"publish-period": "2023-1"})
    assert answer.status_code == 302
    assert client.post("/publication/publish/", {"publish-period": "2023-1"}).status_code == 400  # no note
    client.post("/publication/announce/", {"announce-period": "2026-3", "announce-due_on": "2099-01-15"})
    client.logout()
    page = client.get("/public/northshire/").content.decode()
    assert "15 January 2099" in page
    client.force_login(bob)
    assert client.get("/publication/").status_code == 404


def test_the_volunteers_beside_the_population_where_the_scheme_keeps_it(year, alice, scheme, client):
    for gender, n in (("female", 5), ("male", 4), ("another", 2)):
        for _ in range(n):
            profile_save(user=UserFactory(scheme=scheme, role=Role.VISITOR), fields={"gender": gender})
    without = release_publish(scheme=scheme, fy=2023, quarter=3, user=alice)
    assert not [r for r in without.figures["rows"] if r["measure"].startswith("cohort_")]
    PopulationShare.objects.create(scheme=scheme, dimension="gender", group="female", share_pct="50.80")
    release = release_publish(scheme=scheme, fy=2023, quarter=4, user=alice)
    rows = {(r["measure"], r["item"]): r for r in release.figures["rows"]}
    # bob and bella have not answered: 13 volunteers. 2 "another" is fewer than 3, and the next
    # smallest of the sum (bob and bella's 2, then the 4 men) goes too, so no total gives it away.
    assert rows[("cohort_volunteers", "")]["value"] == 13
    assert rows[("cohort_gender", "female")]["value"] == 5
    assert rows[("share_of_cohort_pct_gender", "female")]["value"] == 38.5
    assert rows[("population_pct_gender", "female")]["value"] == 50.8
    assert rows[("cohort_gender", "another")]["status"] == "small"
    assert rows[("share_of_cohort_pct_gender", "another")]["status"] == "withheld"
    page = client.get(f"/public/northshire/releases/{release.pk}/").content.decode()
    assert "The volunteers beside the area's population" in page
    assert 'data-figure="cohort_gender|another">fewer than 3<' in page
