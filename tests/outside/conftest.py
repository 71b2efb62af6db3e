import pytest

from tests.helpers import utc
from tests.outside.api import (
    World,
    animal_body,
    built_once,
    custody_body,
    post,
)


class Two:
    """Northshire and Southshire, each with a manager, visitors, custody staff and sites, plus one
    submitted and one draft report each."""

    def __init__(self):
        self.n = World("Northshire", "n", n_visitors=3)
        self.s = World("Southshire", "s", n_visitors=2, root=self.n.root)
        self.n_suite = self.n.add_site("Central")
        self.n_dogs = self.n.add_site("Dog unit", kind="animal_unit", cells=0)
        self.s_suite = self.s.add_site("Harbour")
        nv = [self.n.vid(0), self.n.vid(1)]
        sv = [self.s.vid(0), self.s.vid(1)]
        self.n_visit = post(self.n.visitors[0], "/api/v1/visits/", custody_body(
            self.n_suite["id"], nv, utc(2024, 2, 6, 21, 40), counts={"seen": 2, "observed": 1},
            issues=[{"category": "food-and-drink", "description": "Cold food", "resolved_during_visit": False}]))
        self.n_draft = post(self.n.visitors[0], "/api/v1/visits/", custody_body(
            self.n_suite["id"], nv, utc(2024, 2, 7, 10, 0), status="draft"))
        self.n_animal = post(self.n.visitors[0], "/api/v1/animal-visits/", animal_body(
            self.n_dogs["id"], nv, utc(2024, 2, 8, 10, 0)))
        self.s_visit = post(self.s.visitors[0], "/api/v1/visits/", custody_body(
            self.s_suite["id"], sv, utc(2024, 2, 6, 12, 0), counts={"seen": 1},
            issues=[{"category": "hygiene", "description": "No soap", "resolved_during_visit": True}]))
        self.s_draft = post(self.s.visitors[0], "/api/v1/visits/", custody_body(
            self.s_suite["id"], sv, utc(2024, 2, 7, 12, 0), status="draft"))


@pytest.fixture(scope="module")
def built_two(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, Two)


@pytest.fixture
def two(built_two, db):
    return built_two
