"""Reads: releases as a manager sees them through the API, and as the public sees them."""

from django.db.models import QuerySet

from visits.models import User
from visits.selectors import scoped

from .models import PublicationSettings, Release


def releases_visible(user: User) -> QuerySet[Release]:
    return scoped(Release.objects.all(), user, "releases").select_related("scheme__publication").order_by(
        "-date_to", "quarter", "-version")


def public_settings(slug: str) -> PublicationSettings | None:
    """The scheme published at /public/<slug>/, unless a superuser has hidden it: one query."""
    return PublicationSettings.objects.select_related("scheme").filter(slug=slug, hidden=False).first()


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
