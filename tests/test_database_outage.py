"""PostgreSQL unreachable under a real gunicorn: every API answer is a JSON 503 with Retry-After that
a phone can wait out, health says the database is down, and once it is back the same server process
answers again, with nothing restarted."""

import pytest

from tests.factories import SiteFactory, UserFactory
from tests.visits.conftest import custody_body
from visits.models import CustodyVisit, Role

PASSWORD = "outage-pass-2024!"


@pytest.mark.services
def test_an_unreachable_database_answers_503_with_retry_after_and_the_service_recovers(proxied_server, scheme):
    proxy, server = proxied_server
    suite = SiteFactory(scheme=scheme)
    bob = UserFactory(username="bob", scheme=scheme, password=PASSWORD)
    bella = UserFactory(username="bella", scheme=scheme)
    UserFactory(username="alice", role=Role.MANAGER, scheme=scheme)

    status, _, tokens = server.request("POST", "/api/v1/auth/token/", {"username": "bob", "password": PASSWORD})
    assert status == 200, server.log()
    token = tokens["access"]
    assert server.request("GET", "/api/v1/sites/", token=token)[0] == 200

    proxy.cut()
    for method, path, body in [
        ("GET", "/api/v1/sites/", None),
        ("POST", "/api/v1/visits/", custody_body(site=suite, visitors=[bob, bella])),
        ("POST", "/api/v1/auth/token/", {"username": "bob", "password": PASSWORD}),
    ]:
        status, headers, answer = server.request(method, path, body, token=token)
        assert status == 503, (method, path, answer)
        assert headers["Content-Type"] == "application/json"
        assert int(headers["Retry-After"]) > 0
        assert answer["detail"].startswith("The database is not answering")
    status, headers, health = server.request("GET", "/api/v1/health/")
    assert status == 503
    assert health["database"].startswith("down")
    assert int(headers["Retry-After"]) > 0
    assert CustodyVisit.objects.count() == 0

    proxy.restore()
    assert server.request("GET", "/api/v1/health/")[0] == 200
    assert server.request("GET", "/api/v1/sites/", token=token)[0] == 200
    status, _, stored = server.request("POST", "/api/v1/visits/", custody_body(site=suite, visitors=[bob, bella]),
                                       token=token)
    assert status == 201, stored
    assert CustodyVisit.objects.filter(pk=stored["id"]).exists()
