"""`manage.py create_scheme`: the first scheme and manager of a new deployment, who can then sign in."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from visits.models import Scheme


def test_the_manager_created_with_the_scheme_signs_in_to_its_coverage(db, monkeypatch):
    monkeypatch.setenv("ICV_MANAGER_PASSWORD", "a-long-enough-secret-2025")
    call_command("create_scheme", "--name", "Northshire", "--manager-username", "morwenna",
                 "--manager-email", "morwenna@northshire.example")
    client = Client()
    response = client.post("/signin/", {"username": "morwenna", "password": "a-long-enough-secret-2025"}, follow=True)
    assert response.redirect_chain[-1][0] == "/coverage/"
    assert Scheme.objects.get().name == "Northshire"


def test_a_weak_password_or_a_taken_name_is_refused_and_nothing_is_created(db, monkeypatch):
    monkeypatch.setenv("ICV_MANAGER_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_scheme", "--name", "Northshire", "--manager-username", "m", "--manager-email", "m@x.example")
    assert not Scheme.objects.exists()
    monkeypatch.setenv("ICV_MANAGER_PASSWORD", "a-long-enough-secret-2025")
    call_command("create_scheme", "--name", "Northshire", "--manager-username", "m", "--manager-email", "m@x.example")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_scheme", "--name", "Northshire", "--manager-username", "n", "--manager-email", "n@x.example")
