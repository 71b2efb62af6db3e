"""The public pages' answers kept whole, ahead of the rest of the site's middleware.

A public page or file is the same for everyone (no sign-in, no cookie, its language in its address),
so once answered it is kept, headers and all, for `PUBLIC_ANSWER_SECONDS` and served again before
sessions, CSRF, authentication and the page's own read of the scheme run: a link shared widely
costs a dictionary lookup and a cache read. It is kept gzipped too, for the clients that accept it
(every browser): a page holds no secret, so compressing it gives nothing away. A change (a release,
a correction, the calendar, a page hidden) moves the generation in the cache on, which forgets them
at once in every process sharing that cache (with `DJANGO_CACHE_URL`, all of them); a process with
a cache of its own serves its copy for at most those seconds more.
"""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

GENERATION = "public-answers-generation"
PREFIX = "/public/"


def forget() -> None:
    """Every kept answer is old: the next request of each page answers afresh."""
    cache.set(GENERATION, time.time_ns(), None)


# Answers that compress: the page and the open-data files (a year's page is 166 KB of HTML, 10 KB gzipped).
COMPRESSED_TYPES = ("text/", "application/json", "application/atom+xml")
# "gzip" named in Accept-Encoding, as Django's GZipMiddleware reads it.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Kept:
    """One address's answer: its generation, until when it is served, its body (and gzipped, when that
    is worth it) and its headers."""

    generation: int | None
    until: float
    body: bytes
    gzipped: bytes | None
    headers: list[tuple[str, str]]
    etag: str | None


# This process's answers, by address. Held here rather than in the cache, so that serving one copies
# nothing; the addresses are the public pages' few.
_kept: dict[str, Kept] = {}


def _keep(path: str, generation: int | None, response) -> Kept:
    body = response.content
    compress = response.get("Content-Type", "").startswith(COMPRESSED_TYPES) and len(body) > 200
    # Every copy of the answer varies by the encoding asked for, the plain one too (a cache keeps both).
    patch_vary_headers(response, ("Accept-Encoding",))
    kept = Kept(generation=generation, until=time.monotonic() + settings.PUBLIC_ANSWER_SECONDS, body=body,
                gzipped=compress_string(body) if compress else None, headers=list(response.items()),
                etag=response.get("ETag"))
    _kept[path] = kept
    return kept


def _answer(kept: Kept, request) -> HttpResponse:
    """The kept answer as this request asks for it: gzipped if it accepts that, 304 if it has it already.
    A gzipped body has a weak ETag of its own (as GZipMiddleware gives), so a cache never mixes the two."""
    gzipped = kept.gzipped is not None and ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    etag = f"W/{kept.etag}" if gzipped and kept.etag and not kept.etag.startswith("W/") else kept.etag
    if etag and etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
        skipped = ("content-type", "content-length")
    else:
        response = HttpResponse(kept.gzipped if gzipped else kept.body)
        skipped = ("content-length",)
    for name, value in kept.headers:
        if name.lower() not in skipped:
            response[name] = value
    if etag:
        response["ETag"] = etag
    if response.status_code == 200:
        response["Content-Length"] = str(len(response.content))
        if gzipped:
            response["Content-Encoding"] = "gzip"
    return response


class PublicAnswerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a plain GET of a public address is kept: a query string would let anyone fill the cache.
        if request.method != "GET" or not request.path.startswith(PREFIX) or request.META.get("QUERY_STRING"):
            return self.get_response(request)
        generation = cache.get(GENERATION)
        if generation is None:  # never set, or the cache was emptied: nothing kept can be trusted
            forget()
            generation = cache.get(GENERATION)
        kept = _kept.get(request.path)
        if kept is None or kept.generation != generation or kept.until < time.monotonic():
            response = self.get_response(request)
            if response.status_code != 200 or response.cookies or response.streaming:
                return response
            kept = _keep(request.path, generation, response)
        return _answer(kept, request)
