"""What the service serves for the phone app: the shell, its manifest and its service worker."""

import json
import re
from pathlib import Path

from django.test import Client

import phone

APP = Path(phone.__file__).resolve().parent


def test_the_shell_is_served_to_anyone_with_no_inline_script_or_style(db):
    response = Client().get("/app/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script type="module" src="/static/phone/app.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script would break the coming CSP"
    assert "<style" not in html and " style=" not in html
    assert '<link rel="manifest" href="/app/manifest.webmanifest">' in html


def statically_imported(name: str, found: set[str] | None = None) -> set[str]:
    """The modules `name` imports with an import statement, and theirs, to the end (not import())."""
    found = set() if found is None else found
    for imported in re.findall(r'^import [^;]*? from "\./([\w.]+)";', (APP / "static" / "phone" / name).read_text(),
                               flags=re.MULTILINE):
        if imported not in found:
            found.add(imported)
            statically_imported(imported, found)
    return found


def test_the_shell_asks_for_every_module_the_start_needs_and_the_first_catalogue_with_the_page(db):
    """On a slow line each level of imports would otherwise cost a round trip: the modules app.js
    imports (and theirs) are preloaded, and the words of the language the app will start in (Welsh for a
    phone that lists it). The screens imported only when first needed (the rota's, the record's) are
    not, so that the first load carries only what the sign-in form needs."""
    modules = sorted(f"/static/phone/{name}" for name in statically_imported("app.js"))
    assert {"/static/phone/api.js", "/static/phone/sync.js", "/static/phone/report.js"} <= set(modules)
    assert "/static/phone/rota.js" not in modules and "/static/phone/record.js" not in modules
    for accept, words in (("en-GB,en;q=0.9", "en"), ("en-GB, cy;q=0.8", "cy"), ("", "en"), ("cyr", "en")):
        html = Client().get("/app/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        assert sorted(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)) == modules
        assert f'<link rel="preload" href="/static/phone/i18n/{words}.json" as="fetch" crossorigin>' in html


def test_the_manifest_installs_the_app_at_app(db):
    response = Client().get("/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/app/", "/app/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert (APP / "static" / "phone" / icon["src"].removeprefix("/static/phone/")).is_file()


def test_the_service_worker_is_never_cached_and_names_every_file_of_this_version(db):
    response = Client().get("/app/sw.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    version = re.search(r'^const VERSION = "([0-9a-f]{16})";$', script, re.M).group(1)
    shell = json.loads(re.search(r"^const SHELL = (.*);$", script, re.M).group(1))
    files = {f"/static/phone/{p.relative_to(APP / 'static' / 'phone').as_posix()}"
             for p in (APP / "static" / "phone").rglob("*") if p.is_file()}
    assert {"/static/phone/i18n/en.json", "/static/phone/i18n/cy.json"} <= files  # offline in either language
    assert set(shell) == {"/app/", "/app/manifest.webmanifest", *files}
    assert f'const VERSION = "{version}";' in Client().get("/app/sw.js").content.decode()  # stable until a file changes


def test_the_scripts_call_only_the_public_api():
    for path in (APP / "static" / "phone").glob("*.js"):
        script = path.read_text()
        for url in re.findall(r'"(/[a-z][^"]*)"', script):
            # The one page of the service's own the sign-in screen links to (a link the volunteer follows
            # into a tab of its own, never fetched by the app): forgotten passwords.
            if url == "/password/reset/" and f'href: "{url}", target: "_blank"' in script:
                continue
            assert url.startswith(("/api/v1/", "/app/")), f"{path.name} calls {url}"
