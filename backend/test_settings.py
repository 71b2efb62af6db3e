"""Settings for the test suite: the real settings, with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-not-secret-but-long-enough-for-hs256")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
