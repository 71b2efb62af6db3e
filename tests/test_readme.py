"""Every command the README gives runs as written, in the environment the README states. Commands
run on a fresh SQLite database in a temporary folder (the one substitution: DATABASE_URL), with the
README's own `.venv/bin/python` as this interpreter and tasks in-process."""

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
FENCED = re.compile(r"```sh\n(.*?)```", re.S)


def clean_env(database: Path, **extra) -> dict:
    """The environment of a newcomer's shell: none of the service's variables (nor the test run's)."""
    ours = ("DJANGO_", "DATABASE_URL", "CELERY_", "EMAIL_", "SITE_URL", "PORT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {**env, **extra, "DATABASE_URL": f"sqlite:///{database}"}


def lines(block: str) -> list[str]:
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def run(command: str, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    command = command.replace(".venv/bin/python", shlex.quote(sys.executable))
    command = command.replace("--file api_schema/openapi.yaml", f"--file {tmp_path / 'openapi.yaml'}")
    return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_full_stack_by_hand_runs_as_written(tmp_path):
    """The "By hand" commands (the servers aside), in the variables that block exports."""
    blocks = FENCED.findall(section("Running the full stack"))
    env = clean_env(tmp_path / "db.sqlite3")
    manage = []
    for line in (line for block in blocks for line in lines(block)):
        if line.startswith("export "):
            for name, _, value in (word.partition("=") for word in shlex.split(line)[1:]):
                if name != "DATABASE_URL":
                    env[name] = value
        elif ".venv/bin/python manage.py" in line:  # docker compose's need Docker
            manage.append(line)
    env.pop("CELERY_BROKER_URL")  # no worker runs here: tasks in-process
    assert [shlex.split(line.split("manage.py")[1])[0] for line in manage] == [
        "migrate", "setup_schedules", "createsuperuser", "rollup", "rollup"]
    for command in manage:
        result = run(command, env, tmp_path)
        assert result.returncode == 0, f"{command}\n{result.stderr}"


def test_the_commands_given_in_the_text_run_as_written(tmp_path):
    """Those in `code` in the prose run in a newcomer's shell with nothing exported."""
    database = tmp_path / "db.sqlite3"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, timeout=300,
                   env=clean_env(database, DJANGO_DEBUG="1"))
    prose = FENCED.sub("", README)
    commands = re.findall(r"`([^`\n]*\.venv/bin/python manage\.py [^`\n]*)`", prose)
    assert len(commands) >= 2
    for command in commands:
        result = run(command, clean_env(database), tmp_path)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert (tmp_path / "openapi.yaml").read_text().startswith("openapi:")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_demo_serves_on_the_port_asked_for_as_production_does_and_starts_again(tmp_path):
    """`bash scripts/demo` on another port, twice (the second time with the scheme already loaded)."""
    port = free_port()
    env = clean_env(tmp_path / "demo.sqlite3", PORT=str(port))
    for start in ("first", "again"):
        log = tmp_path / f"demo-{start}.log"
        demo = subprocess.Popen(["bash", "scripts/demo"], cwd=ROOT, env=env, start_new_session=True,
                                stdout=log.open("w"), stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                if demo.poll() is not None:
                    pytest.fail(f"scripts/demo ended ({start}):\n{log.read_text()}")
                try:
                    status, _, _ = get(f"http://127.0.0.1:{port}/signin/")
                    break
                except OSError:
                    time.sleep(1)
            else:
                pytest.fail(f"scripts/demo did not serve on port {port} ({start})")
            assert status == 200
            status, _, body = get(f"http://127.0.0.1:{port}/no-such-page/")
            assert status == 404 and b"Page not found" in body  # the product's page, not the debug list of URLs
            status, headers, _ = get(f"http://127.0.0.1:{port}/favicon.ico")
            assert status == 200 and headers["Content-Type"].startswith("image/")
        finally:
            os.killpg(demo.pid, 15)
            demo.wait(timeout=30)
