"""Signing in, out, and what ends a session: a guesser is slowed without learning which accounts
exist, logout kills the refresh token, and a new password or a deactivation kills them all."""

import pytest

from tests.factories import PASSWORD

TOKEN, REFRESH, LOGOUT = "/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/auth/logout/"


def sign_in(client, username, password=PASSWORD):
    return client.post(TOKEN, {"username": username, "password": password}, format="json")


def test_after_ten_wrong_passwords_even_the_right_one_waits(api, bob):
    client = api()
    for _ in range(10):
        assert sign_in(client, "bob", "wrong-password").status_code == 401
    refused = sign_in(client, "bob")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


def test_the_throttle_says_the_same_for_an_account_that_does_not_exist(api, bob):
    client = api()
    for username in ("bob", "nobody"):
        for _ in range(10):
            sign_in(client, username, "wrong-password")
    known, unknown = sign_in(client, "bob"), sign_in(client, "nobody")
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert known.json()["detail"].split(" Expected")[0] == unknown.json()["detail"].split(" Expected")[0]
    assert "Too many sign-in attempts" in known.json()["detail"]


def test_one_address_guessing_many_accounts_is_slowed_too(api, bob):
    client = api()
    for n in range(50):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "bob").status_code == 429


def test_another_address_can_still_sign_in_while_one_is_throttled(api, bob):
    for n in range(50):
        sign_in(api(), f"guess{n}", "wrong-password")
    elsewhere = api()
    elsewhere.defaults["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(elsewhere, "bob").status_code == 200


def test_logout_kills_the_refresh_token(api, bob):
    refresh = sign_in(api(), "bob").json()["refresh"]
    assert api().post(LOGOUT, {"refresh": refresh}, format="json").status_code == 204
    assert api().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


def test_logout_with_a_token_that_is_not_one_answers_401(api, db):
    assert api().post(LOGOUT, {"refresh": "not-a-token"}, format="json").status_code == 401


def test_a_password_change_kills_every_refresh_token_the_user_holds(api, alice, bob):
    phone, laptop = (sign_in(api(), "bob").json()["refresh"] for _ in range(2))
    changed = api(alice).patch(f"/api/v1/users/{bob.pk}/", {"password": "a-brand-new-pass-2024"}, format="json")
    assert changed.status_code == 200
    for refresh in (phone, laptop):
        assert api().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401
    assert sign_in(api(), "bob", "a-brand-new-pass-2024").status_code == 200


def test_a_password_set_outside_the_api_kills_them_too(api, bob):
    refresh = sign_in(api(), "bob").json()["refresh"]
    bob.set_password("set-in-the-admin-2024")
    bob.save()
    assert api().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


def test_a_deactivated_user_stays_signed_out_once_reactivated(api, alice, bob):
    refresh = sign_in(api(), "bob").json()["refresh"]
    assert api(alice).patch(f"/api/v1/users/{bob.pk}/", {"is_active": False}, format="json").status_code == 200
    assert api(alice).patch(f"/api/v1/users/{bob.pk}/", {"is_active": True}, format="json").status_code == 200
    assert api().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


@pytest.mark.parametrize("field", ["first_name", "email"])
def test_other_changes_leave_the_user_signed_in(api, alice, bob, field):
    refresh = sign_in(api(), "bob").json()["refresh"]
    assert api(alice).patch(f"/api/v1/users/{bob.pk}/", {field: "changed@example.org"}, format="json").status_code == 200
    assert api().post(REFRESH, {"refresh": refresh}, format="json").status_code == 200
