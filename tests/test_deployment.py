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
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(production_environment(), DJANGO_SETTINGS_MODULE="backend.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_https_variables_the_check_names_what_is_missing():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="icv.example.org",
               DJANGO_SETTINGS_MODULE="backend.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


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
