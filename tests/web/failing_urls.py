"""The site's URLs and two that fail, for the error pages' tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

# Django takes the error handlers from the URLconf in use, so this one carries the site's.
from backend.urls import handler400, handler403, handler404, handler500  # noqa: F401
from backend.urls import urlpatterns as site


def fails(request):
    raise RuntimeError("a bug")


def refuses(request):
    raise PermissionDenied


urlpatterns = [path("fails/", fails), path("api/v1/fails/", fails), path("refuses/", refuses), *site]
