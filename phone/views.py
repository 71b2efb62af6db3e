"""The app shell, its web manifest and its service worker. The app itself is the JavaScript under
static/phone/, which talks only to /api/v1/."""

import hashlib
import json
import re
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

ASSETS = Path(__file__).resolve().parent / "static" / "phone"
SERVICE_WORKER = Path(__file__).resolve().parent / "service_worker.js"


def _assets() -> list[Path]:
    return sorted(p for p in ASSETS.rglob("*") if p.is_file())


def _asset_url(path: Path) -> str:
    # Unhashed names: the modules import each other by relative URL, and the service worker's cache, named
    # for the version, is what lets a new release replace the old one.
    return f"{settings.STATIC_URL}phone/{path.relative_to(ASSETS).as_posix()}"


def _version() -> str:
    """A digest of every file the app is made of: a new release changes sw.js, so phones install it."""
    digest = hashlib.sha256(SERVICE_WORKER.read_bytes())
    for path in _assets():
        digest.update(path.relative_to(ASSETS).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _guessed_language(request) -> str:
    """The catalogue the app will fetch first (i18n.js `remembered`, before anything is remembered):
    Welsh when the phone lists Welsh among its languages, else English."""
    asked = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    return "cy" if re.search(r"(^|,)\s*cy\b", asked, re.IGNORECASE) else "en"


# app.js is the page's own script; the rota's and the record's screens, shown only after signing in,
# are imported when first needed, so the first load over a slow line carries only the sign-in form's.
NOT_PRELOADED = {"app.js", "rota.js", "record.js"}


@require_GET
def shell(request):
    # Every module and the first catalogue asked for at once, with the page: on a slow line each level
    # of imports found only once its importer arrived cost a round trip (400 ms at 400 kbps).
    modules = [_asset_url(path) for path in _assets() if path.suffix == ".js" and path.name not in NOT_PRELOADED]
    return render(request, "phone/app.html", {"static": f"{settings.STATIC_URL}phone/", "modules": modules,
                                              "catalogue": _guessed_language(request)})


@require_GET
def manifest(request):
    icons = [{"src": _asset_url(ASSETS / f"icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
              "purpose": "any maskable"} for size in (192, 512)]
    return JsonResponse({
        "name": "Custody visits", "short_name": "Visits", "id": "/app/", "start_url": "/app/", "scope": "/app/",
        "display": "standalone", "background_color": "#0b1a2b", "theme_color": "#0b1a2b",
        "description": "Independent custody visitors' reports, kept on the phone until the service has them.",
        "icons": icons,
    }, content_type="application/manifest+json")


@require_GET
def service_worker(request):
    shell_files = ["/app/", "/app/manifest.webmanifest", *(_asset_url(p) for p in _assets())]
    head = f"const VERSION = {json.dumps(_version())};\nconst SHELL = {json.dumps(shell_files)};\n"
    response = HttpResponse(head + SERVICE_WORKER.read_text(), content_type="text/javascript; charset=utf-8")
    # The browser must ask for it again every time, or a phone would keep an old app for a day.
    response["Cache-Control"] = "no-cache"
    return response
