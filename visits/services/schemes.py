"""Writes about schemes and their sites: settings, the follow-up a settings change needs, and the
sites' activity history."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from ..models import (
    DEFAULT_ISSUE_CATEGORIES,
    AccessBand,
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    Scheme,
    Site,
    SiteActivityChange,
    User,
)
from ..rollup import rollup_rebuild
from .queue import enqueue_on_commit
from .register import courses_create_default


@transaction.atomic
def scheme_create(**fields) -> Scheme:
    scheme = Scheme(**fields)
    scheme.full_clean()
    scheme.save()
    IssueCategory.objects.bulk_create(
        IssueCategory(scheme=scheme, slug=slug, name=name) for slug, name in DEFAULT_ISSUE_CATEGORIES
    )
    courses_create_default(scheme=scheme)
    return scheme


DERIVED_FROM_SETTINGS = ("timezone", "custody_bands", "animal_bands", "immediate_access_minutes", "long_delay_minutes")


@transaction.atomic
def scheme_update(*, scheme: Scheme, fields: dict) -> Scheme:
    """Change a scheme's settings. What stored reports derive from them (cells, access bands)
    is brought in step by a task queued on commit, so the change answers at once however many
    reports the scheme holds; the scheme is marked due in the same transaction, so the sweep runs
    the task again if the broker lost it."""
    before = [getattr(scheme, name) for name in DERIVED_FROM_SETTINGS]
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.full_clean()
    changed = [getattr(scheme, name) for name in DERIVED_FROM_SETTINGS] != before
    if changed:
        scheme.rederive_due_since = timezone.now()
    scheme.save()
    if changed:
        # robust: the settings and the mark are committed; a broker that is down leaves it to the sweep.
        enqueue_on_commit("visits.scheme_reports_rederive", scheme.pk, robust=True)
    return scheme


@transaction.atomic
def scheme_reports_rederive(*, scheme: Scheme) -> int:
    """Bring stored reports in step with the scheme's settings: cells follow its zone and bands,
    access bands its delay thresholds. Safe to run twice; returns how many reports changed cell."""
    CustodyVisit.objects.filter(scheme=scheme, access_delay_minutes__isnull=False).update(access_band=Case(
        When(access_delay_minutes__lte=scheme.immediate_access_minutes, then=Value(AccessBand.IMMEDIATE)),
        When(access_delay_minutes__lte=scheme.long_delay_minutes, then=Value(AccessBand.MEDIUM)),
        default=Value(AccessBand.LONG),
    ))
    moved = timeslots_recompute(scheme=scheme)
    # Only the change these settings came with: one made meanwhile keeps its mark for its own run.
    Scheme.objects.filter(pk=scheme.pk, rederive_due_since=scheme.rederive_due_since).update(rederive_due_since=None)
    return moved


def schemes_rederive_due(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """The schemes whose settings change the sweep carries through: marked, past a grace period, as
    the change's own task is usually on its way."""
    return list(Scheme.objects.filter(rederive_due_since__lte=timezone.now() - older_than).values_list("pk", flat=True))


@transaction.atomic
def timeslots_recompute(*, scheme: Scheme) -> int:
    """Put every report of the scheme back in the cell its arrival falls in under the scheme's
    current zone and bands; returns how many reports moved."""
    sites = {site.pk: site for site in Site.objects.filter(scheme=scheme)}
    for site in sites.values():
        site.scheme = scheme
    moved = 0
    for model in (CustodyVisit, AnimalVisit):
        stale: list = []
        reports = model.objects.filter(scheme=scheme).only(
            "id", "arrived_at", "site_id", "local_date", "slot_day", "slot_band"
        )
        for report in reports.iterator(chunk_size=2000):
            before = (report.local_date, report.slot_day, report.slot_band)
            report.scheme, report.site = scheme, sites[report.site_id]
            report.set_cell()
            if (report.local_date, report.slot_day, report.slot_band) != before:
                stale.append(report)
        model.objects.bulk_update(stale, ["local_date", "slot_day", "slot_band"], batch_size=500)
        moved += len(stale)
    # Local dates follow the zone, access bands the thresholds: the sums follow both.
    rollup_rebuild(scheme=scheme)
    return moved


@transaction.atomic
def site_save(*, site: Site, by: User | None, fields: dict) -> Site:
    """Create or update a site; a change of `active` is kept with its date for the targets."""
    was_active = site.active if site.pk else None
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    if was_active is not None and was_active != site.active:
        SiteActivityChange.objects.create(
            site=site, active=site.active, effective_on=site.scheme.local_today(),
            recorded_by=by,
        )
    return site
