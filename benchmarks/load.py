"""Fill the benchmark's own database fast: visits, their visitors and issues written with COPY.

The rows are made by the models' own rules (local date, cell and access band from the scheme's
zone, grid and bands), so the planner sees what a real scheme would hold; only the write path is
skipped, because a million reports through it would take hours.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

from django.db import connection

from visits.models import CustodyVisit, IssueCategory, ReportStatus, Scheme, Site, User, VisitIssue
from visits.rollup import ROLLUP_TABLES, rollup_rebuild

# Written per row; every other column gets its field's default, so a field added later loads too.
VISIT_COLUMNS = (
    "id", "scheme_id", "site_id", "client_uuid", "content_hash", "created_by_id", "status", "arrived_at", "left_at",
    "travel_minutes", "local_date", "slot_day", "slot_band", "submitted_at", "created_at", "updated_at",
    "admitted_at", "access_delay_minutes", "access_band", "delay_authorised_by_rank", "detainees_present",
    "detainees_offered", "detainees_seen", "detainees_refused", "detainees_not_offered", "detainees_unavailable",
    "detainees_observed", "visitor_count",
)
ISSUE_COLUMNS = ("scheme_id", "custody_visit_id", "site_id", "raised_on", "category_id", "description",
                 "resolved_during_visit", "created_at")


def _defaults(model, written: tuple[str, ...]) -> tuple[list[str], list]:
    """The columns `written` leaves out, and each one's default as the database stores it."""
    fields = [f for f in model._meta.concrete_fields if f.column not in written]
    return [f.column for f in fields], [f.get_db_prep_save(f.get_default(), connection) for f in fields]


def visits_copy(*, scheme: Scheme, sites: list[Site], visitors: list[User], count: int, days: int,
                issue_every: int = 5, seed: int = 12) -> None:
    """COPY `count` submitted custody visits spread over the `days` before now, two visitors each,
    and one issue on every `issue_every`-th visit; then set the sequences, build the roll-up and
    ANALYZE. They are written oldest first, as reports arrive, so the table's order follows the
    dates as it would."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    categories = list(IssueCategory.objects.filter(scheme=scheme).values_list("id", flat=True))
    zone = scheme.zone
    through = CustodyVisit.visitors.through._meta.db_table
    visit_rest, visit_defaults = _defaults(CustodyVisit, VISIT_COLUMNS)
    issue_rest, issue_defaults = _defaults(VisitIssue, ("id", *ISSUE_COLUMNS))
    raised = {}  # visit id: (site id, local date) of the visits with an issue
    with connection.cursor() as cursor:
        raw = cursor.cursor
        columns = ", ".join((*VISIT_COLUMNS, *visit_rest))
        with raw.copy(f"COPY {CustodyVisit._meta.db_table} ({columns}) FROM STDIN") as copy:
            for pk in range(1, count + 1):
                site = sites[pk % len(sites)]
                arrived = now - timedelta(hours=2, seconds=(count - pk) * days * 86400 // count + rng.randrange(3600))
                local = arrived.astimezone(zone)
                slot_day, slot_band = site.grid.cell_for(local)
                if pk % issue_every == 0:
                    raised[pk] = (site.pk, local.date())
                delay = rng.choice((0, 1, 3, 5, 8, 20))
                band = str(scheme.access_band(delay))
                offered = rng.randrange(0, 8)
                seen = rng.randrange(0, offered + 1)
                not_offered, unavailable, observed = rng.randrange(3), rng.randrange(3), rng.randrange(2)
                copy.write_row((
                    pk, scheme.pk, site.pk, uuid.UUID(int=rng.getrandbits(128), version=4), "0" * 64,
                    visitors[0].pk, ReportStatus.SUBMITTED.value, arrived, arrived + timedelta(minutes=75),
                    rng.randrange(0, 90), local.date(), slot_day, slot_band, arrived, arrived, arrived,
                    arrived + timedelta(minutes=delay), delay, band, "inspector" if delay > 5 else "",
                    offered + not_offered + unavailable + observed, offered, seen, offered - seen, not_offered,
                    unavailable, observed, 2, *visit_defaults,
                ))
        with raw.copy(f"COPY {through} (custodyvisit_id, user_id) FROM STDIN") as copy:
            for pk in range(1, count + 1):
                first = pk % len(visitors)
                copy.write_row((pk, visitors[first].pk))
                copy.write_row((pk, visitors[(first + 7) % len(visitors)].pk))
        columns = ", ".join((*ISSUE_COLUMNS, *issue_rest))
        with raw.copy(f"COPY {VisitIssue._meta.db_table} ({columns}) FROM STDIN") as copy:
            for pk, (site_id, raised_on) in raised.items():
                copy.write_row((scheme.pk, pk, site_id, raised_on, categories[pk % len(categories)],
                                "No hot drink offered", False, now, *issue_defaults))
        for table in (CustodyVisit._meta.db_table, through, VisitIssue._meta.db_table):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute(f"VACUUM ANALYZE {table}")
    # As after any bulk load: the KPIs read the roll-up, built here from the rows just copied.
    rollup_rebuild(scheme=scheme)
    with connection.cursor() as cursor:
        for table in ROLLUP_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table._meta.db_table}")

