"""Releases: a manager publishes a completed period, frozen; a correction is a new version with its
note, the earlier one still readable; nothing of a period not ended is reachable."""

import json

import pytest

from publication.models import Release
from tests.factories import custody_visit
from tests.helpers import utc
from tests.openapi import CheckedClient
from visits import services as visit_services


def publish(alice, period, note=None):
    client = CheckedClient()
    client.force_authenticate(alice)
    return client.post("/api/v1/releases/", {"period": period, **({"note": note} if note else {})}, format="json")


def public_json(client, release_id, slug="northshire"):
    return json.loads(client.get(f"/public/{slug}/releases/{release_id}.json").content)


def figure(data, measure, item=""):
    return next(row for row in data["figures"] if (row["measure"], row["item"]) == (measure, item))


def test_it_publishes_a_quarter_frozen_and_a_later_report_changes_nothing(year, alice, suite, bob, bella, client):
    answer = publish(alice, "2023-Q1")
    assert answer.status_code == 201, answer.content
    release = answer.json()
    assert (release["period_label"], release["version"], release["note"]) == ("2023/24 Q1", 1, "")
    before = client.get(f"/public/northshire/releases/{release['id']}.csv").content
    assert figure(public_json(client, release["id"]), "detainees_present")["value"] == 10

    # A late report in the quarter, and a correction of the quarter's report: the release stays as published.
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2023, 6, 1, 20), detainees_present=4,
                  detainees_not_offered=4)
    visit_services.report_update(report=year[1], editor=alice, reason="Miscounted.", changes={
        "detainees_present": 11, "detainees_not_offered": 3})
    assert client.get(f"/public/northshire/releases/{release['id']}.csv").content == before
    assert figure(public_json(client, release["id"]), "detainees_present")["value"] == 10


def test_a_correction_is_a_new_version_with_its_note_and_the_first_stays_readable(year, alice, suite, bob, bella,
                                                                                    client):
    first = publish(alice, "2023-Q1").json()
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2023, 6, 1, 20), detainees_present=4,
                  detainees_not_offered=4)
    refused = publish(alice, "2023-Q1")
    assert refused.status_code == 400 and "note" in refused.json()
    second = publish(alice, "2023-Q1", note="A report of 1 June arrived late.").json()
    assert (second["version"], second["note"]) == (2, "A report of 1 June arrived late.")
    assert figure(public_json(client, second["id"]), "detainees_present")["value"] == 14
    assert figure(public_json(client, first["id"]), "detainees_present")["value"] == 10

    page = client.get("/public/northshire/").content.decode()
    assert "A report of 1 June arrived late." in page and "(version 2)" in page
    old = client.get(f"/public/northshire/releases/{first['id']}/").content.decode()
    assert "This version has been corrected." in old and f"/public/northshire/releases/{second['id']}/" in old
    index = json.loads(client.get("/public/northshire/releases.json").content)
    assert [(r["period"], r["version"]) for r in index["releases"]] == [("2023/24 Q1", 2), ("2023/24 Q1", 1)]


def test_nothing_of_a_period_not_ended_is_published_or_reachable(year, alice, scheme, client):
    today = scheme.local_today()
    fy = today.year if today.month >= 4 else today.year - 1
    quarter = (today.month - 4) % 12 // 3 + 1
    for period in (str(fy), f"{fy}-Q{quarter}", f"{fy + 1}-Q1"):
        answer = publish(alice, period)
        assert answer.status_code == 400, period
        assert "has not ended" in answer.json()["period"][0]
    assert publish(alice, "2023-Q5").status_code == 400
    publish(alice, "2023")
    assert not Release.objects.filter(date_to__gte=today).exists()
    # Every public address lists or serves only the year published, and no date after it.
    for url in ("/public/northshire/", "/public/northshire/releases.json", "/public/northshire/feed.atom"):
        text = client.get(url).content.decode()
        assert "2023/24" in text and f"{fy}/" not in text.replace("2023/24", "")
    assert client.get(f"/public/northshire/releases/{Release.objects.get().pk + 1}.json").status_code == 404


def test_only_a_manager_publishes_and_a_superuser_may_hide_the_page(year, alice, bob, dave, client):
    for user in (bob, dave):
        api = CheckedClient()
        api.force_authenticate(user)
        assert api.post("/api/v1/releases/", {"period": "2023-Q1"}, format="json").status_code == 403
    publish(alice, "2023-Q1")
    assert client.get("/public/northshire/").status_code == 200
    settings = alice.scheme.publication
    settings.hidden = True
    settings.revision += 1
    settings.save()
    release = Release.objects.get()
    for url in ("/public/northshire/", "/public/northshire/feed.atom", "/public/northshire/releases.json",
                f"/public/northshire/releases/{release.pk}.csv", f"/public/northshire/releases/{release.pk}/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("welsh", [True, False])
def test_the_welsh_page_only_where_the_scheme_offers_welsh(year, alice, scheme, client, welsh):
    scheme.languages = "en,cy" if welsh else "en"
    scheme.save()
    publish(alice, "2023-Q1")
    answer = client.get("/public/northshire/cy/")
    if not welsh:
        assert answer.status_code == 404
        assert 'hreflang="cy"' not in client.get("/public/northshire/").content.decode()
        return
    page = answer.content.decode()
    assert '<html lang="cy">' in page and 'href="/public/northshire/"' in page
    english = client.get("/public/northshire/").content.decode()
    assert '<html lang="en-GB">' in english
    assert '<link rel="alternate" hreflang="cy" href="http://testserver/public/northshire/cy/">' in english


def test_a_correction_keeps_hidden_what_the_version_it_replaces_hid(year, alice, suite, bob, bella, client):
    """Q1 refused 1 (hidden); a late report brings it to 4. Shown in the correction, 4 beside the first
    version's figures would tell how many the late report added, and so the first version's hidden 1."""
    first = publish(alice, "2023-Q1").json()
    assert figure(public_json(client, first["id"]), "detainees_refused")["status"] == "small"
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=utc(2023, 6, 1, 20), detainees_present=3,
                  detainees_offered=3, detainees_seen=0, detainees_refused=3)
    second = publish(alice, "2023-Q1", note="A report of 1 June arrived late.").json()
    refused = figure(public_json(client, second["id"]), "detainees_refused")
    assert refused["status"] == "secondary" and refused["value"] is None
    assert figure(public_json(client, second["id"]), "detainees_present")["value"] == 13
