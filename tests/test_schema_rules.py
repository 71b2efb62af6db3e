"""The committed schema states the input rules the server applies, so a client can check a form
before sending it rather than learn each rule from a 400."""

import yaml

from api_schema import SCHEMA_PATH

SCHEMAS = yaml.safe_load(SCHEMA_PATH.read_text())["components"]["schemas"]


def test_a_password_shorter_than_the_validators_allow_is_refused_by_the_schema_too(api, alice):
    response = api(alice).post("/api/v1/users/", {"username": "newbie", "password": "short-7",
                                                  "role": "visitor"}, format="json")
    assert response.status_code == 400
    assert SCHEMAS["UserRequest"]["properties"]["password"]["minLength"] == 8


def test_an_hourly_rate_in_fractions_of_a_penny_is_refused_by_the_schema_too(api, root, scheme):
    response = api(root).patch(f"/api/v1/schemes/{scheme.pk}/", {"hourly_rate": 12.345}, format="json")
    assert response.status_code == 400
    rate = SCHEMAS["PatchedSchemeRequest"]["properties"]["hourly_rate"]
    assert (rate["multipleOf"], rate["maximum"], rate.get("exclusiveMaximum")) == (0.01, 1000000, True)
