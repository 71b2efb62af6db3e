import pytest

from visits import services


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_signed_in_user_can_read_their_own_account(api, request, persona):
    user = request.getfixturevalue(persona)
    response = api(user).get("/api/v1/users/me/")
    assert response.status_code == 200
    assert response.json()["id"] == user.pk and response.json()["role"] == user.role
    assert "password" not in response.json()


def test_me_needs_a_signed_in_user(api, db):
    assert api().get("/api/v1/users/me/").status_code == 401


def test_a_person_chooses_their_language_in_one_request(api, bob):
    answer = api(bob).patch("/api/v1/users/me/", {"language": "cy"}, format="json")
    assert answer.status_code == 200 and answer.json()["language"] == "cy"
    bob.refresh_from_db()
    assert (bob.language, bob.language_code) == ("cy", "cy")
    assert api(bob).get("/api/v1/users/me/").json()["language"] == "cy"


def test_a_patch_that_names_no_language_changes_nothing(api, bob):
    services.user_language_set(user=bob, language="cy")
    answer = api(bob).patch("/api/v1/users/me/", {}, format="json")
    assert (answer.status_code, answer.json()["language"]) == (200, "cy")


def test_only_english_or_welsh_may_be_chosen(api, bob):
    answer = api(bob).patch("/api/v1/users/me/", {"language": "fr"}, format="json")
    assert answer.status_code == 400 and "language" in answer.json()
    bob.refresh_from_db()
    assert bob.language == ""


def test_the_language_is_asked_only_on_a_scheme_that_offers_welsh(bob, scheme):
    assert (bob.language_code, bob.language_to_ask) == ("en-gb", False)
    scheme.languages = "en,cy"
    scheme.save()
    bob.refresh_from_db()
    assert bob.language_to_ask is True
    bob.language = "en"
    assert bob.language_to_ask is False
