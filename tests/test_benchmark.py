"""The benchmark writes only to a database it creates: the one DATABASE_URL names (on a server,
perhaps production) keeps every row."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.helpers import test_database_url
from visits.models import Scheme


@pytest.mark.services
def test_the_benchmark_refuses_a_database_it_did_not_create_and_leaves_the_named_one_alone(transactional_db,
                                                                                           scheme):
    leftover = f"{connection.settings_dict['NAME']}_benchmark"
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{leftover}"')
        cursor.execute(f'CREATE DATABASE "{leftover}"')
    try:
        run = subprocess.run(
            [sys.executable, "-m", "benchmarks", "--visits", "1", "--repeat", "2"], cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": test_database_url()}, capture_output=True, text=True, timeout=120,
        )
    finally:
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{leftover}"')
    assert run.returncode == 1
    assert f"A database named {leftover} already exists" in run.stderr
    assert list(Scheme.objects.values_list("name", flat=True)) == ["Northshire"]
