"""Static files as production serves them: hashed names, cached for a year, compressed when asked."""

import re

from django.core.management import call_command
from django.test import Client


def test_a_pages_stylesheet_is_served_hashed_compressed_and_cached_for_a_year(db, settings, tmp_path):
    settings.STORAGES = settings.PRODUCTION_STORAGES
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a new client builds WhiteNoise afresh, over the files just collected

    page = client.get("/signin/").content.decode()
    [href] = re.findall(r'href="(/static/web/desk\.[0-9a-f]{12}\.css)"', page)
    response = client.get(href, HTTP_ACCEPT_ENCODING="gzip, br")

    assert response.status_code == 200
    assert response["Content-Encoding"] in ("gzip", "br")
    assert "max-age=315360000" in response["Cache-Control"]
