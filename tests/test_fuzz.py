"""Schemathesis against the published schema, in process, signed in as each role: no input gives a
500, and every answer is one the schema describes. Bounded: a fixed seed (derandomised) and a few
dozen examples per operation and role."""

import pytest
from django.core import signals
from django.db import close_old_connections
from django.conf import settings as settings_module
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from rest_framework_simplejwt.tokens import RefreshToken

from backend.wsgi import application
from tests.factories import SchemeFactory, SiteFactory, UserFactory, custody_visit
from visits.models import Role, SiteKind

# The committed schema (a test keeps it equal to the generated one), called in this process.
schema = schemathesis.openapi.from_path(settings_module.BASE_DIR / "api_schema" / "openapi.yaml")
schema.app = application

ROLES = ["anonymous", "visitor", "manager", "custody", "analyst", "superuser"]


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


def make_world():
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
    from datetime import datetime, timezone
    custody_visit(site=suite, sender=people["visitor"], visitors=[people["visitor"], partner],
                  arrived_at=datetime(2024, 7, 1, 21, 0, tzinfo=timezone.utc))
    return people


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_server_error_or_an_answer_the_schema_does_not_describe(case, role, world):
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {RefreshToken.for_user(world[role]).access_token}"
    case.call_and_validate(headers=headers)
