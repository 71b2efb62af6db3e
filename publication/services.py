"""Writes: publishing a release (and its corrections), and the release calendar."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from visits.models import Scheme, User

from . import answers, disclosure, figures
from .models import YEAR, AnnouncedRelease, PublicationSettings, Release, release_period


def settings_for(scheme: Scheme) -> PublicationSettings:
    """The scheme's publication settings, made with the defaults (its slug from its name) on first use."""
    found = PublicationSettings.objects.filter(scheme=scheme).first()
    if found is not None:
        return found
    base = slugify(scheme.name) or f"scheme-{scheme.pk}"
    slug = base if not PublicationSettings.objects.filter(slug=base).exists() else f"{base}-{scheme.pk}"
    return PublicationSettings.objects.get_or_create(scheme=scheme, defaults={"slug": slug})[0]


def period_closed(*, scheme: Scheme, fy: int, quarter: int) -> bool:
    """Only a period that has ended, in the scheme's zone, is ever published."""
    return release_period(fy, quarter).date_to < scheme.local_today()


def release_publish(*, scheme: Scheme, fy: int, quarter: int, user: User | None, note: str = "") -> Release:
    """Freeze the period's figures, disclosure-controlled, as its next version. A correction (any
    version after the first) says what changed; the earlier versions stay as they were."""
    if quarter not in (YEAR, 1, 2, 3, 4):
        raise ValidationError({"period": [_("A quarter is 1 to 4.")]})
    if not period_closed(scheme=scheme, fy=fy, quarter=quarter):
        raise ValidationError({"period": [_("That period has not ended: only a completed quarter or financial "
                                            "year can be published.")]})
    with transaction.atomic():
        # One publication of a scheme at a time: each release's control reads the ones before it.
        settings = PublicationSettings.objects.select_for_update().get(pk=settings_for(scheme).pk)
        previous = Release.objects.filter(scheme=scheme, fy=fy, quarter=quarter).order_by("-version").first()
        if previous is not None and not note.strip():
            raise ValidationError({"note": [_("This period is already published: say what the correction changes.")]})
        raw = figures.compute(scheme=scheme, fy=fy, quarter=quarter)
        states = _controlled(scheme=scheme, fy=fy, quarter=quarter, raw=raw, threshold=settings.small_count_threshold,
                             hidden_before=_hidden_in_versions(scheme=scheme, fy=fy, quarter=quarter))
        period = release_period(fy, quarter)
        release = Release.objects.create(
            scheme=scheme, fy=fy, quarter=quarter, date_from=period.date_from, date_to=period.date_to,
            version=previous.version + 1 if previous else 1, published_at=timezone.now(), published_by=user,
            note=note.strip(), raw=raw, figures={
                "threshold": settings.small_count_threshold, "rows": figures.public_rows(
                    raw, states, settings.small_count_threshold),
                "categories": raw["categories"], "grids": raw["grids"]})
        PublicationSettings.objects.filter(pk=settings.pk).update(revision=F("revision") + 1)
        answers.forget()
    return release


def _hidden_in_versions(*, scheme, fy, quarter) -> set[tuple[str, str]]:
    """The controlled cells any earlier version of the period hid: a correction keeps them hidden, so
    that it cannot be set beside the version it replaces to work one out."""
    return {(row["measure"], row["item"])
            for rows in Release.objects.filter(scheme=scheme, fy=fy, quarter=quarter).values_list("figures__rows", flat=True)
            for row in rows or () if figures.is_controlled(row["measure"]) and row["status"] != figures.SHOWN}


def _controlled(*, scheme, fy, quarter, raw, threshold, hidden_before=frozenset()) -> dict[tuple[str, str], str]:
    """Each controlled cell's status in the new release. The year and its quarters are controlled
    together once the year is (being) published, against the versions already public and the
    quarters not published yet, so that no small count is the difference of two releases; a cell an
    earlier version of the period hid stays hidden."""
    column = figures.column_name(quarter)
    latest = {}
    for release in Release.objects.filter(scheme=scheme, fy=fy).order_by("quarter", "-version"):
        latest.setdefault(release.quarter, release)
    latest.pop(quarter, None)
    columns = {column: raw["cells"]}
    states: dict = {}
    if quarter == YEAR or YEAR in latest:
        for other in (YEAR, 1, 2, 3, 4):
            if other == quarter:
                continue
            name = figures.column_name(other)
            if other in latest:
                columns[name] = latest[other].raw["cells"]
                for row in latest[other].figures["rows"]:
                    if figures.is_controlled(row["measure"]):
                        states[(name, row["measure"], row["item"])] = figures.STATE_OF_STATUS[row["status"]]
            else:
                columns[name] = figures.compute(scheme=scheme, fy=fy, quarter=other)["cells"]
                for measure in figures.controlled(columns[name]):
                    for item in columns[name][measure]:
                        states[(name, measure, item)] = disclosure.UNPUBLISHED
    values = {(name, measure, item): value for name, cells in columns.items()
              for measure in figures.controlled(cells) for item, value in cells[measure].items()}
    groups = [g for name, cells in columns.items() for g in figures.within_groups(cells, name)]
    groups += figures.across_groups(columns)
    free = [(column, measure, item) for measure in figures.controlled(raw["cells"]) for item in raw["cells"][measure]]
    decided = disclosure.suppress(values=values, groups=groups, threshold=threshold, states=states, free=free,
                                  hidden=[(column, measure, item) for measure, item in hidden_before])
    return {(measure, item): figures.STATUS_OF_STATE[decided[(column, measure, item)]] for _, measure, item in free}


def announced_release_add(*, scheme: Scheme, due_on: date, fy: int, quarter: int) -> AnnouncedRelease:
    if quarter not in (YEAR, 1, 2, 3, 4):
        raise ValidationError({"quarter": [_("A quarter is 1 to 4.")]})
    with transaction.atomic():
        announced = AnnouncedRelease.objects.create(scheme=scheme, due_on=due_on, fy=fy, quarter=quarter)
        _changed(scheme)
    return announced


def announced_release_remove(*, announced: AnnouncedRelease) -> None:
    with transaction.atomic():
        scheme = announced.scheme
        announced.delete()
        _changed(scheme)


def _changed(scheme: Scheme) -> None:
    """The public page shows something new: its cached copy and ETag move on."""
    PublicationSettings.objects.filter(pk=settings_for(scheme).pk).update(revision=F("revision") + 1)
    answers.forget()
