"""Settings for the test suite: the real settings, with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-not-secret-but-long-enough-for-hs256")
# The test client, the live servers and the workers speak plain http, as a deployment without TLS
# does: debug is off here, so each HTTPS switch is turned off explicitly (tests/test_deployment.py
# checks them on). Processes started with these settings read the same.
for _switch in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_SECURE_HSTS_SECONDS",
                "DJANGO_SECURE_PROXY_SSL_HEADER"):
    os.environ.setdefault(_switch, "0")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402  (named, for the type checker)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Pages are rendered without a collectstatic first; the live server serves the apps' own static folders.
# tests/test_static_files.py checks the production storage.
PRODUCTION_STORAGES = STORAGES
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
