"""The service beside bare anchors, in one run: `.venv/bin/python -m benchmarks [--visits 100000]`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icv .venv/bin/python -m benchmarks --visits 1000000

PostgreSQL only. It creates its own database beside the one DATABASE_URL names (that name plus
"_benchmark"), refuses to run if a database of that name already exists, and drops it at the
end: the database DATABASE_URL names is never written to. There it loads the visits with COPY,
starts the service and a bare DRF create endpoint (benchmarks/bare) under the same gunicorn
settings, and measures them interleaved, A B A B, so a machine busy with other work slows both
alike. Each figure is a ratio to its anchor:

- submission: full reports accepted per second ÷ bare creates per second (wrk, JWT on both);
- coverage over HTTP ÷ the bare SQL aggregate of the same cells over the raw rows;
- KPIs over HTTP, and the XLSX quarterly return, ÷ the bare SQL KPI aggregate over the raw rows.

Absolute times, query counts and the EXPLAIN (ANALYZE, BUFFERS) plans of the service's own
queries go with them into benchmarks/results/speed_<visits>.json, with the machine's description.
Targets are here, not in tests: a busy machine makes a figure miss, never a test fail.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret-but-long-enough-for-hs256")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# Tasks queued by the reports (the force's e-mails) go to a queue in each process's memory, never
# run: a broker's workers must not see tasks naming rows of a database that is about to be dropped.
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from visits import services  # noqa: E402
from visits.models import CustodyVisit, Role, Site, User  # noqa: E402

from .load import visits_copy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# (figure, how it compares with its anchor, target)
TARGETS = {
    "submission": ("≥", 0.5),
    "coverage": ("≤", 1.5),
    "kpis": ("≤", 0.1),
    "xlsx_return": ("≤", 0.25),
    "queries_new_report": ("≤", 10),
    "queries_retry": ("≤", 4),
}
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
local template = [[%(body)s]]
math.randomseed(os.time() + %(seed)d)
local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%%x", v)
  end))
end
request = function()
  return wrk.format(nil, nil, nil, (string.gsub(template, "CLIENT_UUID", uuid4())))
end
"""


# --- its own database -----------------------------------------------------------------------------


def own_database_exists(name: str) -> bool:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def create_own_database() -> str:
    """Create the benchmark's database, as the test runner creates its own; returns the configured name."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The benchmark needs PostgreSQL (COPY, EXPLAIN, gunicorn): set DATABASE_URL to a postgres:// URL.")
    name = f"{db['NAME']}_benchmark"
    if own_database_exists(name):
        sys.exit(f"A database named {name} already exists. The benchmark runs only in a database it creates "
                 "itself; drop that one if it is a leftover benchmark database.")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (Debian: apt-get install wrk).")
    db["TEST"] = {**db.get("TEST", {}), "NAME": name}
    configured = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=False, serialize=False)
    return configured


def own_database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# --- the world ------------------------------------------------------------------------------------


def world_create(*, sites: int, visits: int, days: int) -> dict:
    scheme = services.scheme_create(name="Benchmarkshire")
    suites = [Site.objects.create(scheme=scheme, name=f"Suite {n:03d}") for n in range(sites)]
    # Tokens are minted, not signed in for: no password hashing in the set-up.
    visitors = User.objects.bulk_create(
        User(username=f"v{n}", role=Role.VISITOR, scheme=scheme, password="!") for n in range(40))
    manager = User.objects.create(username="m", role=Role.MANAGER, scheme=scheme, is_staff=True, password="!")
    # The force's custody inspector, told of each report's open issues through the outbox.
    User.objects.create(username="c", role=Role.CUSTODY, scheme=scheme, email="custody@example.org", password="!")
    start = time.perf_counter()
    visits_copy(scheme=scheme, sites=suites, visitors=visitors, count=visits, days=days)
    load_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bare_note (id bigserial PRIMARY KEY, text varchar(200) NOT NULL)")
    return {"scheme": scheme, "sites": suites, "visitors": visitors, "manager": manager, "load_seconds": load_seconds}


def report_body(world: dict, client_uuid: str) -> dict:
    """A full custody report: 2 visitors, 3 issues, a seen profile, sent an hour after the visit."""
    arrived = datetime.now(timezone.utc) - timedelta(hours=3)
    first, second = world["visitors"][0], world["visitors"][1]
    return {
        "client_uuid": client_uuid, "site": world["sites"][0].pk, "visitors": [first.pk, second.pk],
        "arrived_at": arrived.isoformat(), "admitted_at": (arrived + timedelta(minutes=3)).isoformat(),
        "left_at": (arrived + timedelta(minutes=75)).isoformat(), "travel_minutes": 40,
        "detainees_present": 9, "detainees_offered": 5, "detainees_seen": 4, "detainees_refused": 1,
        "detainees_not_offered": 1, "detainees_unavailable": 2, "detainees_observed": 1,
        "seen_profile": {"gender": {"female": 1, "male": 3}},
        "issues": [
            {"category": "food-and-drink", "description": "No hot drink offered", "resolved_during_visit": False},
            {"category": "cell-and-contents", "description": "Cell 4 cold", "resolved_during_visit": True},
            {"category": "health-care", "description": "Medication late", "resolved_during_visit": False},
        ],
        "status": "submitted",
    }


# --- the servers ----------------------------------------------------------------------------------


class Server:
    """gunicorn with the same settings for both: 2 sync workers on loopback, access log off."""

    def __init__(self, *, wsgi: str, settings_module: str, port: int, env: dict):
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), wsgi, "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--worker-class", "sync", "--log-level", "warning"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": settings_module}, start_new_session=True,
        )

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + path, timeout=2)
                return
            except urllib.error.HTTPError:
                return  # answering, if only to say 401
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.url} did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(*, url: str, token: str, body: str, seconds: int, connections: int, seed: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"token": token, "body": body, "seed": seed})
    try:
        run = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
            capture_output=True, text=True, check=True,
        )
    finally:
        os.unlink(script.name)
    out = run.stdout
    rate = float(out.split("Requests/sec:")[1].split()[0])
    errors = 0
    for line in out.splitlines():
        if "Non-2xx" in line or "Socket errors" in line:
            errors += sum(int(part) for part in line.replace(",", " ").split() if part.isdigit())
    p50 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("50%"))
    return {"requests_per_second": rate, "errors": errors, "p50": p50}


def http_ms(url: str, token: str, repeat: int) -> tuple[float, int]:
    """Median milliseconds of a GET, sequential, and the size of the answer."""
    samples, size = [], 0
    for _ in range(repeat):
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            size = len(response.read())
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), size


# --- the SQL anchors and the plans ----------------------------------------------------------------


def sql_ms(sql: str, params: list, repeat: int) -> float:
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def explain(sql: str, params: list | tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def coverage_sql() -> str:
    return ("SELECT slot_day, slot_band, COUNT(*), MAX(arrived_at) FROM visits_custodyvisit "
            "WHERE site_id = %s AND status = 'submitted' AND local_date BETWEEN %s AND %s GROUP BY slot_day, slot_band")


def kpi_sql() -> str:
    """The KPI sums of every site over the period from the raw rows, as one would write them by hand."""
    return ("SELECT site_id, COUNT(*), SUM(travel_minutes), "
            "COUNT(*) FILTER (WHERE access_band = 'immediate'), COUNT(*) FILTER (WHERE access_band = '6-15'), "
            "COUNT(*) FILTER (WHERE access_band = 'over-15'), SUM(detainees_present), SUM(detainees_offered), "
            "SUM(detainees_seen), SUM(detainees_refused), SUM(detainees_not_offered), SUM(detainees_unavailable), "
            "SUM(detainees_observed) FROM visits_custodyvisit "
            "WHERE scheme_id = %s AND status = 'submitted' AND local_date BETWEEN %s AND %s GROUP BY site_id")


def in_process(client: Client, method: str, path: str, **kwargs) -> tuple[int, list[dict]]:
    """The status and the queries of one call through the whole stack, in this process."""
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 300, (path, response.status_code, response.content[:300])
    return response.status_code, captured.captured_queries


def plans_of(queries: list[dict], table: str) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the captured SELECTs that read `table`."""
    return [explain(query["sql"], ()) for query in queries
            if query["sql"].startswith("SELECT") and f'"{table}"' in query["sql"]]


# --- the run --------------------------------------------------------------------------------------


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0]
    load = os.getloadavg()
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "postgresql": postgres, "load_average_at_start": [round(n, 2) for n in load],
            "note": "Shared machine, busy with other engineers' tests: compare the ratios, not the absolute times."}


def measure(args) -> dict:
    description = machine()
    world = world_create(sites=args.sites, visits=args.visits, days=args.days)
    scheme, site, manager = world["scheme"], world["sites"][0], world["manager"]
    print(f"{args.visits} visits over {args.sites} sites loaded with COPY in {world['load_seconds']:.1f} s", flush=True)
    date_from, date_to = scheme.financial_year_to_date()
    fy = date_from.year

    # Query counts and plans, through the whole stack in this process.
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    phone_token, desk_token = str(AccessToken.for_user(world["visitors"][0])), str(AccessToken.for_user(manager))
    phone, desk = Client(HTTP_AUTHORIZATION=f"Bearer {phone_token}"), Client(HTTP_AUTHORIZATION=f"Bearer {desk_token}")
    body = report_body(world, str(uuid.uuid4()))
    _, new_queries = in_process(phone, "post", "/api/v1/visits/", data=body, content_type="application/json")
    _, retry_queries = in_process(phone, "post", "/api/v1/visits/", data=body, content_type="application/json")
    _, coverage_queries = in_process(desk, "get", f"/api/v1/coverage/?site={site.pk}")
    _, kpi_queries = in_process(desk, "get", f"/api/v1/kpis/?fy={fy}")
    _, xlsx_queries = in_process(desk, "get", f"/api/v1/kpis/export/?fy={fy}&format=xlsx")
    plans = {
        "coverage": plans_of(coverage_queries, CustodyVisit._meta.db_table),
        "kpis": plans_of(kpi_queries, CustodyVisit._meta.db_table),
        "bare_coverage_sql": explain(coverage_sql(), [site.pk, date_from, date_to]),
        "bare_kpi_sql": explain(kpi_sql(), [scheme.pk, date_from, date_to]),
    }

    env = {**os.environ, "DATABASE_URL": own_database_url(), "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    service = Server(wsgi="backend.wsgi:application", settings_module="backend.settings", port=args.port, env=env)
    bare = Server(wsgi="django.core.wsgi:get_wsgi_application()", settings_module="benchmarks.bare.settings",
                  port=args.port + 1, env=env)
    rounds = {"service": [], "bare": []}
    anchors = {"coverage_sql_ms": [], "kpi_sql_ms": []}
    over_http = {"coverage_ms": [], "kpis_ms": [], "xlsx_ms": []}
    try:
        service.wait("/api/v1/health/")
        bare.wait("/notes/")
        template = json.dumps(report_body(world, "CLIENT_UUID"))
        for n in range(args.rounds):  # A B A B
            rounds["service"].append(wrk(url=f"{service.url}/api/v1/visits/", token=phone_token, body=template,
                                         seconds=args.seconds, connections=args.connections, seed=2 * n))
            rounds["bare"].append(wrk(url=f"{bare.url}/notes/", token=phone_token, body='{"text": "CLIENT_UUID"}',
                                      seconds=args.seconds, connections=args.connections, seed=2 * n + 1))
            over_http["coverage_ms"].append(http_ms(f"{service.url}/api/v1/coverage/?site={site.pk}",
                                                    desk_token, args.repeat)[0])
            anchors["coverage_sql_ms"].append(sql_ms(coverage_sql(), [site.pk, date_from, date_to], args.repeat))
            over_http["kpis_ms"].append(http_ms(f"{service.url}/api/v1/kpis/?fy={fy}", desk_token, args.repeat)[0])
            anchors["kpi_sql_ms"].append(sql_ms(kpi_sql(), [scheme.pk, date_from, date_to], args.repeat))
            xlsx_ms, xlsx_bytes = http_ms(f"{service.url}/api/v1/kpis/export/?fy={fy}&format=xlsx", desk_token,
                                          max(1, args.repeat // 3))
            over_http["xlsx_ms"].append(xlsx_ms)
            print(f"round {n + 1}: service {rounds['service'][-1]['requests_per_second']:.1f}/s, "
                  f"bare {rounds['bare'][-1]['requests_per_second']:.1f}/s", flush=True)
    finally:
        service.stop()
        bare.stop()

    def median(values):
        return round(statistics.median(values), 2)

    service_rate = median([r["requests_per_second"] for r in rounds["service"]])
    bare_rate = median([r["requests_per_second"] for r in rounds["bare"]])
    coverage_sql_ms, kpi_sql_ms = median(anchors["coverage_sql_ms"]), median(anchors["kpi_sql_ms"])
    figures = {
        "submission": {"ratio": round(service_rate / bare_rate, 3), "service_per_second": service_rate,
                       "bare_per_second": bare_rate,
                       "errors": sum(r["errors"] for r in rounds["service"] + rounds["bare"]), "rounds": rounds},
        "coverage": {"ratio": round(median(over_http["coverage_ms"]) / coverage_sql_ms, 3),
                     "http_ms": median(over_http["coverage_ms"]), "bare_sql_ms": coverage_sql_ms,
                     "queries": len(coverage_queries)},
        "kpis": {"ratio": round(median(over_http["kpis_ms"]) / kpi_sql_ms, 3), "http_ms": median(over_http["kpis_ms"]),
                 "bare_sql_ms": kpi_sql_ms, "queries": len(kpi_queries)},
        "xlsx_return": {"ratio": round(median(over_http["xlsx_ms"]) / kpi_sql_ms, 3),
                        "http_ms": median(over_http["xlsx_ms"]), "bare_sql_ms": kpi_sql_ms, "bytes": xlsx_bytes,
                        "queries": len(xlsx_queries)},
        "queries_new_report": {"value": len(new_queries), "sql": [q["sql"][:160] for q in new_queries]},
        "queries_retry": {"value": len(retry_queries), "sql": [q["sql"][:160] for q in retry_queries]},
    }
    for name, (sense, target) in TARGETS.items():
        value = figures[name].get("ratio", figures[name].get("value"))
        figures[name]["target"] = f"{sense} {target}"
        figures[name]["met"] = value >= target if sense == "≥" else value <= target
    return {"run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": description,
            "visits": args.visits, "sites": args.sites, "days": args.days, "load_seconds": round(world["load_seconds"], 1),
            "settings": {"gunicorn": "2 sync workers, loopback", "wrk": f"1 thread, {args.connections} connections, "
                         f"{args.seconds} s a round, {args.rounds} rounds A B A B", "auth": "JWT on both",
                         "tasks": "queued to an in-memory broker (the outbox rows are written, nothing is sent)"},
            "figures": figures, "plans": plans}


def summary(result: dict) -> str:
    lines = [f"{result['visits']} visits, {result['sites']} sites; {result['machine']['note']}",
             f"{'figure':20} {'value':>8} {'target':>8}  met  absolute"]
    for name, figure in result["figures"].items():
        value = figure.get("ratio", figure.get("value"))
        if name == "submission":
            detail = (f"{figure['service_per_second']}/s vs bare {figure['bare_per_second']}/s, "
                      f"{figure['errors']} errors")
        elif "http_ms" in figure:
            detail = f"{figure['http_ms']} ms over HTTP vs {figure['bare_sql_ms']} ms bare SQL, {figure['queries']} queries"
        else:
            detail = "queries"
        lines.append(f"{name:20} {value:8} {figure['target']:>8}  {'yes' if figure['met'] else 'NO ':3}  {detail}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=100_000, help="visits loaded with COPY (default 100000)")
    parser.add_argument("--sites", type=int, default=200, help="custody suites they are spread over (default 200)")
    parser.add_argument("--days", type=int, default=730, help="days before today they are spread over (default 730)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of each wrk round (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds (default 2)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--repeat", type=int, default=9, help="GETs and SQL runs per round (default 9)")
    parser.add_argument("--port", type=int, default=8781, help="the service's port; the bare one's is the next")
    parser.add_argument("--out", type=Path, help=f"JSON written here (default {RESULTS}/speed_<visits>.json)")
    args = parser.parse_args(argv)

    configured = create_own_database()
    try:
        result = measure(args)
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)
    out = args.out or RESULTS / f"speed_{args.visits}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(summary(result))
    print(f"Written to {out}")


if __name__ == "__main__":
    main()
