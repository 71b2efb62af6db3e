import pytest


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_signed_in_user_can_read_their_own_account(api, request, persona):
    user = request.getfixturevalue(persona)
    response = api(user).get("/api/v1/users/me/")
    assert response.status_code == 200
    assert response.json()["id"] == user.pk and response.json()["role"] == user.role
    assert "password" not in response.json()


def test_me_needs_a_signed_in_user(api, db):
    assert api().get("/api/v1/users/me/").status_code == 401
