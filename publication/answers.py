"""The public pages' answers kept whole, ahead of the rest of the site's middleware.

A public page or file is the same for everyone (no sign-in, no cookie, its language in its address),
so once answered it is kept, headers and all, for `PUBLIC_ANSWER_SECONDS` and served again before
sessions, CSRF, authentication and the page's own read of the scheme run: a link shared widely
costs a dictionary lookup and a cache read. A change (a release, a correction, the calendar, a page
hidden) moves the generation in the cache on, which forgets them at once in every process sharing that
cache (with `DJANGO_CACHE_URL`, all of them); a process with a cache of its own serves its copy for at
most those seconds more.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified

GENERATION = "public-answers-generation"
PREFIX = "/public/"


def forget() -> None:
    """Every kept answer is old: the next request of each page answers afresh."""
    cache.set(GENERATION, time.time_ns(), None)


# This process's answers, by address: (generation, kept until, body, headers). Held here rather than in
# the cache, so that serving one copies nothing; the addresses are the public pages' few.
_kept: dict[str, tuple[int | None, float, bytes, list[tuple[str, str]]]] = {}


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
        if kept is None or kept[0] != generation or kept[1] < time.monotonic():
            response = self.get_response(request)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                _kept[request.path] = (generation, time.monotonic() + settings.PUBLIC_ANSWER_SECONDS,
                                       response.content, list(response.items()))
            return response
        _, _, content, headers = kept
        etag = dict(headers).get("ETag")
        response = (HttpResponseNotModified() if etag and etag in request.headers.get("If-None-Match", "")
                    else HttpResponse(content))
        for name, value in headers:
            if not (response.status_code == 304 and name.lower() in ("content-type", "content-length")):
                response[name] = value
        return response
