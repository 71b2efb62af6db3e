"""Reads: what each role may see. Anything outside these querysets answers 404."""

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, JSONArray, TruncMonth
from django.utils.translation import gettext, gettext_noop

from . import access
from .db import selected_once, stand_in
from .eligibility import eligible_visitors
from .kinds import KINDS, kind_of
from .models import (
    AWAITING_FORCE,
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    IssueEvent,
    IssueStatus,
    Notification,
    ReportCorrection,
    ReportStatus,
    Role,
    Scheme,
    SeenProfileCount,
    Site,
    Stage,
    TrainingCourse,
    TrainingRecord,
    User,
    VisitIssue,
)
from .periods import years_later


def scoped(qs: QuerySet, user: User, resource: str, **columns) -> QuerySet:
    """The rows of `qs` the access policy lets the user see of the resource."""
    where = access.scope_q(user, resource, **columns)
    return qs if where is None else qs.filter(where)


def readable_schemes(user: User) -> QuerySet[Scheme]:
    return scoped(Scheme.objects.all(), user, "schemes", scheme="pk")


def writable_schemes(user: User) -> QuerySet[Scheme]:
    """Schemes a caller may put people and sites in: a superuser any, a manager their own."""
    if user.is_superuser:
        return Scheme.objects.all()
    return Scheme.objects.filter(pk=user.scheme_id) if user.scheme_id is not None else Scheme.objects.none()


def sites_visible(user: User) -> QuerySet[Site]:
    return scoped(Site.objects.select_related("scheme"), user, "sites")


def with_training(qs: QuerySet[User]) -> QuerySet[User]:
    """The people with their training records as `training_rows` ([course key, completed on, expires on],
    dates as ISO text), read in the same query, for `eligibility.is_trained` to answer without another."""
    return qs.annotate(training_rows=_children_as_json(
        TrainingRecord.objects.all(), "volunteer", JSONArray("course__key", "completed_on", "expires_on")))


def users_visible(user: User) -> QuerySet[User]:
    """Managers see their scheme's people; superusers everyone."""
    qs = User.objects.order_by("last_name", "first_name", "id").select_related("scheme").prefetch_related("schemes", "sites")
    return with_training(scoped(qs, user, "users"))


def partners_visible(user: User) -> QuerySet[User]:
    """The visitors of the user's scheme whom the user may name beside themselves on a report today:
    those the register lets visit (the sender is on every report already, so is no partner of their own)."""
    scheme = user.scheme
    if scheme is None:
        return User.objects.none()
    return (eligible_visitors(scheme, scheme.local_today())
            .exclude(pk=user.pk).order_by("last_name", "first_name", "id"))


def volunteers_visible(user: User) -> QuerySet[User]:
    """The visitors' records the user may read: a manager their scheme's, a visitor their own."""
    qs = User.objects.filter(role=Role.VISITOR).select_related("scheme").order_by("last_name", "first_name", "id")
    return scoped(qs, user, "volunteers")


def courses_visible(user: User) -> QuerySet[TrainingCourse]:
    return scoped(TrainingCourse.objects.all(), user, "training_courses")


def training_of(volunteer: User) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(volunteer=volunteer).select_related("course", "recorded_by")


def _reports_visible(model, user: User) -> QuerySet:
    qs = model.objects.select_related("site__scheme", "created_by").prefetch_related(
        "visitors", "issues__category",
        Prefetch("corrections", queryset=ReportCorrection.objects.select_related("corrected_by")),
        *(["seen_profile"] if kind_of(model).has_seen_profile else []),
    )
    def reports_on(person: User) -> QuerySet:
        return model.visitors.through.objects.filter(user_id=person.pk).values(kind_of(model).visitors_column)

    return scoped(qs, user, "reports", status="status", reports_on=reports_on)


class JSONList(Aggregate):
    """The group's values as one JSON list (PostgreSQL's jsonb_agg, SQLite's json_group_array)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _children_as_json(children: QuerySet, link: str, value) -> Subquery:
    """A column of the parent row: the `value` of each of its children as a JSON list (null for none)."""
    return Subquery(children.filter(**{link: OuterRef("pk")}).order_by().values(link)
                    .annotate(rows=JSONList(value)).values("rows"))


def report_with_related(report, *, visitors, issues, corrections, seen_profile=()):
    """The report with its related rows in place as prefetch_related leaves them (querysets holding
    their rows), so its answer reads none of them again. Issues come with their category."""
    related = {"visitors": visitors, "issues": issues, "corrections": corrections}
    if kind_of(report).has_seen_profile:
        related["seen_profile"] = seen_profile
    report._prefetched_objects_cache = {}
    for name, rows in related.items():
        rows = list(rows)
        queryset = getattr(report, name).all()
        queryset._result_cache, queryset._prefetch_done = rows, True
        report._prefetched_objects_cache[name] = queryset
    return report


def report_for_answer(model, *, scheme: Scheme, **lookup):
    """One stored report of the scheme ready for its answer, or None: the report with its site, visitors,
    seen profile and whether it was ever corrected in one read, its issues in a second, corrections (if
    any) in a third."""
    through = model.visitors.through
    link = model.visitors.field.m2m_field_name()
    report = model.objects.filter(scheme=scheme).select_related("site").annotate(
        visitor_ids=_children_as_json(through.objects.all(), link, "user_id"),
        corrected=Exists(ReportCorrection.objects.filter(**{model.link: OuterRef("pk")})),
        **({"profile": _children_as_json(SeenProfileCount.objects.all(), "visit",
                                         JSONArray("dimension", "value", "count"))}
           if kind_of(model).has_seen_profile else {}),
    ).filter(**lookup).order_by().first()
    if report is None:
        return None
    report.scheme = report.site.scheme = scheme
    profile = [SeenProfileCount(visit=report, dimension=dimension, value=value, count=count)
               for dimension, value, count in getattr(report, "profile", None) or []]
    return report_with_related(
        report,
        visitors=[User(pk=pk) for pk in report.visitor_ids or []],  # the answer names them by id only
        issues=VisitIssue.objects.filter(**{model.link: report}).select_related("category"),
        corrections=report.corrections.all() if report.corrected else [],
        seen_profile=profile,
    )


def custody_visits_visible(user: User) -> QuerySet[CustodyVisit]:
    return _reports_visible(CustodyVisit, user)


def concerns_open(user: User) -> QuerySet[CustodyVisit]:
    """Submitted reports raising a concern no manager has yet marked handled: the managers' to act on."""
    if not access.allows(user, "concerns", access.WRITE):
        return CustodyVisit.objects.none()
    return custody_visits_visible(user).filter(
        status=ReportStatus.SUBMITTED, concern_raised=True, concern_handled_at__isnull=True
    ).order_by("arrived_at", "id")


def animal_visits_visible(user: User) -> QuerySet[AnimalVisit]:
    return _reports_visible(AnimalVisit, user)


def categories_visible(user: User) -> QuerySet[IssueCategory]:
    return scoped(IssueCategory.objects.all(), user, "issue_categories")


def issues_submitted() -> QuerySet[VisitIssue]:
    """Issues of submitted reports: a draft's issues are nobody's business yet."""
    return VisitIssue.objects.filter(
        Q(custody_visit__status=ReportStatus.SUBMITTED) | Q(animal_visit__status=ReportStatus.SUBMITTED)
    )


def issues_visible(user: User) -> QuerySet[VisitIssue]:
    """Managers follow their scheme's issues; custody staff those of the sites they answer for
    (all the scheme's when they are attached to none)."""
    return scoped(issues_submitted().select_related("scheme", "category", "site"), user, "issues")


def custody_staff_q(site: Site) -> Q:
    """Who the force's e-mails about a site go to: its attached custody staff, and those attached to none."""
    return Q(scheme_id=site.scheme_id, role=Role.CUSTODY, is_active=True) & ~Q(email="") & (
        Q(sites=None) | Q(sites=site))


def custody_staff_for_site(site: Site) -> QuerySet[User]:
    return User.objects.filter(custody_staff_q(site)).distinct().order_by("pk")


def managers_q(scheme: Scheme) -> Q:
    """Whom a concern of ill-treatment goes to: the scheme's active managers with an address."""
    return Q(scheme=scheme, role=Role.MANAGER, is_active=True) & ~Q(email="")


def people_for_report(*, scheme: Scheme, visitor_ids, staff_of: Site | None = None,
                      managers: bool = False) -> list[User]:
    """In one read: the active visitors of the scheme among `visitor_ids`, and whom the report tells:
    the custody staff of `staff_of`, the scheme's managers. Each is known by their role."""
    ids = sorted(set(visitor_ids))
    values = [*ids, scheme.pk, *((staff_of.pk, staff_of.scheme_id) if staff_of is not None else ())]
    return _people_read(len(ids), staff_of is not None, managers, values=values)


def _people(visitors: int, staff: bool, managers: bool) -> QuerySet[User]:
    """The shape of people_for_report's read, with stand-ins for the visitors' ids, the scheme's and the site's."""
    scheme = Scheme(pk=stand_in(visitors))
    people = Q(pk__in=[stand_in(n) for n in range(visitors)], scheme=scheme, role=Role.VISITOR, is_active=True)
    if staff:
        people |= custody_staff_q(Site(pk=stand_in(visitors + 1), scheme_id=stand_in(visitors + 2)))
    if managers:
        people |= managers_q(scheme)
    return with_training(User.objects.filter(people)).distinct().order_by("pk")


# Read with every report: compiling it took longer than the database took to answer.
_people_read = selected_once(_people)


def issue_trends(*, user: User, date_from: date, date_to: date, site: Site | None = None) -> dict:
    """Themes and trends for the team meeting, over the issues the user follows raised in the
    window (visit dates, inclusive): counts per category per month and per site, how many are
    not yet closed and how many overdue, and the median days from the visit to the force's
    first response."""
    issues = issues_visible(user).filter(raised_on__range=(date_from, date_to))
    if site is not None:
        issues = issues.filter(site=site)
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    for row in issues.annotate(month=TruncMonth("raised_on")).values("month", "category__slug").annotate(n=Count("id")).order_by():
        by_month[row["month"].strftime("%Y-%m")][row["category__slug"]] = row["n"]
    by_site: dict[int, dict[str, int]] = defaultdict(dict)
    for site_row in issues.values("site_id", "category__slug").annotate(n=Count("id")).order_by():
        by_site[site_row["site_id"]][site_row["category__slug"]] = site_row["n"]
    sites: dict[int, dict] = {}
    first_response = Min("history__at", filter=Q(history__to_status=IssueStatus.RESPONDED))
    for issue in issues.annotate(first_response=first_response).order_by():
        figures = sites.setdefault(issue.site_id, {"site": issue.site_id, "name": issue.site.name, "open": 0,
                                                   "overdue": 0, "days": []})
        figures["open"] += issue.status != IssueStatus.CLOSED
        figures["overdue"] += issue.is_overdue(issue.scheme.local_today())
        if issue.first_response is not None:
            responded_on = issue.first_response.astimezone(issue.scheme.zone).date()
            figures["days"].append((responded_on - issue.raised_on).days)
    months, month = [], date(date_from.year, date_from.month, 1)
    while month <= date_to:
        months.append(month.strftime("%Y-%m"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    days = [d for figures in sites.values() for d in figures["days"]]
    return {
        "from": date_from, "to": date_to, "site": None if site is None else site.pk,
        "total": sum(sum(counts.values()) for counts in by_site.values()),
        "by_category": dict(sum((Counter(counts) for counts in by_site.values()), Counter())),
        "by_month": [{"month": m, "total": sum(by_month[m].values()), "by_category": by_month[m]} for m in months],
        "by_site": [
            {"site": pk, "name": figures["name"], "total": sum(by_site[pk].values()), "by_category": by_site[pk],
             "open": figures["open"], "overdue": figures["overdue"],
             "median_days_to_response": _median(figures["days"])}
            for pk, figures in sorted(sites.items(), key=lambda item: item[1]["name"])
        ],
        "open": sum(f["open"] for f in sites.values()),
        "overdue": sum(f["overdue"] for f in sites.values()),
        "median_days_to_response": _median(days),
    }


def _median(values: list[int]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def notifications_visible(user: User) -> QuerySet[Notification]:
    """The manager sees the scheme's outbox, newest first: what was sent, what waits, what failed."""
    return scoped(Notification.objects.order_by("-created_at", "-id"), user, "notifications")


def tact_report(*, visit: CustodyVisit) -> dict:
    """What the TACT report shows: the visit's facts and counts, in the scheme's local time, and no names.
    The visitors are counted, not named; free comments are left out, as they may name people."""
    zone = visit.site.scheme.zone
    local = {name: getattr(visit, name) and getattr(visit, name).astimezone(zone)
             for name in ("arrived_at", "admitted_at", "left_at")}
    return {
        "visit": visit,
        "scheme": visit.site.scheme,
        "site": visit.site,
        "times": local,
        "outcome": visit.get_outcome_display(),
        "rank": visit.get_delay_authorised_by_rank_display() if visit.delayed else "",
        "visitor_count": visit.visitors.count(),
        "counts": [
            (gettext("Detainees present"), visit.detainees_present),
            (gettext("Children (under 18) present"), visit.juveniles_present),
            (gettext("Vulnerable detainees present"), visit.vulnerable_present),
            (gettext("Offered a visit"), visit.detainees_offered),
            (gettext("Seen"), visit.detainees_seen),
            (gettext("Refused a visit"), visit.detainees_refused),
            (gettext("Not offered"), visit.detainees_not_offered),
            (gettext("Unavailable"), visit.detainees_unavailable),
            (gettext("Observed only"), visit.detainees_observed),
            (gettext("Custody records examined (with consent)"), visit.custody_records_examined),
        ],
        "issues": list(visit.issues.select_related("category").order_by("id")),
    }


# --- issues that still need the force ------------------------------------------------------------


def awaiting_force_q() -> Q:
    """The one definition of "awaiting the force's response": no response yet, and not resolved
    while the visitors were there (those never go to the force)."""
    return Q(status__in=AWAITING_FORCE, resolved_during_visit=False)


def issues_for_force(user: User) -> QuerySet[VisitIssue]:
    """The issues the force is asked about: those not resolved during the visit, oldest visit first.
    Each carries `email_failed_at` (the latest e-mail about it to the force failed: it bounced or
    was given up, so the force may never have seen it) and `reopened_at`, `reopen_note` (the
    manager's latest reopening, the question the force now has to answer)."""
    latest_email = Notification.objects.filter(issues=OuterRef("pk")).order_by("-created_at", "-id")
    reopening = IssueEvent.objects.filter(
        issue=OuterRef("pk"), to_status=IssueStatus.REFERRED,
        from_status__in=[IssueStatus.RESPONDED, IssueStatus.CLOSED],
    ).order_by("-at", "-id")
    return issues_visible(user).filter(resolved_during_visit=False).annotate(
        visit_date=Coalesce("custody_visit__local_date", "animal_visit__local_date"),
        email_failed_at=Subquery(latest_email.values("failed_at")[:1]),
        reopened_at=Subquery(reopening.values("at")[:1]),
        reopen_note=Subquery(reopening.values("note")[:1]),
    ).order_by("visit_date", "created_at", "id")


def issues_awaiting(issues: QuerySet[VisitIssue], today: date) -> dict[str, int]:
    """How many of these issues await the force's response, and how many of those are overdue."""
    waiting = issues.filter(awaiting_force_q())
    return waiting.aggregate(awaiting=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))


def issues_awaiting_force(user: User) -> QuerySet[VisitIssue]:
    return issues_for_force(user).filter(awaiting_force_q())


# --- the desk's report search -------------------------------------------------------------------


def reports_search(qs: QuerySet, *, text=None, site=None, date_from=None, date_to=None, visitor=None, status=None,
                   has_issues=None, access_band=None) -> QuerySet:
    """Narrow a visible reports queryset by what the manager's search form asks (None: any)."""
    kind = kind_of(qs.model)
    link = kind.link
    if text:
        mentioned = VisitIssue.objects.filter(**{link: OuterRef("pk")}, description__icontains=text)
        qs = qs.filter(Q(comments__icontains=text) | Exists(mentioned))
    if site is not None:
        qs = qs.filter(site=site)
    if date_from is not None:
        qs = qs.filter(local_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(local_date__lte=date_to)
    if visitor is not None:
        qs = qs.filter(pk__in=qs.model.visitors.through.objects.filter(user=visitor).values(
            kind.visitors_column))
    if status:
        qs = qs.filter(status=status)
    if has_issues is not None:
        with_issues = VisitIssue.objects.filter(**{link: OuterRef("pk")})
        qs = qs.filter(Exists(with_issues)) if has_issues else qs.exclude(Exists(with_issues))
    if access_band and kind.has_access_delay:
        qs = qs.filter(access_band=access_band)
    return qs


# --- volunteers ---------------------------------------------------------------------------------


def _visit_seconds(model, scheme: Scheme, date_from: date, date_to: date) -> dict[int, float]:
    link = model._meta.model_name  # the visitors' link table names its report so
    rows = model.visitors.through.objects.filter(**{
        f"{link}__scheme": scheme, f"{link}__status": ReportStatus.SUBMITTED,
        f"{link}__local_date__range": (date_from, date_to),
    }).values("user_id").annotate(spent=Sum(ExpressionWrapper(
        F(f"{link}__left_at") - F(f"{link}__arrived_at"), output_field=DurationField()))).order_by()
    return {row["user_id"]: row["spent"].total_seconds() if row["spent"] else 0.0 for row in rows}


def service_anniversary(*, joined_on: date | None, years: int, on: date) -> date | None:
    """The latest anniversary of `years`, 2×`years` … of service on or before `on` (None before the first)."""
    if joined_on is None or years <= 0:
        return None
    served = on.year - joined_on.year - ((on.month, on.day) < (joined_on.month, joined_on.day))
    blocks = served // years
    if blocks < 1:
        return None
    return years_later(joined_on, blocks * years)


def volunteers_overview(*, scheme: Scheme, date_from: date, date_to: date) -> list[dict]:
    """Each visitor who was a member at some time in the period: whether active on its last day,
    on probation (and until when), the long-service certificate falling due in the period (the
    scheme's `certificate_years` blocks), hours on visits in the period, and joining or leaving in it."""
    people = list(User.objects.filter(scheme=scheme, role=Role.VISITOR).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=date_to)).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=date_from)).order_by("last_name", "first_name", "id"))
    seconds: dict[int, float] = defaultdict(float)
    for model in (kind.model for kind in KINDS):
        for user_id, spent in _visit_seconds(model, scheme, date_from, date_to).items():
            seconds[user_id] += spent
    rows = []
    for person in people:
        anniversary = service_anniversary(joined_on=person.joined_on, years=scheme.certificate_years, on=date_to)
        rows.append({
            "person": person,
            "active": person.is_active and person.is_member_on(date_to),
            "probation_until": person.probation_ends_on if person.probation_ends_on and person.probation_ends_on >= date_to
            else None,
            "certificate_due": anniversary if anniversary and anniversary >= date_from else None,
            "certificate_years": ((anniversary.year - person.joined_on.year)
                                  if anniversary and person.joined_on else None),
            "hours": round(seconds[person.pk] / 3600, 1),
            "joined": person.joined_on is not None and date_from <= person.joined_on <= date_to,
            "left": person.left_on is not None and date_from <= person.left_on <= date_to,
        })
    return rows


# What falls due on the register (label, the record's date column), each read as a date in the window.
REGISTER_DATES = (
    (gettext_noop("Vetting expires"), "vetting_expires_on"),
    (gettext_noop("Term ends"), "term_ends_on"),
    (gettext_noop("Reappointment review"), "review_on"),
    (gettext_noop("Probation ends"), "probation_ends_on"),
)


def register_due(*, scheme: Scheme, today: date) -> list[dict]:
    """What falls due in the scheme's notice window from today, soonest first: each current visitor's
    vetting or term expiring, reappointment review, probation ending (if not signed off), and training
    lapsing with no later record of the course. Two queries: the people, then the records."""
    until = today + timedelta(days=scheme.reminder_days)
    current = User.objects.filter(scheme=scheme, role=Role.VISITOR, is_active=True).exclude(stage=Stage.LEFT)
    window = Q()
    for _label, column in REGISTER_DATES:
        window |= Q(**{f"{column}__range": (today, until)})
    due = []
    for person in current.filter(window):
        for label, column in REGISTER_DATES:
            on = getattr(person, column)
            if on and today <= on <= until and not (column == "probation_ends_on" and person.probation_signed_off_on):
                due.append({"person": person, "what": gettext(label), "on": on})
    lapsing = (TrainingRecord.objects.filter(volunteer__in=current, expires_on__range=(today + timedelta(days=1), until))
               .exclude(Exists(TrainingRecord.objects.filter(
                   volunteer=OuterRef("volunteer"), course=OuterRef("course"), completed_on__gt=OuterRef("completed_on"))))
               .select_related("volunteer", "course"))
    for record in lapsing:
        due.append({"person": record.volunteer, "on": record.expires_on,
                    "what": gettext("Training lapses: %(course)s") % {"course": record.course.display_name()}})
    return sorted(due, key=lambda item: (item["on"], item["person"].last_name, item["person"].pk))


def volunteer_visits(*, volunteer: User, limit: int = 20) -> list:
    """The submitted reports the visitor is on, latest first, of every kind."""
    found = []
    for kind in KINDS:
        found += list(kind.model._default_manager.filter(visitors=volunteer, status=ReportStatus.SUBMITTED)
                      .select_related("site").order_by("-arrived_at")[:limit])
    return sorted(found, key=lambda report: report.arrived_at, reverse=True)[:limit]
