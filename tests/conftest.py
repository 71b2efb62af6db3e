"""Personas: alice manages Northshire, bob and bella visit for it, carol is its custody inspector,
dave is a national analyst granted Northshire; charlie manages Southshire and chris visits for it."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
from email import message_from_bytes
from urllib.parse import urlparse

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import cache

from backend.celery import app as celery_app
from tests.factories import SchemeFactory, SiteFactory, UserFactory
from tests.helpers import test_database_url
from tests.live import LiveServer, TcpProxy, database_url
from tests.openapi import CheckedClient
from visits.models import Role, SiteKind

pytest_plugins = ["tests.browser"]


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def services_missing() -> str | None:
    """Why the real PostgreSQL + Redis stack is not here, or None when it is."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "CELERY_BROKER_URL is not set"
    if not _reachable(settings.CELERY_BROKER_URL, 6379):
        return f"Redis is not reachable at {settings.CELERY_BROKER_URL}"
    return None


@pytest.fixture(autouse=True)
def _needs_services(request):
    """Tests marked `services` skip on a laptop without PostgreSQL and Redis, and fail in CI."""
    if request.node.get_closest_marker("services") is None:
        return
    reason = services_missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the services are missing: {reason}")
    pytest.skip(f"needs PostgreSQL and Redis: {reason}")


@pytest.fixture(autouse=True)
def _fresh_sign_in_counts():
    """Each test starts with no sign-in attempts counted against its accounts or its address."""
    cache.clear()


@pytest.fixture
def tasks_in_process():
    """Queued tasks run at once in this process, even when a broker is configured. The Celery app's
    own changes win over Django's settings, so the switch is set there and put back as found."""
    eager = "CELERY_TASK_ALWAYS_EAGER"
    _ = celery_app.conf.task_always_eager  # reading a setting loads the configuration, so `changes` is the real map
    changes = celery_app.conf.changes
    had, was = eager in changes, changes.get(eager)
    changes[eager] = True
    yield
    if had:
        changes[eager] = was
    else:
        del changes[eager]


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """start_worker(pool="solo", **env) starts a real Celery worker on the broker, reading and writing the test
    database, with extra environment variables; each is stopped at the end of the test."""
    started = []

    def start(pool="solo", **extra_env):
        log = tmp_path / f"worker{len(started)}.log"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", "DATABASE_URL": test_database_url(),
               "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, **extra_env}
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "backend", "worker", f"--pool={pool}", "--concurrency=1",
                 "-Q", "celery", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
                # Its own process group, so that a test can kill a prefork worker's main process and
                # its pool at once, as an OOM kill or a lost machine does.
                start_new_session=True,
            )
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def worker(start_worker):
    """A real Celery worker on the broker, reading and writing the test database."""
    return start_worker()


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port that keeps what it accepts; `hold` makes it sit on
    the next message without answering, as a slow server does, until `release`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SMTPSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    yield sink
    sink.release()
    controller.stop()


class SMTPSink:
    def __init__(self):
        self.messages = []
        self.holding, self.held, self.released = threading.Event(), threading.Event(), threading.Event()

    def hold(self):
        self.holding.set()

    def release(self):
        self.holding.clear()
        self.released.set()

    async def handle_DATA(self, server, session, envelope):
        if self.holding.is_set():
            self.held.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped (and its connections closed) before the test database is dropped."""
    yield live_server


@pytest.fixture
def scheme(db):
    return SchemeFactory(name="Northshire", hourly_rate="18.37")


@pytest.fixture
def other_scheme(db):
    return SchemeFactory(name="Southshire")


@pytest.fixture
def suite(scheme):
    return SiteFactory(scheme=scheme, name="Central", cells=30)


@pytest.fixture
def animal_unit(scheme):
    return SiteFactory(scheme=scheme, name="Dog unit", kind=SiteKind.ANIMAL_UNIT, cells=0)


@pytest.fixture
def other_suite(other_scheme):
    return SiteFactory(scheme=other_scheme, name="Harbour")


@pytest.fixture
def alice(scheme):
    return UserFactory(username="alice", role=Role.MANAGER, scheme=scheme)


@pytest.fixture
def bob(scheme):
    return UserFactory(username="bob", role=Role.VISITOR, scheme=scheme)


@pytest.fixture
def bella(scheme):
    return UserFactory(username="bella", role=Role.VISITOR, scheme=scheme)


@pytest.fixture
def carol(scheme):
    return UserFactory(username="carol", role=Role.CUSTODY, scheme=scheme)


@pytest.fixture
def dave(scheme):
    return UserFactory(username="dave", role=Role.ANALYST, scheme=None, schemes=[scheme])


@pytest.fixture
def charlie(other_scheme):
    return UserFactory(username="charlie", role=Role.MANAGER, scheme=other_scheme)


@pytest.fixture
def chris(other_scheme):
    return UserFactory(username="chris", role=Role.VISITOR, scheme=other_scheme)


@pytest.fixture
def root(db):
    return UserFactory(username="root", role="", scheme=None, is_superuser=True, is_staff=True)


@pytest.fixture
def api():
    """api(user) is a client signed in as that user (api(None): anonymous)."""

    def make(user=None):
        client = CheckedClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def proxied_server(transactional_db, tmp_path):
    """A gunicorn of the service whose database connections pass through a proxy the test can cut,
    as a database host that went away: (proxy, server)."""
    db = settings.DATABASES["default"]
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    server = LiveServer({"DATABASE_URL": database_url("127.0.0.1", proxy.port)}, tmp_path / "server.log")
    yield proxy, server
    server.stop()
    proxy.cut()
