"""Today's training flags become training records, and each visitor's stage is read from their dates."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("visits", "0015_volunteer_register")]
AFTER = [("visits", "0017_training_flags_removed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest")
def test_the_flags_become_records_of_each_schemes_courses():
    old = migrate(BEFORE)
    scheme = old.get_model("visits", "Scheme").objects.create(name="Flagshire")
    user = old.get_model("visits", "User").objects
    today = timezone.localdate()
    user.create(username="tess", role="visitor", scheme=scheme, joined_on=date(2016, 5, 1),
                       tact_trained=True, animal_welfare_trained=True)
    probationer = user.create(username="pat", role="visitor", scheme=scheme, joined_on=today - timedelta(days=30),
                              probation_ends_on=today + timedelta(days=150), tact_trained=True)
    user.create(username="lee", role="visitor", scheme=scheme, joined_on=date(2015, 1, 1),
                         left_on=today - timedelta(days=1))
    untrained = user.create(username="una", role="visitor", scheme=scheme)

    new = migrate(AFTER)
    records = new.get_model("visits", "TrainingRecord").objects
    held = sorted(records.values_list("volunteer__username", "course__key", "completed_on", "expires_on"))
    assert held == [("pat", "tact", probationer.joined_on, None),
                    ("tess", "animal_welfare", date(2016, 5, 1), None), ("tess", "tact", date(2016, 5, 1), None)]
    courses = new.get_model("visits", "TrainingCourse").objects.filter(scheme_id=scheme.pk)
    assert set(courses.values_list("key", flat=True)) == {"induction", "tact", "animal_welfare", "refresher"}
    stages = dict(new.get_model("visits", "User").objects.values_list("username", "stage"))
    assert (stages["tess"], stages["pat"], stages["lee"], stages[untrained.username]) == (
        "appointed", "probation", "left", "appointed")
