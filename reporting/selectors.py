"""Reads: KPIs of a scheme over a period, aggregated in SQL with a fixed number of queries.

Only submitted reports count, never drafts, and a report belongs to the period of its local
arrival date (`local_date`, set at write time in the scheme's zone, summer time included).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.db.models import Count, Field, Q, QuerySet, Sum

from scheduling.labels import day_label
from scheduling.selectors import Coverage, coverage_for_sites
from visits import access
from visits.db import selected_once, stand_in
from visits.models import (
    DETAINEE_SPLIT,
    DETAINEES,
    AccessBand,
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    IssueStatus,
    Outcome,
    ReportStatus,
    Role,
    Scheme,
    Site,
    SiteActivityChange,
    SiteIssueTotals,
    SiteKind,
    SiteProfileTotals,
    SiteTotals,
    User,
    VisitIssue,
)
from visits.periods import Period, complete_months, fy_of, to_date, years_later
from visits.rollup import rows_in_parts, span_parts
from visits.selectors import awaiting_force_q, scoped
from volunteers.selectors import NOT_YET_VOLUNTEERS, meeting_and_training_hours, year_in_review

ACCESS_BANDS = (AccessBand.IMMEDIATE.value, AccessBand.MEDIUM.value, AccessBand.LONG.value)
OUTCOMES = tuple(Outcome.values)
# Sums of a custody suite's reports beside the visits: what the Code of Practice asks schemes to count.
SUBGROUPS = ("juveniles_present", "vulnerable_present", "custody_records_examined")
CODE_COUNTS = ("visits_attempted", *(f"outcome_{o}" for o in OUTCOMES), "delays_authorised_below_inspector",
               "delays_without_rank", *SUBGROUPS, "tact_visits", "concerns_raised", "concerns_open")
# What the custody suites' sums add up to at the scheme's level.
CUSTODY_TOTALS = ("visits", "travel", *ACCESS_BANDS, *DETAINEES, *CODE_COUNTS)
custody_totals = itemgetter(*CUSTODY_TOTALS)


PLACES = {places: Decimal(1).scaleb(-places) for places in range(4)}


def rounded(value, places: int) -> float:
    """Half away from zero, as people round by hand (Python's round() rounds half to even)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(exact.quantize(PLACES.get(places) or Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def pct(part: int, whole: int) -> float | None:
    """The one definition of a KPI percentage of counts: one decimal, half away from zero; None when
    whole is 0. In whole numbers of tenths, exactly (a KPI answer holds a thousand of them)."""
    if not whole:
        return None
    tenths = (part * 2000 + whole) // (2 * whole)
    return tenths / 10


# --- who may read which scheme ----------------------------------------------------------------


def kpi_schemes(user: User) -> QuerySet[Scheme]:
    """Schemes whose KPIs the user may read: a manager their own, an analyst those granted."""
    return scoped(Scheme.objects.all(), user, "kpis", scheme="pk")


def kpi_scheme(user: User, scheme_id: int | None) -> Scheme | None:
    """The scheme of that id if the user may read its KPIs. A manager's is the scheme read with them."""
    found = access.grant(user, "kpis")
    if not user.is_superuser and found is not None and found.scope == access.Scope.SCHEME:
        return user.scheme if scheme_id is not None and scheme_id == user.scheme_id else None
    return kpi_schemes(user).filter(pk=scheme_id).first()


# --- the period reported ------------------------------------------------------------------------


class PeriodNotBegun(ValueError):
    """A period that starts after the scheme's today: it has no figures, and is never in a return."""


def reported_period(*, scheme: Scheme, period: Period) -> tuple[Period, bool] | None:
    """The one rule for the dates a period's figures and targets are counted over, wherever they are
    shown (the API, the files, the desk, the annual report): the period up to the scheme's today and
    whether it is still running (then it is "to date", its targets those of its days so far); None
    when it has not begun."""
    return to_date(period, today=scheme.local_today())


# --- targets ------------------------------------------------------------------------------------


def active_days(*, site: Site, changes: list, period: Period) -> int:
    """Days of the period on which the site was active.

    A change takes effect on its `effective_on` day (a suite closed on the 10th is inactive on
    the 10th). Before its first change a site was in the opposite state; with no change it has
    always been as `Site.active` says (see SiteActivityChange).
    """
    state = (not changes[0].active) if changes else site.active
    cursor, total = period.date_from, 0
    for change in changes:
        if change.effective_on > period.date_to:
            break
        if change.effective_on > cursor:
            if state:
                total += (change.effective_on - cursor).days
            cursor = change.effective_on
        state = change.active
    if state:
        total += (period.date_to - cursor).days + 1
    return total


def suite_target(*, site: Site, changes: list, period: Period, weekly_target: int) -> int:
    """Complete weeks the suite was active: its active days in the period ÷ 7, rounded down.

    A suite active all period gets exactly the period's complete weeks; one that closed or
    opened part way gets the complete weeks of its active days, however they are split.
    """
    return active_days(site=site, changes=changes, period=period) // 7 * weekly_target


def animal_unit_target(*, site: Site, changes: list, period: Period) -> int:
    """One visit for each calendar month wholly inside the period in which the unit was active throughout."""
    return sum(
        1 for first, last in complete_months(period)
        if active_days(site=site, changes=changes, period=Period(first, last)) == (last - first).days + 1
    )


# --- the KPIs -----------------------------------------------------------------------------------


SUMMED = [f.attname for f in SiteTotals._meta.concrete_fields
          if f.attname not in ("id", "scheme_id", "site_id", "grain", "starts_on")]
# Built once: resolving thirty aggregates took longer than the database took to sum them.
# The integer columns' sums come from the database as ints already (bigint on PostgreSQL, integer on
# SQLite): a plain Field as their output spares the int() Django would apply to each of 5,000 values an
# answer, a sixth of its time. The time spent keeps its field, which SQLite's microseconds need.
SITE_SUMS = SiteTotals.objects.values("site_id").annotate(**{
    f"sum_{name}": Sum(name) if name == "visitor_time" else Sum(name, output_field=Field()) for name in SUMMED
}).order_by()
# Each column's sum under the name the figures below use: access bands by their values, detainees by
# their short names.
SUM_KEYS = [(f"sum_{name}", {"travel_minutes": "travel", "visitor_time": "seconds",
                             **dict(zip(("access_immediate", "access_medium", "access_long"), ACCESS_BANDS)),
                             **{f"detainees_{short}": short for short in DETAINEES}}.get(name, name))
            for name in SUMMED]
SUM_COLUMNS, SUM_NAMES = itemgetter(*(column for column, _ in SUM_KEYS)), tuple(key for _, key in SUM_KEYS)
PROFILE_SUMS = (SiteProfileTotals.objects.values("site_id", "dimension", "value").annotate(n=Sum("count", output_field=Field()))
                .filter(n__gt=0).order_by("site_id", "dimension", "value"))  # a count withdrawn to 0 is none
ISSUE_SUMS = SiteIssueTotals.objects.values("site_id", "category_id").annotate(
    n=Sum("raised", output_field=Field()), resolved=Sum("resolved_during_visit", output_field=Field())).order_by()
ROLLUP_SUMS = {"sites": SITE_SUMS, "profile": PROFILE_SUMS, "issues": ISSUE_SUMS}


def _rollup(name: str, grains: tuple[str, ...]) -> QuerySet:
    """The shape of a read of the roll-up over a span of those grains, its scheme and dates stand-ins."""
    parts = [(grain, stand_in(1 + 2 * n, date), stand_in(2 + 2 * n, date)) for n, grain in enumerate(grains)]
    return rows_in_parts(ROLLUP_SUMS[name], parts, scheme_id=stand_in(0))


def _sites(scheme_id) -> QuerySet[Site]:
    return Site.objects.filter(scheme_id=scheme_id).only("id", "name", "kind", "active").order_by("-kind", "name")


def _changes(scheme_id) -> QuerySet[SiteActivityChange]:
    return SiteActivityChange.objects.filter(site__scheme_id=scheme_id).order_by("effective_on", "id")


def _categories(scheme_id) -> QuerySet[IssueCategory]:
    return IssueCategory.objects.filter(scheme_id=scheme_id).order_by("id").values("id", "slug")


def _volunteer_counts(scheme_id, date_from, date_to, cutoff) -> QuerySet[User]:
    """Visitors who were members during the period, who joined, who left, and how many of those still
    members on its last day had joined on or before `cutoff`: one row, none without visitors."""
    joined_by_end = Q(joined_on__isnull=True) | Q(joined_on__lte=date_to)
    member_at_end = joined_by_end & (Q(left_on__isnull=True) | Q(left_on__gt=date_to))
    # Applicants and recruits in checks are not volunteers yet (volunteers.selectors.members_q).
    visitors = User.objects.filter(scheme_id=scheme_id, role=Role.VISITOR).exclude(stage__in=NOT_YET_VOLUNTEERS)
    return visitors.values("scheme_id").annotate(
        active=Count("id", filter=joined_by_end & (Q(left_on__isnull=True) | Q(left_on__gte=date_from))),
        joined=Count("id", filter=Q(joined_on__range=(date_from, date_to))),
        left=Count("id", filter=Q(left_on__range=(date_from, date_to))),
        at_end=Count("id", filter=member_at_end),
        long_service=Count("id", filter=member_at_end & Q(joined_on__lte=cutoff)),
    ).order_by()


# Read with every KPI answer: compiling them took longer than the database took to answer.
_rollup_read = selected_once(_rollup)
_sites_read = selected_once(lambda: _sites(stand_in(0)))
_changes_read = selected_once(lambda: _changes(stand_in(0)))
_categories_read = selected_once(lambda: _categories(stand_in(0)))
_volunteers_read = selected_once(
    lambda: _volunteer_counts(stand_in(0), stand_in(1, date), stand_in(2, date), stand_in(3, date)))


def rollup_rows(name: str, *, scheme: Scheme, period: Period) -> list[dict]:
    """The roll-up's sums of the scheme's sites over the period: per site ("sites"), per site and
    seen-profile value ("profile"), per site and issue category ("issues")."""
    parts = span_parts(period.date_from, period.date_to)
    return _rollup_read(name, tuple(grain for grain, _, _ in parts),
                        values=[scheme.pk, *(day for _, first, last in parts for day in (first, last))])


def _site_sums(scheme: Scheme, period: Period) -> dict[int, dict]:
    """Each site's sums of its submitted reports over the period, read from the roll-up, under the
    names the figures below use: access bands by their values, detainees by their short names."""
    sums = {}
    for row in rollup_rows("sites", scheme=scheme, period=period):
        site_sums = dict(zip(SUM_NAMES, SUM_COLUMNS(row)))
        site_sums["seconds"] = site_sums["seconds"].total_seconds()
        site_sums["attempted"] = site_sums["visits_attempted"]
        sums[row["site_id"]] = site_sums
    return sums


def _hours(seconds: float, travel_minutes: int, rate: Decimal, other_hours: Decimal = Decimal(0)) -> tuple[float, float]:
    """Volunteer hours and their value: time on visits and travel, and at the scheme's level the time
    at team meetings and in training when the scheme counts it (volunteers.selectors.meeting_and_training_hours)."""
    exact = Decimal(str(seconds)) / 3600 + Decimal(travel_minutes) / 60 + other_hours
    return rounded(exact, 1), rounded(exact * rate, 2)


# The names each figure below reads and writes, made once: they are asked for 200 times an answer.
OUTCOME_SUMS = tuple((outcome, f"outcome_{outcome}") for outcome in OUTCOMES)
EXTRAS = (*SUBGROUPS, "tact_visits", "concerns_raised", "concerns_open")
SPLIT_SHARES = tuple((name, f"{name}_pct") for name in DETAINEE_SPLIT)


def _access(counts: dict) -> dict:
    immediate, medium, long = counts[ACCESS_BANDS[0]], counts[ACCESS_BANDS[1]], counts[ACCESS_BANDS[2]]
    return {ACCESS_BANDS[0]: immediate, ACCESS_BANDS[1]: medium, ACCESS_BANDS[2]: long,
            "immediate_pct": pct(immediate, immediate + medium + long),
            "delays_authorised_below_inspector": counts["delays_authorised_below_inspector"],
            "delays_without_rank": counts["delays_without_rank"]}


def _code_figures(sums: dict) -> dict:
    """What the answer shows of them, beside `visits`; `access` carries the two delay counts."""
    return {
        "visits_attempted": sums["visits_attempted"],
        "visits_by_outcome": {outcome: sums[column] for outcome, column in OUTCOME_SUMS},
    }


def _code_extras(sums: dict, issues_raised: int, issues_resolved: int) -> dict:
    return {
        **{name: sums[name] for name in EXTRAS},
        "issues_resolved_during_visit_pct": pct(issues_resolved, issues_raised),
    }


def _detainees(sums: dict) -> dict:
    figures = {name: sums[name] for name in DETAINEES}
    present, offered = sums["present"], sums["offered"]
    for name, share in SPLIT_SHARES:
        figures[share] = pct(sums[name], present)
    figures["seen_pct_of_offered"] = pct(sums["seen"], offered)
    figures["refused_pct_of_offered"] = pct(sums["refused"], offered)
    return figures


def _volunteers(scheme: Scheme, period: Period) -> dict:
    """Counts only, never names: visitors who were members during the period, who joined, who left,
    and how many of those still members on its last day had served `long_service_years` or more."""
    cutoff = years_later(period.date_to, -scheme.long_service_years)
    [figures] = _volunteers_read(values=[scheme.pk, period.date_from, period.date_to, cutoff]) or [
        dict.fromkeys(("active", "joined", "left", "at_end", "long_service"), 0)]
    figures.pop("scheme_id", None)
    figures["long_service_pct"] = pct(figures["long_service"], figures["at_end"])
    figures["long_service_years"] = scheme.long_service_years
    return figures


@dataclass(frozen=True)
class SchemeSites:
    """What a scheme's figures of any period are counted over: its sites, each one's activity history,
    and the slugs of its issue categories by id."""

    sites: list[Site]
    changes: dict[int, list[SiteActivityChange]]
    slugs: dict[int, str]


def scheme_sites(scheme: Scheme) -> SchemeSites:
    """Three queries, read once for all the periods of one answer (the quarters of a return)."""
    changes = defaultdict(list)
    for change in _changes_read(values=[scheme.pk]):
        changes[change.site_id].append(change)
    return SchemeSites(sites=_sites_read(values=[scheme.pk]), changes=dict(changes),
                       slugs={row["id"]: row["slug"] for row in _categories_read(values=[scheme.pk])})


def scheme_kpis(*, scheme: Scheme, period: Period, with_sites: bool = True, known: SchemeSites | None = None) -> dict:
    """Every KPI of the scheme and, unless `with_sites` is false (the return has no use for them),
    of each of its sites, over the period (inclusive local dates).

    Eight queries whatever the number of visits: sites, their activity history, the volunteers, the
    hours at team meetings, and from the roll-up (visits.rollup) the sums per site, the seen profile and the issues per
    category, with the categories; five when the sites, their history and the categories are `known`
    already (`scheme_sites`).

    A period still running is counted to the scheme's today (`reported_period`), so its `to` and its
    targets are those of its days so far; one not begun raises PeriodNotBegun.
    """
    clipped = reported_period(scheme=scheme, period=period)
    if clipped is None:
        raise PeriodNotBegun(period)
    period = clipped[0]
    known = known or scheme_sites(scheme)
    sites, changes_by_site, slugs = known.sites, known.changes, known.slugs
    sums_by_site = _site_sums(scheme, period)

    profile = defaultdict(lambda: defaultdict(dict))
    for row in rollup_rows("profile", scheme=scheme, period=period):
        profile[row["site_id"]][row["dimension"]][row["value"]] = row["n"]

    issues, resolved = defaultdict(dict), defaultdict(int)
    for row in rollup_rows("issues", scheme=scheme, period=period):
        issues[row["site_id"]][slugs[row["category_id"]]] = row["n"]
        resolved[row["site_id"]] += row["resolved"]
    slug_list = list(slugs.values())

    rate = scheme.hourly_rate
    empty = defaultdict(int)
    site_rows, totals, scheme_issues, custody_sums = [], defaultdict(int), defaultdict(int), []
    for site in sites:
        pk, changes = site.pk, changes_by_site.get(site.pk, [])
        sums = sums_by_site.get(pk, empty)
        spent = sums["seconds"] or 0.0
        totals["seconds"] += spent
        for slug, n in issues[pk].items():
            scheme_issues[slug] += n
        custody = site.kind == SiteKind.CUSTODY_SUITE
        if custody:
            target = suite_target(site=site, changes=changes, period=period, weekly_target=scheme.weekly_target)
            custody_sums.append(custody_totals(sums))
            totals["target"] += target
        else:
            target = animal_unit_target(site=site, changes=changes, period=period)
            totals["animal_visits"] += sums["visits"]
            totals["animal_attempted"] += sums["attempted"]
            totals["animal_travel"] += sums["travel"]
            totals["animal_target"] += target
        if not with_sites:
            continue
        row = {"site": pk, "name": site.name, "kind": site.kind}
        if custody:
            row.update(
                visits=sums["visits"], target=target, target_pct=pct(sums["visits"], target), animal_target_pct=None,
                **_code_figures(sums),
                access=_access(sums), detainees=_detainees(sums),
                **_code_extras(sums, sum(issues[pk].values()), resolved[pk]),
                seen_profile=_plain(profile.get(pk, {})),
            )
        else:
            row.update(animal_visits=sums["visits"], animal_visits_attempted=sums["attempted"], animal_target=target,
                       animal_target_pct=pct(sums["visits"], target), target_pct=None,
                       issues_resolved_during_visit_pct=None)
        row["issues_by_category"] = {slug: issues[pk].get(slug, 0) for slug in slug_list}
        row["volunteer_hours"], row["volunteer_value"] = _hours(spent, sums["travel"], rate)
        site_rows.append(row)

    # The suites' sums added up column by column: 200 suites' 26 columns, a dictionary step each, took longer.
    totals.update(zip(CUSTODY_TOTALS, map(sum, zip(*custody_sums, strict=False))))
    scheme_profile = defaultdict(lambda: defaultdict(int))
    for by_dimension in profile.values():
        for dimension, values in by_dimension.items():
            for value, n in values.items():
                scheme_profile[dimension][value] += n
    hours, value = _hours(totals["seconds"], totals["travel"] + totals["animal_travel"], rate,
                          sum(meeting_and_training_hours(scheme=scheme, date_from=period.date_from,
                                                         date_to=period.date_to)))
    return {
        "scheme": scheme.pk,
        "from": period.date_from.isoformat(),
        "to": period.date_to.isoformat(),
        "visits": totals["visits"],
        "target": totals["target"],
        "target_pct": pct(totals["visits"], totals["target"]),
        **_code_figures(totals),
        "access": _access(totals),
        "detainees": _detainees(totals),
        **_code_extras(totals, sum(sum(by_site.values()) for by_site in issues.values()), sum(resolved.values())),
        "seen_profile": _plain(scheme_profile),
        "issues_by_category": {slug: scheme_issues[slug] for slug in slug_list},
        "volunteer_hours": hours,
        "volunteer_value": value,
        "volunteers": _volunteers(scheme, period),
        "animal_visits": totals["animal_visits"],
        "animal_visits_attempted": totals["animal_attempted"],
        "animal_target": totals["animal_target"],
        "animal_target_pct": pct(totals["animal_visits"], totals["animal_target"]),
        **({"sites": site_rows} if with_sites else {}),
    }


def _plain(nested) -> dict:
    return {dimension: dict(sorted(values.items())) for dimension, values in sorted(nested.items())}


def issues_in_period(*, scheme: Scheme, period: Period) -> QuerySet[VisitIssue]:
    """Issues raised on the scheme's submitted reports, custody and animal, with arrival in the period."""
    span = (period.date_from, period.date_to)
    return VisitIssue.objects.filter(scheme=scheme).filter(
        Q(custody_visit__status=ReportStatus.SUBMITTED, custody_visit__local_date__range=span)
        | Q(animal_visit__status=ReportStatus.SUBMITTED, animal_visit__local_date__range=span)
    )


def issue_responses(*, scheme: Scheme, period: Period) -> list[dict]:
    """Per category: issues raised, resolved during the visit, answered by the force, still awaiting."""
    answered = Q(status__in=(IssueStatus.RESPONDED, IssueStatus.CLOSED))
    counts = {
        row["category_id"]: row for row in issues_in_period(scheme=scheme, period=period).values("category_id").annotate(
            raised=Count("id"),
            resolved=Count("id", filter=Q(resolved_during_visit=True)),
            answered=Count("id", filter=answered),
            awaiting=Count("id", filter=awaiting_force_q()),
        ).order_by()
    }
    zero = {"raised": 0, "resolved": 0, "answered": 0, "awaiting": 0}
    return [
        {"slug": c.slug, "name": c.display_name(), **{k: counts.get(c.pk, zero)[k] for k in zero}}
        for c in IssueCategory.objects.filter(scheme=scheme).order_by("id")
    ]


def issue_response_days(*, scheme: Scheme, period: Period) -> dict[str, list[int]]:
    """Per category slug, the days the force took to answer each issue raised in the period that it
    has answered: from the visit's local date to the local date of the response. One query."""
    days = defaultdict(list)
    rows = issues_in_period(scheme=scheme, period=period).filter(responded_at__isnull=False).values_list(
        "category__slug", "raised_on", "responded_at")
    for slug, raised_on, responded_at in rows:
        days[slug].append((responded_at.astimezone(scheme.zone).date() - raised_on).days)
    return dict(days)


def closures(*, site: Site, changes: list, period: Period) -> list[Period]:
    """The spans of the period in which the site was closed, from its activity history."""
    spans, closed_from = [], None
    state = (not changes[0].active) if changes else site.active
    if not state:
        closed_from = period.date_from
    for change in changes:
        if change.effective_on > period.date_to:
            break
        if not change.active and state:
            closed_from = max(change.effective_on, period.date_from)
        elif change.active and not state and change.effective_on > period.date_from:
            spans.append(Period(closed_from, change.effective_on - timedelta(days=1)))
            closed_from = None
        elif change.active:
            closed_from = None
        state = change.active
    if not state and closed_from is not None:
        spans.append(Period(closed_from, period.date_to))
    return spans


def timeslot_table(coverage: Coverage) -> dict:
    """A site's timeslot table from its coverage: one row per day (its name for people in the active
    language beside it) with its total, and the band totals."""
    return {
        "bands": list(coverage.bands),
        "rows": [{"day": day, "label": day_label(day), "cells": cells, "total": total}
                 for day, cells, total in zip(coverage.days, coverage.counts, coverage.day_totals)],
        "band_totals": coverage.band_totals, "total": coverage.total, "outside": coverage.outside,
        "unvisited": len(coverage.unvisited),
    }


def annual_report(*, scheme: Scheme, period: Period) -> dict:
    """Everything the yearly report shows: the API's KPIs, each site's coverage and timeslot table,
    and the force's responses. Counts only: no volunteer is named."""
    kpis = scheme_kpis(scheme=scheme, period=period)
    sites = {site.pk: site for site in
             Site.objects.filter(scheme=scheme).select_related("scheme").prefetch_related("activity_changes")}
    # One coverage aggregate for all the sites, not a query per site.
    coverages = coverage_for_sites(sites=[sites[row["site"]] for row in kpis["sites"]], date_from=period.date_from,
                                   date_to=period.date_to)
    suites, units = [], []
    for row in kpis["sites"]:
        coverage = coverages[row["site"]]
        site = sites[row["site"]]
        row = {**row, "grid": timeslot_table(coverage), "coverage": coverage,
               "closures": closures(site=site, changes=list(site.activity_changes.all()), period=period)}
        if row["kind"] == SiteKind.CUSTODY_SUITE:
            row["access_bands"] = [(AccessBand(band).label, row["access"][band]) for band in ACCESS_BANDS]
            suites.append(row)
        else:
            units.append(row)
    return {
        "period": period, "kpis": kpis, "suites": suites, "animal_units": units,
        "outcomes": [(Outcome(o).label, kpis["visits_by_outcome"][o]) for o in OUTCOMES],
        "issues": issue_responses(scheme=scheme, period=period),
        "volunteers_year": year_in_review(scheme=scheme, date_from=period.date_from, date_to=period.date_to),
    }


def first_report_fy(scheme: Scheme) -> int | None:
    """The financial year of the scheme's first submitted report, custody or animal; None before any.
    No annual report before it is offered (it would be all zeros and targets unmet)."""
    days = [model.objects.filter(scheme=scheme, status=ReportStatus.SUBMITTED).order_by("local_date")
            .values_list("local_date", flat=True).first() for model in (CustodyVisit, AnimalVisit)]
    known = [day for day in days if day is not None]
    return fy_of(min(known)) if known else None
