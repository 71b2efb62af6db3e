"""The desk's sign-in and password-reset forms slow a guesser as the API's token endpoint does: by
account and by address, with the same words whether or not the account exists."""

import re

from django.test import Client

from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"


def alert(answer) -> str:
    return re.search(r'<div class="alert" role="alert">(.*?)</div>', answer.content.decode(), re.S).group(1).strip()


def sign_in(client, username, password=PASSWORD):
    return client.post("/signin/", {"username": username, "password": password})


def reset(client, email):
    return client.post("/password/reset/", {"email": email})


def test_after_ten_wrong_passwords_even_the_right_one_waits_with_a_page_that_says_how_long(alice):
    client = Client()
    for _ in range(10):
        assert sign_in(client, "alice", "wrong-password").status_code == 200
    refused = sign_in(client, "alice")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert alert(refused) == "Too many attempts; try again in 60 minutes."
    assert '<form method="post">' in refused.content.decode()  # the form is still there for later
    assert "_auth_user_id" not in client.session


def test_the_page_says_the_same_for_an_account_that_does_not_exist(alice):
    client = Client()
    for username in ("alice", "nobody"):
        for _ in range(10):
            sign_in(client, username, "wrong-password")
    known, unknown = sign_in(client, "alice"), sign_in(client, "nobody")
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert alert(known) == alert(unknown) == "Too many attempts; try again in 60 minutes."


def test_one_address_guessing_many_accounts_is_slowed_at_the_desk(alice):
    client = Client()
    for n in range(50):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "alice").status_code == 429


def test_another_address_can_still_sign_in_at_the_desk_while_one_is_throttled(alice):
    for n in range(50):
        sign_in(Client(), f"guess{n}", "wrong-password")
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    answer = sign_in(elsewhere, "alice")
    assert answer.status_code == 302 and answer["Location"] == "/"


def test_guesses_at_the_api_count_at_the_desk_too(api, alice):
    for _ in range(10):
        api().post(TOKEN, {"username": "alice", "password": "wrong-password"}, format="json")
    assert sign_in(Client(), "alice").status_code == 429


def test_the_password_reset_form_is_throttled_by_address_the_same_for_unknown_addresses(alice, mailoutbox):
    client = Client()
    for n in range(50):
        assert reset(client, f"nobody{n}@example.org").status_code == 302
    known, unknown = reset(client, alice.email), reset(client, "nobody@example.org")
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert alert(known) == alert(unknown) == "Too many attempts; try again in 60 minutes."
    assert mailoutbox == []


def test_one_inbox_gets_at_most_five_reset_links_an_hour(alice, mailoutbox):
    for n in range(5):
        assert reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), alice.email).status_code == 302
    refused = reset(Client(REMOTE_ADDR="198.51.100.99"), alice.email)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert len(mailoutbox) == 5
