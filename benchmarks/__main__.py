"""The service beside bare anchors, in one run: `.venv/bin/python -m benchmarks [--visits 100000]`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icv .venv/bin/python -m benchmarks --visits 1000000

PostgreSQL only. It creates its own database beside the one DATABASE_URL names (that name plus
"_benchmark"), refuses to run if a database of that name already exists, and drops it at the
end: the database DATABASE_URL names is never written to. There it loads the visits with COPY,
starts the service and the bare anchors (benchmarks/bare) under the same gunicorn settings, and
measures them interleaved, A B A B, so a machine busy with other work slows both alike. Each
figure is a ratio to its anchor:

- submission: full reports accepted per second ÷ bare DRF creates per second (wrk, JWT on both);
- coverage over HTTP ÷ a bare DRF GET running the service's own coverage statement;
- KPIs over HTTP ÷ the same figures summed in bare SQL from the roll-up tables; the XLSX quarterly
  return ÷ the KPIs' own time;
- the public statistics page ÷ a bare Django view answering a fixed text (wrk GETs saying, as every
  browser does, that they accept gzip: the page is sent gzipped, the fixed text as it is).

Figures without an anchor: the phone app's first load over a slow line (Chromium, CDP network
emulation: 400 kbps, 400 ms) and its second, from the service worker, in ms until usable; and

- recommender: the weekly refresh of every site of the scheme (the scan for sites whose week has
  turned, then their batch, run here in this process with the task queue eager), its queries ÷ the
  sites, with the total and its time;
- peak memory: the largest peak resident set (VmHWM in /proc) of the service's gunicorn workers
  after they have served only coverage, the KPIs and the XLSX return, three times each, before any
  submission or timing (so they also warm the workers up; the whole run's peak, submissions
  included, is kept beside it). Its target, ≤ 1.2×, compares two
  runs at different sizes, so one run records it and `--compare` judges it:

    .venv/bin/python -m benchmarks --visits 10000,1000000   # both sizes, one after the other, then compared
    .venv/bin/python -m benchmarks --compare                # speed_10000.json against speed_1000000.json
    .venv/bin/python -m benchmarks --compare SMALL.json LARGE.json

  Two runs are only comparable at the same commit: each run records its commit, and --compare
  says when they differ.

Absolute times, query counts and the EXPLAIN (ANALYZE, BUFFERS) plans of the service's own
queries go with them into benchmarks/results/speed_<visits>.json, with the machine's description.
`--readme` prints the markdown table of every results file for the README.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret-but-long-enough-for-hs256")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# The calls made in this process speak plain http, as the servers it starts do (below).
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
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

from backend.celery import app as celery_app  # noqa: E402
from publication.services import period_closed, release_publish, settings_for  # noqa: E402
from scheduling.models import Recommendation  # noqa: E402
from scheduling.services import recommendations_refresh_week_turned  # noqa: E402
from visits import services  # noqa: E402
from visits.models import CustodyVisit, Role, Site, User  # noqa: E402
from visits.rollup import ROLLUP_TABLES  # noqa: E402

from .load import visits_copy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# (figure, how it compares with its anchor, target)
TARGETS = {
    "submission": ("≥", 0.5),
    "coverage": ("≤", 1.2),  # ÷ the bare DRF GET running the same SQL
    "kpis": ("≤", 2),  # ÷ the bare SQL sums over the roll-up
    "xlsx_return": ("≤", 2),  # ÷ the KPIs' own time over HTTP
    "queries_new_report": ("≤", 9),
    "queries_retry": ("≤", 4),
    "recommender": ("≤", 3),  # queries per site
    "phone_first_load": ("≤", 2000),  # ms until usable over the slow line, nothing cached
    "phone_second_load": ("≤", 300),  # ms until usable, from the service worker
    "public_page": ("≥", 0.8),  # pages a second ÷ a bare Django view's fixed text
}
# Peak memory's target compares two runs: the larger's peak ÷ the smaller's.
MEMORY_TARGET = ("≤", 1.2)
MEMORY_SIZES = (10_000, 1_000_000)
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
    return {"scheme": scheme, "sites": suites, "visitors": visitors, "manager": manager, "load_seconds": load_seconds,
            "public_slug": public_release(scheme)}


def public_release(scheme) -> str:
    """The public page's slug, with the last quarter that has ended published on it."""
    fy = scheme.financial_year_to_date()[0].year
    for year, quarter in ((y, q) for y in (fy, fy - 1) for q in (4, 3, 2, 1)):
        if period_closed(scheme=scheme, fy=year, quarter=quarter):
            release_publish(scheme=scheme, fy=year, quarter=quarter, user=None)
            break
    return settings_for(scheme).slug


def report_body(world: dict, client_uuid: str) -> dict:
    """A full custody report: 2 visitors, 3 issues, a seen profile, sent an hour after the visit."""
    arrived = datetime.now(UTC) - timedelta(hours=3)
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

    def workers(self) -> list[int]:
        """The gunicorn workers: the processes whose parent is the master."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue  # ended meanwhile
                # pid (comm) state ppid ...: comm may hold spaces, so read after its closing bracket.
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def memory_mb(self) -> dict:
        """Each worker's resident set now (VmRSS) and its peak so far (VmHWM), in MB."""
        memory = {}
        for pid in self.workers():
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                          if ":" in line)
            memory[pid] = {key: round(int(status[key].split()[0]) / 1024, 1) for key in ("VmRSS", "VmHWM")}
        return memory


# What every browser says it accepts: the public page is fetched as a browser fetches it.
BROWSER_ENCODINGS = "gzip, deflate, br"


def wrk(*, url: str, token: str | None, body: str, seconds: int, connections: int, seed: int,
        headers: tuple[str, ...] = ()) -> dict:
    """POSTs of the body with the token (a new client_uuid each), or without a token plain GETs."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"token": token, "body": body, "seed": seed} if token else "")
    try:
        run = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name,
             *(arg for header in headers for arg in ("-H", header)), url],
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


def rollup_kpi_sql(scheme_id: int, date_from, date_to) -> tuple[str, list]:
    """The KPI figures summed by hand from the roll-up: each site's totals, seen profile and issues
    over the period's whole months and the days at either end, in one statement of three parts."""
    first = date_from if date_from.day == 1 else (date_from.replace(day=1) + timedelta(days=32)).replace(day=1)
    after = date_to + timedelta(days=1)
    end = after.replace(day=1)  # the first day of the month after the last whole month
    if first < end:
        span = ("((grain = 'month' AND starts_on >= %s AND starts_on < %s) "
                "OR (grain = 'day' AND starts_on BETWEEN %s AND %s) OR (grain = 'day' AND starts_on BETWEEN %s AND %s))")
        span_params = [first, end, date_from, first - timedelta(days=1), end, date_to]
    else:
        span, span_params = "(grain = 'day' AND starts_on BETWEEN %s AND %s)", [date_from, date_to]
    sums = ", ".join(f"SUM({name})" for name in (
        "visits_attempted", "visits", "outcome_completed", "outcome_remote", "outcome_access_refused",
        "outcome_abandoned", "travel_minutes", "visitor_time", "access_immediate", "access_medium", "access_long",
        "delays_authorised_below_inspector", "delays_without_rank", "juveniles_present", "vulnerable_present",
        "custody_records_examined", "tact_visits", "concerns_raised", "concerns_open", "detainees_present",
        "detainees_offered", "detainees_seen", "detainees_refused", "detainees_not_offered", "detainees_unavailable",
        "detainees_observed"))
    parts = [
        f"SELECT site_id, NULL, NULL, json_build_array({sums}) FROM visits_sitetotals "
        f"WHERE scheme_id = %s AND {span} GROUP BY site_id",
        "SELECT site_id, dimension, value, to_json(SUM(count)) FROM visits_siteprofiletotals "
        f"WHERE scheme_id = %s AND {span} GROUP BY site_id, dimension, value HAVING SUM(count) > 0",
        "SELECT site_id, category_id::text, NULL, json_build_array(SUM(raised), SUM(resolved_during_visit)) "
        f"FROM visits_siteissuetotals WHERE scheme_id = %s AND {span} GROUP BY site_id, category_id",
    ]
    return " UNION ALL ".join(f"({part})" for part in parts), [scheme_id, *span_params] * len(parts)


def bare_coverage_sql(queries: list[dict], site_id: int) -> str:
    """The service's coverage statement as it ran, its site's id made the one parameter."""
    [statement] = [q["sql"] for q in queries if f'"{CustodyVisit._meta.db_table}"' in q["sql"]]
    statement = statement.replace("%", "%%")
    literal = f'"site_id" IN ({site_id})'
    assert statement.count(literal) == 1, statement
    return statement.replace(literal, '"site_id" IN (%s)')


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


# A slow phone line: 400 kbps each way, 400 ms of latency (Chrome's network emulation, over CDP).
SLOW_LINE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Usable: the sign-in form is on the screen (a first load is signed out). Its time is the page's own
# clock from the start of the navigation, taken on the animation frame that first shows it.
USABLE = """() => {
  const label = [...document.querySelectorAll("label")].find((l) => l.textContent.trim() === "Username");
  return label && label.offsetParent !== null ? performance.now() : false;
}"""


def phone_loads(url: str) -> dict:
    """The phone app's first load over the slow line (nothing cached, no service worker yet), then
    its second, from the service worker, still over the slow line: ms until usable, with the requests
    and bytes the first one took from the network."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside the ORM's calls
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_LINE)
            fetched = {}
            cdp.on("Network.loadingFinished", lambda event: fetched.__setitem__(event["requestId"],
                                                                                event["encodedDataLength"]))
            page.goto(f"{url}/app/", wait_until="commit")
            first = page.wait_for_function(USABLE, polling="raf", timeout=60_000).json_value()
            requests, transferred = len(fetched), sum(fetched.values())
            page.evaluate("""async () => {
                await navigator.serviceWorker.ready;
                while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
            }""")
            page.wait_for_load_state("networkidle")
            page.reload(wait_until="commit")
            second = page.wait_for_function(USABLE, polling="raf", timeout=60_000).json_value()
        finally:
            browser.close()
    return {"first_ms": round(first), "second_ms": round(second), "requests": requests,
            "kb": round(transferred / 1000, 1),
            "line": "400 kbps each way, 400 ms latency (CDP Network.emulateNetworkConditions)"}


def recommender_refresh(*, sites: int) -> dict:
    """The weekly refresh as the beat schedule runs it: the scan for the sites whose week has turned,
    which queues a batch a scheme, and the batch, run at once here (the queue made eager for it)."""
    conf = celery_app.conf
    _ = conf.task_always_eager  # reading a setting loads the configuration, so `changes` is the real map
    # Its settings are read with the Django namespace (CELERY_...); a failing batch stops the run.
    eager = {"CELERY_TASK_ALWAYS_EAGER": True, "CELERY_TASK_EAGER_PROPAGATES": True}
    was = {key: conf.changes.get(key) for key in eager}
    conf.changes.update(eager)
    try:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            refreshed = recommendations_refresh_week_turned()
            seconds = time.perf_counter() - start
    finally:
        for key, value in was.items():
            if value is None:
                conf.changes.pop(key, None)
            else:
                conf.changes[key] = value
    stored = Recommendation.objects.count()
    assert refreshed == sites == stored, (refreshed, sites, stored)
    return {"value": round(len(captured) / sites, 3), "queries": len(captured), "sites": sites,
            "seconds": round(seconds, 3), "sql": [q["sql"][:160] for q in captured]}


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
    recommender = recommender_refresh(sites=len(world["sites"]))
    print(f"recommender: {recommender['queries']} queries for {recommender['sites']} sites "
          f"in {recommender['seconds']} s", flush=True)
    plans = {
        "coverage": plans_of(coverage_queries, CustodyVisit._meta.db_table),
        # The KPIs read the roll-up, not the reports: its plans are the ones that matter.
        "kpis": [plan for table in ROLLUP_TABLES for plan in plans_of(kpi_queries, table._meta.db_table)],
        "bare_coverage_sql": explain(coverage_sql(), [site.pk, date_from, date_to]),
        "bare_kpi_sql": explain(kpi_sql(), [scheme.pk, date_from, date_to]),
        "bare_rollup_kpi_sql": explain(*rollup_kpi_sql(scheme.pk, date_from, date_to)),
    }

    # Plain http on loopback: the HTTPS defaults of DJANGO_DEBUG=0 are turned off.
    env = {**os.environ, "DATABASE_URL": own_database_url(), "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0", "DJANGO_SECURE_HSTS_SECONDS": "0",
           "DJANGO_SECURE_PROXY_SSL_HEADER": "0", "BARE_COVERAGE_SQL": bare_coverage_sql(coverage_queries, site.pk)}
    # Static files as production has them (hashed, compressed), which the phone's load depends on.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, check=True,
                   env={**env, "DJANGO_SETTINGS_MODULE": "backend.settings"})
    service = Server(wsgi="backend.wsgi:application", settings_module="backend.settings", port=args.port, env=env)
    bare = Server(wsgi="django.core.wsgi:get_wsgi_application()", settings_module="benchmarks.bare.settings",
                  port=args.port + 1, env=env)
    rounds = {"service": [], "bare": [], "public_page": [], "bare_page": []}
    anchors = {"coverage_sql_ms": [], "kpi_sql_ms": [], "bare_coverage_get_ms": [], "rollup_kpi_sql_ms": []}
    over_http = {"coverage_ms": [], "kpis_ms": [], "xlsx_ms": []}
    phone = []
    rollup_sql, rollup_params = rollup_kpi_sql(scheme.pk, date_from, date_to)
    try:
        service.wait("/api/v1/health/")
        bare.wait("/notes/")
        http_ms(f"{bare.url}/coverage/?site={site.pk}", desk_token, 3)  # warmed as the service is
        memory = {"idle": service.memory_mb()}
        # Before any submission, so the peak is what the reads need; these GETs also warm the workers.
        for path in (f"/api/v1/coverage/?site={site.pk}", f"/api/v1/kpis/?fy={fy}",
                     f"/api/v1/kpis/export/?fy={fy}&format=xlsx"):
            http_ms(service.url + path, desk_token, 3)
        memory["after_reads"] = service.memory_mb()
        template = json.dumps(report_body(world, "CLIENT_UUID"))
        for n in range(args.rounds):  # A B A B
            rounds["service"].append(wrk(url=f"{service.url}/api/v1/visits/", token=phone_token, body=template,
                                         seconds=args.seconds, connections=args.connections, seed=2 * n))
            rounds["bare"].append(wrk(url=f"{bare.url}/notes/", token=phone_token, body='{"text": "CLIENT_UUID"}',
                                      seconds=args.seconds, connections=args.connections, seed=2 * n + 1))
            over_http["coverage_ms"].append(http_ms(f"{service.url}/api/v1/coverage/?site={site.pk}",
                                                    desk_token, args.repeat)[0])
            anchors["bare_coverage_get_ms"].append(http_ms(f"{bare.url}/coverage/?site={site.pk}",
                                                           desk_token, args.repeat)[0])
            anchors["coverage_sql_ms"].append(sql_ms(coverage_sql(), [site.pk, date_from, date_to], args.repeat))
            over_http["kpis_ms"].append(http_ms(f"{service.url}/api/v1/kpis/?fy={fy}", desk_token, args.repeat)[0])
            anchors["rollup_kpi_sql_ms"].append(sql_ms(rollup_sql, rollup_params, args.repeat))
            anchors["kpi_sql_ms"].append(sql_ms(kpi_sql(), [scheme.pk, date_from, date_to], args.repeat))
            xlsx_ms, xlsx_bytes = http_ms(f"{service.url}/api/v1/kpis/export/?fy={fy}&format=xlsx", desk_token,
                                          max(1, args.repeat // 3))
            over_http["xlsx_ms"].append(xlsx_ms)
            phone.append(phone_loads(service.url))
            browser = (f"Accept-Encoding: {BROWSER_ENCODINGS}",)
            rounds["public_page"].append(wrk(url=f"{service.url}/public/{world['public_slug']}/", token=None, body="",
                                             seconds=args.seconds, connections=args.connections, seed=0,
                                             headers=browser))
            rounds["bare_page"].append(wrk(url=f"{bare.url}/fixed/", token=None, body="", seconds=args.seconds,
                                           connections=args.connections, seed=0, headers=browser))
            print(f"round {n + 1}: service {rounds['service'][-1]['requests_per_second']:.1f}/s, "
                  f"bare {rounds['bare'][-1]['requests_per_second']:.1f}/s", flush=True)
        memory["after_all"] = service.memory_mb()
    finally:
        service.stop()
        bare.stop()

    def median(values):
        return round(statistics.median(values), 2)

    service_rate = median([r["requests_per_second"] for r in rounds["service"]])
    bare_rate = median([r["requests_per_second"] for r in rounds["bare"]])
    public_rate = median([r["requests_per_second"] for r in rounds["public_page"]])
    bare_page_rate = median([r["requests_per_second"] for r in rounds["bare_page"]])
    coverage_sql_ms, kpi_sql_ms = median(anchors["coverage_sql_ms"]), median(anchors["kpi_sql_ms"])
    bare_get_ms, rollup_sql_ms = median(anchors["bare_coverage_get_ms"]), median(anchors["rollup_kpi_sql_ms"])
    kpis_ms = median(over_http["kpis_ms"])
    figures = {
        "submission": {"ratio": round(service_rate / bare_rate, 3), "service_per_second": service_rate,
                       "bare_per_second": bare_rate,
                       "errors": sum(r["errors"] for r in rounds["service"] + rounds["bare"]),
                       "rounds": {"service": rounds["service"], "bare": rounds["bare"]}},
        "public_page": {"ratio": round(public_rate / bare_page_rate, 3), "service_per_second": public_rate,
                        "bare_per_second": bare_page_rate,
                        "errors": sum(r["errors"] for r in rounds["public_page"] + rounds["bare_page"]),
                        "rounds": {"service": rounds["public_page"], "bare": rounds["bare_page"]}},
        # The anchors of the ratios first; the bare SQL over the raw rows is kept beside them.
        "coverage": {"ratio": round(median(over_http["coverage_ms"]) / bare_get_ms, 3),
                     "http_ms": median(over_http["coverage_ms"]), "anchor": "bare DRF GET, same SQL",
                     "anchor_ms": bare_get_ms, "bare_sql_ms": coverage_sql_ms, "queries": len(coverage_queries)},
        "kpis": {"ratio": round(kpis_ms / rollup_sql_ms, 3), "http_ms": kpis_ms,
                 "anchor": "bare SQL sums over the roll-up", "anchor_ms": rollup_sql_ms,
                 "bare_sql_ms": kpi_sql_ms, "queries": len(kpi_queries)},
        "xlsx_return": {"ratio": round(median(over_http["xlsx_ms"]) / kpis_ms, 3),
                        "http_ms": median(over_http["xlsx_ms"]), "anchor": "the KPIs over HTTP",
                        "anchor_ms": kpis_ms, "bare_sql_ms": kpi_sql_ms, "bytes": xlsx_bytes,
                        "queries": len(xlsx_queries)},
        "queries_new_report": {"value": len(new_queries), "sql": [q["sql"][:160] for q in new_queries]},
        "queries_retry": {"value": len(retry_queries), "sql": [q["sql"][:160] for q in retry_queries]},
        "recommender": recommender,
        "phone_first_load": {"value": median([load["first_ms"] for load in phone]),
                             "second_ms": median([load["second_ms"] for load in phone]), "loads": phone},
        "phone_second_load": {"value": median([load["second_ms"] for load in phone])},
        "peak_memory": {
            "peak_rss_mb": max(m["VmHWM"] for m in memory["after_reads"].values()),
            "idle_rss_mb": max(m["VmRSS"] for m in memory["idle"].values()),
            "peak_rss_mb_whole_run": max(m["VmHWM"] for m in memory["after_all"].values()),
            "workers": {stage: list(by_pid.values()) for stage, by_pid in memory.items()},
            # Judged between two runs by --compare.
            "target": f"{MEMORY_TARGET[0]} {MEMORY_TARGET[1]}× from {MEMORY_SIZES[0]:,} to {MEMORY_SIZES[1]:,} visits",
            "met": None,
        },
    }
    for name, (sense, target) in TARGETS.items():
        figures[name]["target"] = f"{sense} {target}"
        figures[name]["met"] = met(figure_value(figures[name]), sense, target)
    return {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": description,
            "commit": commit(),
            "visits": args.visits, "sites": args.sites, "days": args.days, "load_seconds": round(world["load_seconds"], 1),
            "settings": {"gunicorn": "2 sync workers, loopback", "wrk": f"1 thread, {args.connections} connections, "
                         f"{args.seconds} s a round, {args.rounds} rounds A B A B", "auth": "JWT on both",
                         "public_page": f"GETs as a browser sends them (Accept-Encoding: {BROWSER_ENCODINGS}), to both",
                         "tasks": "queued to an in-memory broker (the outbox rows are written, nothing is sent)"},
            "figures": figures, "plans": plans}


def figure_value(figure: dict):
    return figure.get("ratio", figure.get("value", figure.get("peak_rss_mb")))


def met(value, sense: str, target) -> bool:
    return value >= target if sense == "≥" else value <= target


def figure_detail(name: str, figure: dict) -> str:
    """The absolute figures behind a ratio, in a few words."""
    if name in ("submission", "public_page"):
        return f"{figure['service_per_second']}/s vs bare {figure['bare_per_second']}/s, {figure['errors']} errors"
    if "anchor_ms" in figure:
        return (f"{figure['http_ms']:.1f} ms over HTTP vs {figure['anchor_ms']} ms {figure['anchor']}, "
                f"{figure['queries']} queries")
    if "http_ms" in figure:
        return (f"{figure['http_ms']:.0f} ms over HTTP vs {figure['bare_sql_ms']} ms bare SQL, "
                f"{figure['queries']} queries")
    if name == "recommender":
        return f"queries per site: {figure['queries']} for {figure['sites']} sites in {figure['seconds']} s"
    if name == "phone_first_load":
        load = figure["loads"][0]
        return f"ms until usable, {load['requests']} requests, {load['kb']} KB (400 kbps, 400 ms)"
    if name == "phone_second_load":
        return "ms until usable, from the service worker (400 kbps, 400 ms)"
    if name == "peak_memory":
        return (f"MB, the workers' peak after the reads (idle {figure['idle_rss_mb']} MB, "
                f"{figure['peak_rss_mb_whole_run']} MB after the submissions too)")
    return "queries"


def summary(result: dict) -> str:
    lines = [f"{result['visits']} visits, {result['sites']} sites; {result['machine']['note']}",
             f"{'figure':20} {'value':>8} {'target':>8}  met  absolute"]
    for name, figure in result["figures"].items():
        if name == "peak_memory":
            target, judged = f"{MEMORY_TARGET[0]} {MEMORY_TARGET[1]}×", "—  "
        else:
            target, judged = figure["target"], "yes" if figure["met"] else "NO "
        lines.append(f"{name:20} {figure_value(figure):8} {target:>8}  {judged}  {figure_detail(name, figure)}")
    if "peak_memory" in result["figures"]:
        lines.append("peak memory is judged between two sizes: python -m benchmarks --compare")
    return "\n".join(lines)


# --- across runs ----------------------------------------------------------------------------------


def commit() -> str | None:
    """The commit of the code measured, "+" when the work tree has changes: runs are comparable at the
    same one. Results written and committed since do not change it."""
    code = ["--", ".", ":(exclude)benchmarks/results"]
    try:
        head = subprocess.run(["git", "rev-list", "-1", "--abbrev-commit", "HEAD", *code], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", *code], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+" if dirty else "")


def memory_compare(small: dict, large: dict) -> dict:
    """Peak memory of the larger run ÷ that of the smaller, against MEMORY_TARGET."""
    ratio = round(large["figures"]["peak_memory"]["peak_rss_mb"] / small["figures"]["peak_memory"]["peak_rss_mb"], 3)
    caveats = []
    commits = (small.get("commit"), large.get("commit"))
    if commits[0] != commits[1]:
        caveats.append(f"the runs are of different commits ({commits[0]}, {commits[1]})")
    elif commits[0] is None or commits[0].endswith("+"):
        caveats.append(f"the code measured had uncommitted changes or no commit ({commits[0]}): it may differ")
    if small["sites"] != large["sites"]:
        caveats.append(f"the runs have different numbers of sites ({small['sites']}, {large['sites']})")
    return {"ratio": ratio, "target": f"{MEMORY_TARGET[0]} {MEMORY_TARGET[1]}", "met": met(ratio, *MEMORY_TARGET),
            "small": run_memory(small), "large": run_memory(large), "caveats": caveats}


def run_memory(run: dict) -> dict:
    memory = run["figures"]["peak_memory"]
    return {"visits": run["visits"], "peak_rss_mb": memory["peak_rss_mb"],
            "growth_mb": round(memory["peak_rss_mb"] - memory["idle_rss_mb"], 1), "run_at": run["run_at"],
            "commit": run.get("commit")}


def compare_text(comparison: dict) -> str:
    small, large = comparison["small"], comparison["large"]
    lines = [f"peak memory: {large['peak_rss_mb']} MB at {large['visits']:,} visits ÷ {small['peak_rss_mb']} MB at "
             f"{small['visits']:,} = {comparison['ratio']}× (target {comparison['target']}×): "
             f"{'met' if comparison['met'] else 'NOT met'}"]
    # The idle workers (Django and the app imported) are most of the peak: the growth shows what the reads add.
    lines.append(f"  growth over the idle workers: {small['growth_mb']} MB at {small['visits']:,}, "
                 f"{large['growth_mb']} MB at {large['visits']:,}")
    lines += [f"  but {caveat}" for caveat in comparison["caveats"]]
    return "\n".join(lines)


def results_files(directory: Path) -> list[dict]:
    """Every speed_<visits>.json in the directory, smallest first."""
    runs = [json.loads(path.read_text()) for path in directory.glob("speed_*.json")]
    return sorted((run for run in runs if "figures" in run), key=lambda run: run["visits"])


README_ROWS = {
    "submission": "submission ÷ bare create",
    "coverage": "coverage over HTTP ÷ bare DRF GET of the same SQL",
    "kpis": "KPIs over HTTP ÷ bare SQL over the roll-up",
    "xlsx_return": "XLSX return ÷ the KPIs over HTTP",
    "queries_new_report": "queries, new full report (HTTP)",
    "queries_retry": "queries, retry (HTTP)",
    "recommender": "recommender, queries per site",
    "phone_first_load": "phone app's first load, ms until usable (400 kbps, 400 ms latency)",
    "phone_second_load": "phone app's second load, from the service worker, ms",
    "public_page": "public statistics page ÷ bare Django view of a fixed text",
}


def readme_cell(name: str, figure: dict | None) -> str:
    """A figure and, briefly, what is behind it, as the README's table has them."""
    if figure is None:
        return "—"
    value = figure_value(figure)
    if name in ("submission", "public_page"):
        return (f"{value} ({figure['service_per_second']}/s vs {figure['bare_per_second']}/s, "
                f"{figure['errors']} errors)")
    if "anchor_ms" in figure:
        return f"{value} ({figure['http_ms']:.1f} ms vs {figure['anchor_ms']} ms, {figure['queries']} queries)"
    if "http_ms" in figure:
        return f"{value} ({figure['http_ms']:.0f} ms vs {figure['bare_sql_ms']} ms, {figure['queries']} queries)"
    if name == "recommender":
        return f"{value} ({figure['queries']} queries for {figure['sites']} sites, {figure['seconds']} s)"
    if name == "phone_first_load":
        load = figure["loads"][0]
        return f"{value} ms ({load['requests']} requests, {load['kb']} KB)"
    if name == "phone_second_load":
        return f"{value} ms"
    return f"{value}"


def readme_table(runs: list[dict]) -> str:
    """The README's table: a column per run, and whether the largest run meets each target."""
    sizes = " | ".join(f"{run['visits']:,} visits" for run in runs)
    lines = [f"| figure | target | {sizes} | met |", "| --- | --- | " + "--- | " * len(runs) + "--- |"]
    for name, label in README_ROWS.items():
        cells = [readme_cell(name, run["figures"].get(name)) for run in runs]
        # Judged at the largest run that measured it.
        last = next((run["figures"][name] for run in reversed(runs) if name in run["figures"]), None)
        judged = "—" if last is None else ("yes" if last["met"] else "no")
        lines.append(f"| {label} | {TARGETS[name][0]} {TARGETS[name][1]} | {' | '.join(cells)} | {judged} |")
    measured = [run for run in runs if "peak_memory" in run["figures"]]
    cells = [f"{run['figures']['peak_memory']['peak_rss_mb']} MB (idle {run['figures']['peak_memory']['idle_rss_mb']})"
             if run in measured else "—" for run in runs]
    judged = "—"
    if len(measured) >= 2:
        comparison = memory_compare(measured[0], measured[-1])
        judged = f"{comparison['ratio']}×: {'yes' if comparison['met'] else 'no'}"
        if comparison["caveats"]:
            judged += " (" + "; ".join(comparison["caveats"]) + ")"
    lines.append(f"| peak memory of the workers, largest run ÷ smallest | {MEMORY_TARGET[0]} {MEMORY_TARGET[1]}× | "
                 f"{' | '.join(cells)} | {judged} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=sizes, default=[100_000],
                        help="visits loaded with COPY (default 100000); several, comma-separated, run one after "
                             "the other, each in a database of its own, and their peak memory is compared")
    parser.add_argument("--sites", type=int, default=200, help="custody suites they are spread over (default 200)")
    parser.add_argument("--days", type=int, default=730, help="days before today they are spread over (default 730)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of each wrk round (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds (default 2)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--repeat", type=int, default=9, help="GETs and SQL runs per round (default 9)")
    parser.add_argument("--port", type=int, default=8781, help="the service's port; the bare one's is the next")
    parser.add_argument("--out", type=Path, help=f"JSON written here (default {RESULTS}/speed_<visits>.json)")
    parser.add_argument("--compare", nargs="*", type=Path, metavar="FILE",
                        help="compare the peak memory of two runs' JSON, smaller first (default "
                             f"speed_{MEMORY_SIZES[0]}.json and speed_{MEMORY_SIZES[1]}.json in {RESULTS}); "
                             "measures nothing")
    parser.add_argument("--readme", nargs="?", const=RESULTS, type=Path, metavar="DIR",
                        help=f"print the README's table from the speed_*.json in DIR (default {RESULTS}); "
                             "measures nothing")
    args = parser.parse_args(argv)

    if args.readme is not None:
        runs = results_files(args.readme)
        if not runs:
            sys.exit(f"No speed_*.json in {args.readme}.")
        print(readme_table(runs))
        return
    if args.compare is not None:
        files = args.compare or [RESULTS / f"speed_{size}.json" for size in MEMORY_SIZES]
        if len(files) != 2:
            parser.error("--compare takes two files, the smaller run first, or none")
        missing = [str(path) for path in files if not path.exists()]
        if missing:
            sys.exit(f"No such results: {', '.join(missing)}.")
        small, large = (json.loads(path.read_text()) for path in files)
        if "peak_memory" not in small["figures"] or "peak_memory" not in large["figures"]:
            sys.exit("A run made before peak memory was measured: run it again.")
        print(compare_text(memory_compare(small, large)))
        return
    if args.out and len(args.visits) > 1:
        parser.error("--out names one file: give one size to --visits")

    results = []
    for visits in args.visits:
        args_one = argparse.Namespace(**{**vars(args), "visits": visits})
        configured = create_own_database()
        try:
            result = measure(args_one)
        finally:
            connection.creation.destroy_test_db(configured, verbosity=0)
        out = args.out or RESULTS / f"speed_{visits}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(summary(result))
        print(f"Written to {out}", flush=True)
        results.append(result)
    if len(results) > 1:
        smallest, largest = min(results, key=lambda r: r["visits"]), max(results, key=lambda r: r["visits"])
        print(compare_text(memory_compare(smallest, largest)))


def sizes(text: str) -> list[int]:
    """--visits 10000 or --visits 10000,1000000 (underscores allowed: 1_000_000)."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of visits, or several separated by commas: {text!r}") from None
    if any(value < 1 for value in values):
        raise argparse.ArgumentTypeError("the numbers of visits must be positive")
    return values


if __name__ == "__main__":
    main()
