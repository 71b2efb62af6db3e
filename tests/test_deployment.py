"""The deployment the README documents passes Django's own deployment check, and every variable
the settings read is in the README's configuration table."""

import os
import re
import secrets
import shlex
import subprocess
import sys

from django.conf import settings

README = (settings.BASE_DIR / "README.md").read_text()


def production_environment() -> dict[str, str]:
    """The sh block after "The production environment" in the README, with a real secret key."""
    block = README.split("The production environment", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    env = dict(shlex.split(line)[0].split("=", 1) for line in block.splitlines() if line.strip())
    assert env["DJANGO_SECRET_KEY"].startswith("<")
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_check_deploy_is_clean_with_the_documented_production_environment():
    env = bare_environment(**production_environment())
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def bare_environment(**variables) -> dict[str, str]:
    """This machine's environment without any DJANGO_ variable, plus the given ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="backend.settings", **variables)
    return env


def test_check_deploy_is_clean_with_nothing_but_the_secret_key_and_the_hosts():
    env = bare_environment(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="icv.example.org")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# Three requests through the whole middleware stack, in a process with the given environment: plain
# http, then http marked HTTPS by the proxy, then the load balancer's health probe over plain http.
REQUESTS = """
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
# A deployment collects its static files first (the Dockerfile does); this process has not, so its
# pages name them plainly rather than by the manifest's hashed names.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client()
plain = client.get("/signin/")
print("plain", plain.status_code, plain.get("Location"))
marked = client.get("/signin/", headers={"X-Forwarded-Proto": "https"})
print("https", marked.status_code, marked.get("Strict-Transport-Security"))
print("csrf cookie secure", bool(marked.cookies["csrftoken"]["secure"]))
"""


def answers(**variables) -> list[str]:
    env = bare_environment(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="testserver",
                           **variables)
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", REQUESTS], cwd=settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_with_debug_off_http_is_redirected_and_https_gets_hsts_and_secure_cookies():
    assert answers() == [
        "plain 301 https://testserver/signin/",
        "https 200 max-age=31536000; includeSubDomains",
        "csrf cookie secure True",
    ]


def test_a_plain_http_deployment_turns_each_switch_off_explicitly():
    """As docker-compose.yml does on localhost."""
    assert answers(DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0", DJANGO_SECURE_HSTS_SECONDS="0",
                   DJANGO_SECURE_PROXY_SSL_HEADER="0") == [
        "plain 200 None",
        "https 200 None",
        "csrf cookie secure False",
    ]


def test_with_debug_on_the_demo_runs_on_plain_http():
    assert answers(DJANGO_DEBUG="1") == ["plain 200 None", "https 200 None", "csrf cookie secure False"]


def test_docker_compose_says_it_serves_plain_http():
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    for switch in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_SECURE_HSTS_SECONDS",
                   "DJANGO_SECURE_PROXY_SSL_HEADER"):
        assert re.search(rf'^ +{switch}: "0"$', compose, re.M), switch


def test_every_variable_the_settings_read_is_in_the_readme_table():
    source = (settings.BASE_DIR / "backend" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\("([A-Z_]+)"', source))
    first_cells = re.findall(r"^\| ([^|]+) \|", README, flags=re.MULTILINE)
    table = {name for cell in first_cells for name in re.findall(r"`([A-Z_]+)`", cell)}
    assert read - table == set()


def test_the_image_copies_every_package_the_project_installs():
    """Docker does not run here, so the Dockerfile is read: a package left out of the image is an
    app the container cannot import at start-up."""
    root = settings.BASE_DIR
    pyproject = (root / "pyproject.toml").read_text()
    packages = re.findall(r'"(\w+)\*"', re.search(r"^include = \[(.*)\]$", pyproject, re.M).group(1))
    copied = set(re.findall(r"^COPY (\w+) \1$", (root / "Dockerfile").read_text(), re.M))
    assert set(packages) - copied == set()
