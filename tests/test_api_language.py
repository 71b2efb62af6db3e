"""The API answers in the language the caller's Accept-Language asks for (English or Welsh): every
message a person reads, ours and the framework's, while field names and codes stay as the contract has
them."""

import json
import urllib.error
import urllib.request

import pytest

from tests.factories import UserFactory
from tests.visits.conftest import VISITS, custody_body

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, body, language):
    return client.post(VISITS, json.dumps(body), content_type="application/json", **language)


def both(api, user, body):
    """The same bad report sent in English and in Welsh: (English errors, Welsh errors)."""
    client = api(user)
    english, welsh = post(client, body, ENGLISH), post(client, body, WELSH)
    assert english.status_code == welsh.status_code == 400
    return english.json(), welsh.json()


def test_a_report_the_serializer_refuses_names_the_same_fields_in_welsh(api, suite, bob, bella):
    body = custody_body(site=suite, visitors=[bob, bella], detainees_seen="five", tact="yes",
                        client_uuid="not-a-uuid")
    del body["arrived_at"]
    english, welsh = both(api, bob, body)
    assert set(english) == set(welsh) == {"arrived_at", "detainees_seen", "tact", "client_uuid"}
    assert english["arrived_at"] == ["This field is required."]
    assert welsh["arrived_at"] == ["Mae angen y maes hwn."]
    assert english["detainees_seen"] == ["Give a whole number."]
    assert welsh["detainees_seen"] == ["Rhowch rif cyfan."]
    assert welsh["tact"] == ["Rhowch true neu false."]
    assert welsh["client_uuid"][0].startswith("Rhowch UUID a wnaed ar y ffôn")


def test_a_report_the_rules_refuse_names_the_same_fields_in_welsh(api, suite, bob, bella):
    body = custody_body(site=suite, visitors=[bob, bella], left_at="2024-02-06T21:42:00+00:00", detainees_present=13)
    english, welsh = both(api, bob, body)
    assert set(english) == set(welsh) == {"left_at", "detainees_present"}
    assert english["left_at"] == ["Departure cannot be before admission."]
    assert welsh["left_at"] == ["Ni all gadael fod cyn cael mynediad."]
    assert welsh["detainees_present"] == [
        "Rhaid i'r carcharorion sy'n bresennol (13) fod yn hafal i'r rhai a gafodd gynnig + heb gynnig + ddim ar "
        "gael + a arsylwyd (14)."]

    body = custody_body(site=suite, visitors=[bob, bella],
                        issues=[{"category": "food-and-drink", "description": "Cold meals."},
                                {"category": "weather", "description": "Rain."}])
    english, welsh = both(api, bob, body)
    assert set(english) == set(welsh) == {"issues"}
    assert english["issues"] == ["Issue 2: no category 'weather' in this scheme."]
    assert welsh["issues"] == ["Mater 2: nid oes categori 'weather' yn y cynllun hwn."]


def test_a_refusal_of_the_whole_request_is_in_welsh(api, client, bob, alice):
    assert api(None).get("/api/v1/sites/", **WELSH).json() == {"detail": "Ni roddwyd manylion dilysu."}  # 401
    assert api(None).get("/api/v1/sites/", **ENGLISH).json() == {
        "detail": "Authentication credentials were not provided."}
    refused = api(bob).get("/api/v1/notifications/", **WELSH)  # a visitor may not read the outbox
    assert (refused.status_code, refused.json()) == (403, {"detail": "Ni chaiff eich rôl wneud hyn."})
    missing = api(alice).get(f"{VISITS}999999/", **WELSH)
    assert (missing.status_code, missing.json()) == (404, {"detail": "Heb ei ganfod."})
    unrouted = client.get("/api/v1/no-such-thing/", **WELSH)  # no route: Django's 404 handler, not DRF's
    assert (unrouted.status_code, unrouted.json()) == (404, {"detail": "Heb ei ganfod."})


def test_too_many_sign_in_attempts_are_refused_in_welsh(api, bob):
    client = api()
    for _ in range(10):
        client.post("/api/v1/auth/token/", {"username": "bob", "password": "wrong"}, format="json", **WELSH)
    refused = client.post("/api/v1/auth/token/", {"username": "bob", "password": "wrong"}, format="json", **WELSH)
    assert refused.status_code == 429
    detail = refused.json()["detail"]
    assert detail.startswith("Gormod o ymdrechion i fewngofnodi i'r cyfrif hwn neu o'r cyfeiriad hwn. Ar gael eto ymhen ")
    assert detail.endswith(" eiliad.")


@pytest.mark.services
def test_a_database_that_does_not_answer_is_a_503_in_welsh(proxied_server, scheme):
    proxy, server = proxied_server
    UserFactory(username="bob", scheme=scheme)
    assert server.request("GET", "/api/v1/health/")[0] == 200, server.log()
    proxy.cut()
    request = urllib.request.Request(
        server.url + "/api/v1/auth/token/", data=json.dumps({"username": "bob", "password": "x"}).encode(),
        method="POST", headers={"Content-Type": "application/json", "Accept-Language": "cy"})
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=30)
    finally:
        proxy.restore()  # the fixture cuts it once more on the way out
    assert answer.value.code == 503
    assert json.loads(answer.value.read())["detail"] == (
        "Nid yw'r gronfa ddata yn ateb, felly ni ddarllenwyd na chadwyd dim. Rhowch gynnig arall arni cyn bo hir.")
