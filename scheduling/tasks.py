from datetime import date

from celery import shared_task
from django.conf import settings

from visits.models import Site, User

from . import services

# Safe to repeat (one recommendation per request key), so a message whose worker died is run again.
# A retry's countdown stays within one task time limit: the broker's visibility timeout counts it.
RETRY = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (Exception,), "retry_backoff": 10,
         "retry_backoff_max": settings.CELERY_TASK_TIME_LIMIT, "retry_jitter": True, "max_retries": 5}


@shared_task(name="scheduling.refresh_site", **RETRY)
def refresh_site(site_id: int, date_from: str, date_to: str, request_key: str,
                 requested_by_id: int | None = None) -> int | None:
    """Rank a site's cells over the window (ISO dates) and store it once under request_key."""
    site = Site.objects.select_related("scheme").filter(pk=site_id).first()
    if site is None:
        return None
    # The weekly refresh has no requester: no lookup of a user with no id.
    requested_by = User.objects.filter(pk=requested_by_id).first() if requested_by_id is not None else None
    recommendation = services.recommendation_refresh(
        site=site, date_from=date.fromisoformat(date_from), date_to=date.fromisoformat(date_to),
        request_key=request_key, requested_by=requested_by,
    )
    return recommendation.pk


@shared_task(name="scheduling.refresh_sites", **RETRY)
def refresh_sites(scheme_id: int, due: list[tuple[int, str]], date_from: str, date_to: str) -> int:
    """Refresh a batch of one scheme's sites, each once under its request key ([site id, key] pairs),
    in a fixed number of queries; a site deleted since it was queued is skipped. Returns how many."""
    keys = dict((site_id, key) for site_id, key in due)
    sites = list(Site.objects.filter(scheme_id=scheme_id, pk__in=keys).select_related("scheme").order_by("pk"))
    if not sites:
        return 0
    stored = services.recommendations_refresh(
        sites=sites, date_from=date.fromisoformat(date_from), date_to=date.fromisoformat(date_to),
        request_keys=keys, today=sites[0].scheme.local_today(),
    )
    return len(stored)


@shared_task(name="scheduling.refresh_week_turned", **RETRY)
def refresh_week_turned() -> int:
    """Queue the weekly refresh of every active site whose local week has turned, a batch per scheme."""
    return services.recommendations_refresh_week_turned()
