"""The public face of a scheme: /public/<slug>/, no sign-in, no cookies, nothing of an open period.

Every answer is built from frozen releases only and kept, rendered, in the cache under the scheme's
publication `revision` (which every release and calendar change moves on) and the language: a
request costs one query (the scheme's publication settings) and a cache read. ETag and Cache-Control
let browsers and proxies keep it too; a release's own files never change, so they are kept for a year."""

import csv
import hashlib
import io
import json

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import presenter, selectors
from .models import PublicationSettings, Release

PAGE_MAX_AGE = 3600  # the page, the index and the feed: a new release shows within the hour
FOREVER = 365 * 24 * 3600  # a release's own files: a correction is a new release, never a change
CSV_COLUMNS = ["release", "scheme", "period", "version", "published_at", "measure", "item", "value", "status"]
LANGUAGES = {"en": "en-gb", "cy": "cy"}


def _settings(slug: str, lang: str = "en") -> PublicationSettings:
    found = selectors.public_settings(slug)
    if found is None or (lang == "cy" and not found.scheme.offers_welsh):
        raise Http404("No such public page.")
    return found


def _answer(request, key: str, build, *, max_age: int, language: str = "en") -> HttpResponse:
    """The cached answer under `key`, built once; 304 when the client already holds it."""
    etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        stored = cache.get(key)
        if stored is None:
            stored = build()
            cache.set(key, stored, FOREVER)
        body, content_type = stored
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    # The page's language is its address's, whatever the browser asked for.
    response["Content-Language"] = LANGUAGES[language]
    response["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if max_age == FOREVER else "")
    return response


def _page_key(settings: PublicationSettings, name: str, lang: str) -> str:
    # The day is part of the key: the release calendar shows only dates still to come.
    return f"public:{settings.pk}:{settings.revision}:{settings.scheme.local_today()}:{name}:{lang}"


@require_safe
def scheme_page(request, slug: str, lang: str = "en"):
    settings = _settings(slug, lang)
    return _answer(request, _page_key(settings, "page", lang), lambda: _render(request, settings, None, lang),
                   max_age=PAGE_MAX_AGE, language=lang)


@require_safe
def release_page(request, slug: str, pk: int, lang: str = "en"):
    settings = _settings(slug, lang)
    return _answer(request, _page_key(settings, f"release-{pk}", lang),
                   lambda: _render(request, settings, pk, lang), max_age=PAGE_MAX_AGE, language=lang)


def _render(request, settings: PublicationSettings, pk: int | None, lang: str) -> tuple[bytes, str]:
    releases = selectors.public_releases(settings)
    latest = selectors.latest_versions(releases)
    if pk is None:
        shown = latest[0] if latest else None
    else:
        shown = next((release for release in releases if release.pk == pk), None)
        if shown is None:
            raise Http404("No such release.")
    scheme = settings.scheme
    with translation.override(LANGUAGES[lang]):
        versions = [r for r in releases if shown and (r.fy, r.quarter) == (shown.fy, shown.quarter)]
        context = {
            "scheme": scheme, "slug": settings.slug, "lang": lang, "html_lang": "cy" if lang == "cy" else "en-GB",
            "release": shown, "is_page": pk is None, "versions": versions,
            "current": versions[0] if versions else None,
            "figures": presenter.sections(shown.figures, shown.figures["categories"][LANGUAGES[lang]]) if shown else None,
            "latest": latest, "announced": [a for a in scheme.announced_releases.all()
                                            if a.due_on >= scheme.local_today()],
            "other_lang": "cy" if lang == "en" else "en", "offers_welsh": scheme.offers_welsh,
            "other_url": _page_url(settings.slug, pk, "cy" if lang == "en" else "en"),
            # Search engines take the page's languages from absolute addresses only.
            "alternates": [(code, request.build_absolute_uri(_page_url(settings.slug, pk, key)))
                           for key, code in (("en", "en-GB"), ("cy", "cy"))] if scheme.offers_welsh else [],
        }
        return render_to_string("publication/scheme.html", context).encode(), "text/html; charset=utf-8"


def _page_url(slug: str, pk: int | None, lang: str) -> str:
    if pk is None:
        return reverse("public-scheme-cy" if lang == "cy" else "public-scheme", args=[slug])
    return reverse("public-release-cy" if lang == "cy" else "public-release", args=[slug, pk])


def _release(settings: PublicationSettings, pk: int) -> Release:
    return get_object_or_404(Release.objects.defer("raw"), pk=pk, scheme_id=settings.scheme_id)


def release_record(release: Release, slug: str) -> dict:
    """A release's description, as the index and its JSON file give it."""
    return {"id": release.pk, "scheme": slug, "period": release.period_label, "fy": release.fy,
            "quarter": release.quarter or None, "from": release.date_from.isoformat(),
            "to": release.date_to.isoformat(), "version": release.version,
            "published_at": release.published_at.isoformat(), "note": release.note,
            "threshold": release.figures["threshold"],
            "csv": reverse("public-release-csv", args=[slug, release.pk]),
            "json": reverse("public-release-json", args=[slug, release.pk]),
            "page": reverse("public-release", args=[slug, release.pk])}


@require_safe
def release_json(request, slug: str, pk: int):
    settings = _settings(slug)

    def build():
        release = _release(settings, pk)
        body = {**release_record(release, settings.slug), "figures": release.figures["rows"],
                "categories": release.figures["categories"]["en-gb"]}
        return json.dumps(body, ensure_ascii=False, indent=1).encode(), "application/json"
    return _answer(request, f"public:release:{pk}:{settings.slug}:json", build, max_age=FOREVER)


@require_safe
def release_csv(request, slug: str, pk: int):
    settings = _settings(slug)

    def build():
        release = _release(settings, pk)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in release.figures["rows"]:
            writer.writerow([release.pk, settings.slug, release.period_label, release.version,
                             release.published_at.isoformat(), row["measure"], row["item"],
                             "" if row["value"] is None else row["value"], row["status"]])
        return out.getvalue().encode(), "text/csv; charset=utf-8"
    response = _answer(request, f"public:release:{pk}:{settings.slug}:csv", build, max_age=FOREVER)
    response["Content-Disposition"] = f'inline; filename="{slug}-release-{pk}.csv"'
    return response


@require_safe
def release_index(request, slug: str):
    settings = _settings(slug)

    def build():
        releases = [release_record(r, settings.slug) for r in selectors.public_releases(settings)]
        return json.dumps({"scheme": settings.scheme.name, "releases": releases}, ensure_ascii=False,
                          indent=1).encode(), "application/json"
    return _answer(request, _page_key(settings, "index", "en"), build, max_age=PAGE_MAX_AGE)


@require_safe
def feed(request, slug: str):
    settings = _settings(slug)

    @translation.override("en-gb")  # the feed is in English; each entry links to the page in both languages
    def build():
        page = request.build_absolute_uri(reverse("public-scheme", args=[slug]))
        atom = Atom1Feed(title=_("%(name)s: independent custody visiting in figures") % {"name": settings.scheme.name},
                         link=page, description=_("New releases of the scheme's published figures."), language="en",
                         feed_url=request.build_absolute_uri(reverse("public-feed", args=[slug])))
        for release in selectors.public_releases(settings):
            title = release.period_label if release.version == 1 else _("%(period)s, version %(version)s") % {
                "period": release.period_label, "version": release.version}
            atom.add_item(title=title, link=request.build_absolute_uri(reverse("public-release", args=[slug, release.pk])),
                          description=release.note or _("Figures for %(period)s.") % {"period": release.period_label},
                          unique_id=f"{page}releases/{release.pk}/", updateddate=release.published_at,
                          pubdate=release.published_at)
        return atom.writeString("utf-8").encode(), "application/atom+xml; charset=utf-8"
    return _answer(request, _page_key(settings, "feed", "en"), build, max_age=PAGE_MAX_AGE)
