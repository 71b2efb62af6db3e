"""Publishing the same period twice at once: one release. It commits for real, each request on its own
connection."""

import threading

import pytest
from django.db import connections
from django.test import Client

from tests.outside.api import World, make_root, post

REL = "/api/v1/releases/"


@pytest.mark.django_db(transaction=True)
def test_publishing_the_same_period_twice_at_once_makes_one_release():
    make_root()
    n = World("Northshire", "n", n_visitors=2)
    barrier = threading.Barrier(2)
    answers = [None, None]

    def publish(i):
        try:
            barrier.wait()
            answers[i] = n.manager.post(REL, {"period": "2024-Q2"}, format="json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code < 500 for r in answers), [(r.status_code, r.content[:200]) for r in answers]
    codes = sorted(r.status_code for r in answers)
    assert codes[0] == 201 and codes[1] in (200, 201, 400, 409), codes
    releases = n.manager.get(REL).json()["results"]
    assert [(x["period"], x["version"]) for x in releases] == [("2024-Q2", 1)], releases
    # a correction with its note is the second version, and the first stays readable
    second = post(n.manager, REL, {"period": "2024-Q2", "note": "A late report added"})
    assert second["version"] == 2
    assert Client().get(f"{second['public_url'].split('/releases/')[0]}/releases/{releases[0]['id']}.json") \
        .status_code == 200
