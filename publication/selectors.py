"""Reads: releases as a manager sees them through the API, and as the public sees them."""

from django.db.models import QuerySet

from visits.db import selected_once, stand_in
from visits.models import User
from visits.selectors import scoped

from .models import PublicationSettings, Release


def releases_visible(user: User) -> QuerySet[Release]:
    return scoped(Release.objects.all(), user, "releases").select_related("scheme__publication").order_by(
        "-date_to", "quarter", "-version")


def public_settings(slug: str) -> PublicationSettings | None:
    """The scheme published at /public/<slug>/, unless a superuser has hidden it: one query."""
    [found] = _public_settings_read(values=[slug]) or [None]
    return found


# Read by every public page: compiling it (the scheme's columns joined) cost more CPU than the rest
# of an answer from the cache.
_public_settings_read = selected_once(lambda: PublicationSettings.objects.select_related("scheme").filter(
    slug=stand_in(0, str), hidden=False).order_by("pk")[:1])


def public_releases(settings: PublicationSettings) -> list[Release]:
    """Every version of every release of the scheme, the latest period first, each period's newest version first."""
    return list(Release.objects.filter(scheme_id=settings.scheme_id).defer("raw").order_by(
        "-date_to", "quarter", "-version"))


def latest_versions(releases: list[Release]) -> list[Release]:
    """The current version of each period, from public_releases' order."""
    seen, latest = set(), []
    for release in releases:
        if (release.fy, release.quarter) not in seen:
            seen.add((release.fy, release.quarter))
            latest.append(release)
    return latest
