"""The roll-up: each site's sums of its submitted reports per local day and per calendar month
(visits.models.SiteTotals, SiteProfileTotals, SiteIssueTotals), so that KPIs over any period read
a few thousand rows however many years of reports a scheme holds.

One definition of what a report contributes, written as the aggregate queries below, serves all
three uses: `rollup_add` after a report is written, `rollup_withdraw` before it is rewritten (a
correction, a draft submitted, a concern handled), both in the writer's transaction, and
`rollup_rebuild` / `rollup_differences` over a whole scheme. The sums are added with
INSERT ... ON CONFLICT DO UPDATE, so concurrent reports on one site and day add up rather than
overwrite each other; every statement takes a site's month row before its day row, so two of them
wait for each other instead of deadlocking.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, DurationField, F, Func, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth

from .db import STAND_IN, compiled_once, execute_together
from .kinds import KINDS, kind_of
from .models import (
    VISIT_MADE_OUTCOMES,
    AccessBand,
    AuthorisingRank,
    CustodyVisit,
    Grain,
    Outcome,
    Report,
    ReportStatus,
    RollupRow,
    Scheme,
    SeenProfileCount,
    SiteIssueTotals,
    SiteProfileTotals,
    SiteTotals,
    VisitIssue,
)
from .periods import next_month

KEY = ("scheme_id", "site_id", "grain", "starts_on")


@dataclass(frozen=True)
class Part:
    """One roll-up table's share of some reports: the aggregate query and where its sums go."""

    table: type[RollupRow]
    keys: tuple[str, ...]  # the unique key beyond site, grain and starts_on
    sums: tuple[str, ...]
    query: QuerySet  # rows of KEY, keys, sums

    @property
    def columns(self) -> tuple[str, ...]:
        return (*KEY, *self.keys, *self.sums)

    def sql(self) -> tuple[str, tuple]:
        sql, params = self.query.query.sql_with_params()
        return sql, tuple(params)


def _both_grains(queryset, *, report: str, group: dict, sums: dict):
    """The query's sums grouped by day and, in the same statement, by month; months come first.
    `report` is the path from the queryset's rows to their report ("" for the reports themselves)."""
    path = f"{report}__" if report else ""
    names = [*(f"r_{name}" for name in (*KEY, *group)), *(f"r_{name}" for name in sums)]
    parts = []
    for grain, starts_on in ((Grain.MONTH, TruncMonth(f"{path}local_date")), (Grain.DAY, F(f"{path}local_date"))):
        parts.append(
            queryset.order_by()
            .annotate(r_scheme_id=F(f"{path}scheme_id"), r_site_id=F(f"{path}site_id"), r_grain=Value(grain.value),
                      r_starts_on=starts_on, **{f"r_{name}": F(field) for name, field in group.items()})
            .values(*names[:len(KEY) + len(group)])
            .annotate(**{f"r_{name}": expression for name, expression in sums.items()})
            .values_list(*names)
        )
    return parts[0].union(parts[1], all=True)


def _totals_sums(model) -> dict:
    made = Q(outcome__in=VISIT_MADE_OUTCOMES)
    sums = {
        "visits_attempted": Count("id"),
        "visits": Count("id", filter=made),
        **{f"outcome_{o}": Count("id", filter=Q(outcome=o)) for o in Outcome.values},
        "travel_minutes": Sum("travel_minutes"),
        # Func, not "*": Django multiplies durations natively only where the database has a duration type.
        "visitor_time": Sum(Func(F("left_at") - F("arrived_at"), F("visitor_count"), arg_joiner=" * ",
                                 template="(%(expressions)s)", output_field=DurationField())),
    }
    zero = Value(0, output_field=IntegerField())
    if model is not CustodyVisit:
        return {**sums, **{name: zero for name in CUSTODY_SUMS}}
    delayed = Q(access_band__in=(AccessBand.MEDIUM, AccessBand.LONG))
    return {
        **sums,
        "access_immediate": Count("id", filter=Q(access_band=AccessBand.IMMEDIATE)),
        "access_medium": Count("id", filter=Q(access_band=AccessBand.MEDIUM)),
        "access_long": Count("id", filter=Q(access_band=AccessBand.LONG)),
        "delays_authorised_below_inspector": Count(
            "id", filter=delayed & Q(delay_authorised_by_rank=AuthorisingRank.SERGEANT)),
        # A report with no rank stored ("" from before version 1.1, or not_given) is a delay without one.
        "delays_without_rank": Count(
            "id", filter=delayed & Q(delay_authorised_by_rank__in=(AuthorisingRank.NONE, AuthorisingRank.NOT_GIVEN))),
        "juveniles_present": Sum("juveniles_present"),
        "vulnerable_present": Sum("vulnerable_present"),
        "custody_records_examined": Sum("custody_records_examined"),
        "tact_visits": Count("id", filter=made & Q(tact=True)),
        "concerns_raised": Count("id", filter=Q(concern_raised=True)),
        "concerns_open": Count("id", filter=Q(concern_raised=True, concern_handled_at__isnull=True)),
        **{name: Sum(name) for name in DETAINEE_COLUMNS},
    }


DETAINEE_COLUMNS = ("detainees_present", "detainees_offered", "detainees_seen", "detainees_refused",
                    "detainees_not_offered", "detainees_unavailable", "detainees_observed")
CUSTODY_SUMS = ("access_immediate", "access_medium", "access_long", "delays_authorised_below_inspector",
                "delays_without_rank", "juveniles_present", "vulnerable_present", "custody_records_examined",
                "tact_visits", "concerns_raised", "concerns_open", *DETAINEE_COLUMNS)


def _parts(model, where: dict) -> list[Part]:
    """What the model's submitted reports matching `where` (lookups on the report) contribute."""
    reports = model.objects.filter(status=ReportStatus.SUBMITTED, **where)
    sums = _totals_sums(model)
    parts = [Part(SiteTotals, (), tuple(sums), _both_grains(reports, report="", group={}, sums=sums))]

    link = model.link
    on_report = {f"{link}__{lookup}": value for lookup, value in where.items()}
    issues = VisitIssue.objects.filter(**{f"{link}__status": ReportStatus.SUBMITTED}, **on_report)
    issue_sums = {"raised": Count("id"), "resolved_during_visit": Count("id", filter=Q(resolved_during_visit=True))}
    parts.append(Part(SiteIssueTotals, ("category_id",), tuple(issue_sums),
                      _both_grains(issues, report=link, group={"category_id": "category_id"}, sums=issue_sums)))

    if kind_of(model).has_seen_profile:
        seen = SeenProfileCount.objects.filter(
            visit__status=ReportStatus.SUBMITTED, **{f"visit__{lookup}": value for lookup, value in where.items()})
        parts.append(Part(SiteProfileTotals, ("dimension", "value"), ("count",), _both_grains(
            seen, report="visit", group={"dimension": "dimension", "value": "value"}, sums={"count": Sum("count")})))
    return parts


def _add_sql(part: Part) -> tuple[str, tuple]:
    table, (sql, params) = part.table._meta.db_table, part.sql()
    conflict = ", ".join(("site_id", "grain", "starts_on", *part.keys))
    # WHERE true: SQLite reads "SELECT ... ON CONFLICT" as a join without it.
    return (f"INSERT INTO {table} ({', '.join(part.columns)}) SELECT * FROM ({sql}) AS contribution "
            f"WHERE true ORDER BY 3 DESC, 2, 4 ON CONFLICT ({conflict}) DO UPDATE SET "
            + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in part.sums), params)


def _withdraw_sql(part: Part) -> tuple[str, tuple]:
    table, (sql, params) = part.table._meta.db_table, part.sql()
    match = " AND ".join(f"{table}.{name} = contribution.r_{name}" for name in ("site_id", "grain", "starts_on", *part.keys))
    return (f"UPDATE {table} SET " + ", ".join(f"{name} = {table}.{name} - contribution.r_{name}" for name in part.sums)
            + f" FROM ({sql}) AS contribution WHERE {match}", params)


def _statements(model, build) -> list[tuple[str, tuple]]:
    return [build(part) for part in _parts(model, {"pk": STAND_IN})]


# Built once per kind of report and direction: compiling them took some 20 ms of CPU, longer than
# the rest of a report's write.
_report_statements = compiled_once(_statements)


def _execute(statements: list[tuple[str, tuple]]) -> None:
    execute_together(statements, prefix="rollup")


def _for(report: Report, build) -> list[tuple[str, tuple]]:
    return _report_statements(type(report), build, value=report.pk)


def rollup_add(report) -> None:
    """Add a report as it is now stored (nothing, if it is a draft)."""
    _execute(_for(report, _add_sql))


def rollup_withdraw(report) -> None:
    """Take a report out as it is stored now: call before changing it, then `rollup_add` after."""
    _execute(_for(report, _withdraw_sql))


ROLLUP_TABLES = (SiteTotals, SiteProfileTotals, SiteIssueTotals)


@transaction.atomic
def rollup_rebuild(*, scheme: Scheme) -> None:
    """Recompute the scheme's roll-up from its reports. Reports written meanwhile wait for it, so
    none is counted twice or missed; other schemes' reports wait too, for as long as it takes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE " + ", ".join(t._meta.db_table for t in ROLLUP_TABLES)
                           + " IN SHARE ROW EXCLUSIVE MODE")
    for table in ROLLUP_TABLES:
        table.objects.filter(scheme_id=scheme.pk).delete()
    for model in (kind.model for kind in KINDS):
        _execute([_add_sql(part) for part in _parts(model, {"scheme_id": scheme.pk})])


def rollup_differences(*, scheme: Scheme) -> list[str]:
    """Where the stored roll-up differs from the reports, in words; empty when it is right."""
    parts = [part for model in (kind.model for kind in KINDS) for part in _parts(model, {"scheme_id": scheme.pk})]
    expected, stored = {}, {}
    for part in parts:
        width = len(KEY) + len(part.keys)
        for row in part.query:
            expected[(part.table.__name__, *row[1:width])] = dict(zip(part.sums, row[width:]))
    # Each table once: custody suites and animal units share SiteTotals.
    for part in {part.table: part for part in parts}.values():
        width = len(KEY) + len(part.keys)
        for row in part.table._default_manager.filter(scheme_id=scheme.pk).values_list(*part.columns):
            values = dict(zip(part.sums, row[width:]))
            if any(values.values()):  # a row withdrawn to nothing is left at zero
                stored[(part.table.__name__, *row[1:width])] = values
    differences = []
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key) != stored.get(key):
            differences.append(f"{key}: reports say {expected.get(key)}, roll-up holds {stored.get(key)}")
    return differences


def _months_within(date_from: date, date_to: date) -> tuple[date, date] | None:
    """The first days of the first and last calendar months wholly inside the span, if any."""
    first = date_from if date_from.day == 1 else next_month(date_from)
    after = date_to + timedelta(days=1)
    end = after if after.day == 1 else date_to.replace(day=1)  # the day after the last whole month
    return (first, (end - timedelta(days=1)).replace(day=1)) if first < end else None


def span_parts(date_from: date, date_to: date) -> list[tuple[str, date, date]]:
    """The roll-up rows that sum to the span's reports (inclusive local dates), as (grain, first,
    last) of their starts: its whole months, and the days at either end that fall outside them."""
    months = _months_within(date_from, date_to)
    if months is None:
        return [(Grain.DAY, date_from, date_to)]
    first, last = months
    return [(Grain.MONTH, first, last), (Grain.DAY, date_from, first - timedelta(days=1)),
            (Grain.DAY, next_month(last), date_to)]


def rows_in_parts(rows, parts: list[tuple[str, date, date]], *, scheme_id):
    """The rows of a query of a roll-up table of the scheme in those parts (`span_parts`)."""
    span = Q()
    for grain, first, last in parts:
        span |= Q(grain=grain, starts_on__range=(first, last))
    return rows.filter(span, scheme_id=scheme_id)


def rows_within(rows, *, scheme: Scheme, date_from: date, date_to: date):
    """The rows of a query of a roll-up table that sum to the span's reports (inclusive local
    dates): its whole months, and the days at either end that fall outside them."""
    return rows_in_parts(rows, span_parts(date_from, date_to), scheme_id=scheme.pk)
