"""Small helpers every test module shares."""

from datetime import UTC, datetime
from urllib.parse import quote

from django.db import connection


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_database_url() -> str:
    """The pytest database, for a worker process to read and write the rows a test commits."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False
