"""The benchmark writes only to a database it creates: the one DATABASE_URL names (on a server,
perhaps production) keeps every row."""

import json
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


def run_result(visits: int, peak_mb: float, commit: str = "abc1234") -> dict:
    """The parts of a speed_<visits>.json that --compare and --readme read."""
    return {
        "visits": visits, "sites": 200, "run_at": "2026-12-01T12:00:00+00:00", "commit": commit,
        "figures": {
            "queries_new_report": {"value": 9, "target": "≤ 10", "met": True},
            "recommender": {"value": 0.05, "queries": 10, "sites": 200, "seconds": 0.6, "target": "≤ 3", "met": True},
            "peak_memory": {"peak_rss_mb": peak_mb, "idle_rss_mb": 90.0, "peak_rss_mb_whole_run": peak_mb + 5},
        },
    }


def benchmark(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=settings.BASE_DIR, capture_output=True,
                          text=True, timeout=120)


def test_the_peak_memory_of_two_runs_is_compared_and_tabled_without_measuring_anything(tmp_path):
    (tmp_path / "speed_10000.json").write_text(json.dumps(run_result(10_000, 100.0)))
    (tmp_path / "speed_1000000.json").write_text(json.dumps(run_result(1_000_000, 125.0)))

    compared = benchmark("--compare", str(tmp_path / "speed_10000.json"), str(tmp_path / "speed_1000000.json"))
    table = benchmark("--readme", str(tmp_path))

    assert compared.returncode == 0, compared.stderr
    assert "= 1.25× (target ≤ 1.2×): NOT met" in compared.stdout
    assert "growth over the idle workers: 10.0 MB at 10,000, 35.0 MB at 1,000,000" in compared.stdout
    assert table.returncode == 0, table.stderr
    assert "| figure | target | 10,000 visits | 1,000,000 visits | met |" in table.stdout
    assert "| recommender, queries per site | ≤ 3 | 0.05 (10 queries for 200 sites, 0.6 s) |" in table.stdout
    assert "| 100.0 MB (idle 90.0) | 125.0 MB (idle 90.0) | 1.25×: no |" in table.stdout


def test_runs_of_different_code_are_compared_with_a_warning(tmp_path):
    (tmp_path / "small.json").write_text(json.dumps(run_result(10_000, 100.0, commit="abc1234")))
    (tmp_path / "large.json").write_text(json.dumps(run_result(1_000_000, 110.0, commit="def5678")))

    compared = benchmark("--compare", str(tmp_path / "small.json"), str(tmp_path / "large.json"))

    assert "= 1.1× (target ≤ 1.2×): met" in compared.stdout
    assert "but the runs are of different commits (abc1234, def5678)" in compared.stdout
