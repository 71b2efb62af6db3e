"""Schemathesis against the published schema, in process, signed in as each role: no input gives a
500, and every answer is one the schema describes, bar what tests/fuzz_allowlist.yaml lists with its
reason. Bounded: hypothesis derandomised (a fixed seed) and a few examples per operation and role,
a few dozen per operation in all."""

from datetime import UTC, datetime

import pytest
import schemathesis
import yaml
from django.conf import settings as django_settings
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework_simplejwt.tokens import RefreshToken

from backend.wsgi import application
from tests.factories import SchemeFactory, SiteFactory, UserFactory, custody_visit
from visits.models import Role, SiteKind

# The committed schema (a test keeps it equal to the generated one), called in this process.
schema = schemathesis.openapi.from_path(django_settings.BASE_DIR / "api_schema" / "openapi.yaml")
schema.app = application

ROLES = ["anonymous", "visitor", "manager", "custody", "analyst", "superuser"]
ALLOWED = yaml.safe_load((django_settings.BASE_DIR / "tests" / "fuzz_allowlist.yaml").read_text())
EXAMPLES_PER_ROLE = 8


def allowed_checks(label: str) -> list:
    return [getattr(schemathesis.checks, entry["check"]) for entry in ALLOWED if entry["operation"] == label]


@pytest.fixture
def world(db, settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # schemathesis's host for an in-process application
    # As Django's own test client does: a request must not close the test's connection, which holds
    # the transaction rolled back at the end of the test.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield make_world()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def make_world() -> dict:
    scheme = SchemeFactory(name="Northshire")
    suite = SiteFactory(scheme=scheme, name="Central")
    SiteFactory(scheme=scheme, name="Dog unit", kind=SiteKind.ANIMAL_UNIT, cells=0)
    people = {
        "visitor": UserFactory(role=Role.VISITOR, scheme=scheme),
        "manager": UserFactory(role=Role.MANAGER, scheme=scheme),
        "custody": UserFactory(role=Role.CUSTODY, scheme=scheme),
        "analyst": UserFactory(role=Role.ANALYST, scheme=None, schemes=[scheme]),
        "superuser": UserFactory(role="", scheme=None, is_superuser=True, is_staff=True),
    }
    partner = UserFactory(role=Role.VISITOR, scheme=scheme)
    custody_visit(site=suite, sender=people["visitor"], visitors=[people["visitor"], partner],
                  arrived_at=datetime(2024, 7, 1, 21, 0, tzinfo=UTC))
    return people


def test_every_allowance_names_an_operation_and_a_check_and_says_why():
    labels = {operation.label for operation in (result.ok() for result in schema.get_all_operations())}
    for entry in ALLOWED:
        assert entry["operation"] in labels, entry
        assert callable(getattr(schemathesis.checks, entry["check"])), entry
        assert len(entry["reason"]) > 20, entry


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_ROLE, derandomize=True, deadline=None, database=None,
          phases=[Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_server_error_or_an_answer_the_schema_does_not_describe(case, role, world):
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {RefreshToken.for_user(world[role]).access_token}"
    case.call_and_validate(headers=headers, excluded_checks=allowed_checks(case.operation.label))
