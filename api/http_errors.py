"""Answers Django itself makes, outside DRF's views: under /api/ every one is JSON, and a database
that does not answer is a 503 the caller may retry rather than a 500."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults

API_PREFIX = "/api/"
# Long enough for PostgreSQL to restart or fail over; a phone waits this long before sending again.
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = _("The database is not answering, so nothing was read or stored. Try again shortly.")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


class DatabaseUnavailableMiddleware:
    """A database error that says the connection is gone or refused (OperationalError, or
    InterfaceError on a closed connection) answers 503 with Retry-After. Django drops the broken
    connection at the end of the request, so the next one reconnects: no restart is needed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if _is_api(request):
            response = JsonResponse({"detail": str(DATABASE_DOWN)}, status=503)
        else:
            response = HttpResponse(str(DATABASE_DOWN), status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": str(_("Bad request."))}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": str(_("You do not have permission to perform this action."))}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """A path no route matches, such as /api/v1/users/0.5/ where an id must be a whole number."""
    if _is_api(request):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": str(_("Server error."))}, status=500)
    return defaults.server_error(request)
