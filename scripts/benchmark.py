"""Measure the service's speed against its targets and print the figures.

    .venv/bin/python scripts/benchmark.py [--visits 3000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icv_bench .venv/bin/python scripts/benchmark.py

It creates its own throwaway database beside the one DATABASE_URL names (that name plus
"_benchmark"; a SQLite file under var/ by default), refuses to run if a database of that name
already exists, and drops it at the end: the database DATABASE_URL names is never written to.
It builds a scheme there, submits reports through the real write path, then times the
endpoints a phone and a manager use. Targets are here, not in tests: a slow
machine makes a figure miss, never a test fail.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'benchmark.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from visits import services  # noqa: E402
from visits.models import CustodyVisit, Role, Site  # noqa: E402

# (name, target in milliseconds at the 95th percentile)
TARGETS = {
    "POST /visits/ (new report)": 150,
    "POST /visits/ (retry, same client_uuid)": 60,
    "GET /visits/?page_size=50": 200,
    "GET /coverage/ (financial year)": 100,
    "GET /coverage/heatmap.svg": 150,
    "GET /kpis/ (financial year)": 300,
    "GET /kpis/export/?format=xlsx (4 quarters)": 800,
}


def report_body(site, pair, arrived):
    return {
        "client_uuid": str(uuid.uuid4()), "site": site.pk, "visitors": [u.pk for u in pair],
        "arrived_at": arrived.isoformat(), "admitted_at": (arrived + timedelta(minutes=3)).isoformat(),
        "left_at": (arrived + timedelta(minutes=75)).isoformat(),
        "detainees_present": 9, "detainees_offered": 5, "detainees_seen": 4, "detainees_refused": 1,
        "detainees_not_offered": 1, "detainees_unavailable": 2, "detainees_observed": 1,
        "issues": [{"category": "food-and-drink", "description": "No hot drink offered", "resolved_during_visit": False}],
        "status": "submitted",
    }


def timed(client, method, path, repeat, body_for=None, **extra):
    """Milliseconds of each call, and the queries of the last one."""
    samples = []
    for i in range(repeat):
        reset_queries()
        start = time.perf_counter()
        if method == "get":
            response = client.get(path, **extra)
        else:
            response = client.post(path, body_for(i), format="json")
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 300, (path, response.status_code, getattr(response, "data", None))
    return samples, len(connection.queries)


def own_database_name(db: dict) -> str:
    if db["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(db["NAME"])
        return str(path.with_name(f"{path.stem}_benchmark{path.suffix}"))
    return f"{db['NAME']}_benchmark"


def own_database_exists(name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def create_own_database() -> str:
    """Create the benchmark's database, as the test runner creates its own; returns the configured name."""
    db = settings.DATABASES["default"]
    name = own_database_name(db)
    if own_database_exists(name):
        sys.exit(f"A database named {name} already exists. The benchmark runs only in a database it creates "
                 "itself; drop that one if it is a leftover benchmark database.")
    db["TEST"] = {**db.get("TEST", {}), "NAME": name}
    configured = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=False, serialize=False)
    return configured


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=3000, help="visits stored before timing (default 3000)")
    parser.add_argument("--repeat", type=int, default=30, help="calls per endpoint (default 30)")
    args = parser.parse_args()
    settings.DEBUG = True  # to count queries
    settings.ALLOWED_HOSTS = ["testserver"]

    configured = create_own_database()
    try:
        measure(args)
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)


def measure(args):
    scheme = services.scheme_create(name="Benchmarkshire")
    suites = [Site.objects.create(scheme=scheme, name=f"Suite {n}") for n in range(4)]
    visitors = [services.user_create(username=f"v{n}", password="bench-password-1", role=Role.VISITOR, scheme=scheme)
                for n in range(20)]
    manager = services.user_create(username="m", password="bench-password-1", role=Role.MANAGER, scheme=scheme)

    now = datetime.now(timezone.utc)
    start = time.perf_counter()
    for n in range(args.visits):
        arrived = now - timedelta(hours=3 + n * 2.9)
        pair = (visitors[n % 20], visitors[(n + 7) % 20])
        data = report_body(suites[n % 4], pair, arrived)
        data.update(client_uuid=uuid.UUID(data["client_uuid"]), arrived_at=arrived,
                    admitted_at=arrived + timedelta(minutes=3), left_at=arrived + timedelta(minutes=75))
        services.report_submit(model=CustodyVisit, sender=pair[0], data=data)
    load_seconds = time.perf_counter() - start
    print(f"Database: {connection.vendor}; {args.visits} reports stored through the service in {load_seconds:.1f} s "
          f"({args.visits / load_seconds:.0f} per second)\n")

    phone, desk = APIClient(), APIClient()
    phone.force_authenticate(visitors[0])
    desk.force_authenticate(manager)
    fy = now.year if now.month >= 4 else now.year - 1
    site = suites[0]
    fresh = [report_body(site, (visitors[0], visitors[1]), now - timedelta(minutes=90 + i)) for i in range(args.repeat)]
    retry = fresh[0]
    phone.post("/api/v1/visits/", retry, format="json")

    results = {
        "POST /visits/ (new report)": timed(phone, "post", "/api/v1/visits/", args.repeat, lambda i: {
            **fresh[i], "client_uuid": str(uuid.uuid4())}),
        "POST /visits/ (retry, same client_uuid)": timed(phone, "post", "/api/v1/visits/", args.repeat,
                                                         lambda i: retry),
        "GET /visits/?page_size=50": timed(desk, "get", "/api/v1/visits/?page_size=50", args.repeat),
        "GET /coverage/ (financial year)": timed(desk, "get", f"/api/v1/coverage/?site={site.pk}", args.repeat),
        "GET /coverage/heatmap.svg": timed(desk, "get", f"/api/v1/coverage/heatmap.svg?site={site.pk}", args.repeat),
        "GET /kpis/ (financial year)": timed(desk, "get", f"/api/v1/kpis/?fy={fy}", args.repeat),
        "GET /kpis/export/?format=xlsx (4 quarters)": timed(desk, "get", f"/api/v1/kpis/export/?fy={fy}&format=xlsx",
                                                             max(3, args.repeat // 5)),
    }
    print(f"{'endpoint':46} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}  verdict")
    missed = 0
    for name, (samples, queries) in results.items():
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]
        ok = p95 <= TARGETS[name]
        missed += not ok
        print(f"{name:46} {queries:7d} {p50:8.1f} {p95:8.1f} {TARGETS[name]:8d}  {'met' if ok else 'MISSED'}")
    print(f"\n{len(results) - missed} of {len(results)} targets met.")


if __name__ == "__main__":
    main()
