"""Reads: what each role may see. Anything outside these querysets answers 404."""

from django.db.models import Q, QuerySet

from .models import (
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    ReportStatus,
    Role,
    Scheme,
    Site,
    User,
    VisitIssue,
)


def readable_schemes(user: User) -> QuerySet[Scheme]:
    if user.is_superuser:
        return Scheme.objects.all()
    if user.role == Role.ANALYST:
        return user.schemes.all()
    return Scheme.objects.filter(pk=user.scheme_id)


def writable_schemes(user: User) -> QuerySet[Scheme]:
    """Schemes a caller may put people and sites in: a superuser any, a manager their own."""
    if user.is_superuser:
        return Scheme.objects.all()
    return Scheme.objects.filter(pk=getattr(user, "scheme_id", None))


def member_scheme_id(user: User) -> int | None:
    """The scheme whose reports the user may see (analysts and superusers have none as members)."""
    return user.scheme_id if user.role in (Role.VISITOR, Role.MANAGER, Role.CUSTODY) else None


def sites_visible(user: User) -> QuerySet[Site]:
    return Site.objects.filter(scheme__in=readable_schemes(user)).select_related("scheme")


def users_visible(user: User) -> QuerySet[User]:
    """Managers see their scheme's people; superusers everyone."""
    qs = User.objects.order_by("last_name", "first_name", "id").prefetch_related("schemes")
    if user.is_superuser:
        return qs
    if user.role == Role.MANAGER:
        return qs.filter(scheme_id=user.scheme_id)
    return qs.none()


def partners_visible(user: User) -> QuerySet[User]:
    """The active visitors of the user's scheme, whom a visitor may name on a report."""
    return User.objects.filter(scheme_id=user.scheme_id, role=Role.VISITOR, is_active=True).order_by(
        "last_name", "first_name", "id"
    )


def _reports_visible(model, user: User) -> QuerySet:
    qs = model.objects.select_related("site__scheme", "created_by").prefetch_related(
        "visitors", "issues__category", "corrections",
        *(["seen_profile"] if model is CustodyVisit else []),
    )
    if user.is_superuser:
        return qs
    scheme_id = member_scheme_id(user)
    if scheme_id is None:
        return qs.none()
    qs = qs.filter(scheme_id=scheme_id)
    if user.role == Role.MANAGER:
        return qs
    if user.role == Role.CUSTODY:
        return qs.filter(status=ReportStatus.SUBMITTED)
    # A visitor: their own drafts, and the submitted reports they are on.
    on_report = model.visitors.through.objects.filter(user_id=user.pk).values(
        "custodyvisit_id" if model is CustodyVisit else "animalvisit_id"
    )
    return qs.filter(Q(created_by=user) | Q(pk__in=on_report, status=ReportStatus.SUBMITTED))


def custody_visits_visible(user: User) -> QuerySet[CustodyVisit]:
    return _reports_visible(CustodyVisit, user)


def concerns_open(user: User) -> QuerySet[CustodyVisit]:
    """Submitted reports raising a concern no manager has yet marked handled: the managers' to act on."""
    if not (user.is_superuser or user.role == Role.MANAGER):
        return CustodyVisit.objects.none()
    return custody_visits_visible(user).filter(
        status=ReportStatus.SUBMITTED, concern_raised=True, concern_handled_at__isnull=True
    ).order_by("arrived_at", "id")


def animal_visits_visible(user: User) -> QuerySet[AnimalVisit]:
    return _reports_visible(AnimalVisit, user)


def categories_visible(user: User) -> QuerySet[IssueCategory]:
    return IssueCategory.objects.filter(scheme__in=readable_schemes(user))


def issues_visible(user: User) -> QuerySet[VisitIssue]:
    """Managers and the force's custody staff follow issues of submitted reports."""
    qs = VisitIssue.objects.select_related(
        "category", "custody_visit__site", "animal_visit__site", "responded_by"
    ).filter(Q(custody_visit__status=ReportStatus.SUBMITTED) | Q(animal_visit__status=ReportStatus.SUBMITTED))
    if user.is_superuser:
        return qs
    if user.role in (Role.MANAGER, Role.CUSTODY):
        return qs.filter(scheme_id=user.scheme_id)
    return qs.none()


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
            ("Detainees present", visit.detainees_present),
            ("Children (under 18) present", visit.juveniles_present),
            ("Vulnerable detainees present", visit.vulnerable_present),
            ("Offered a visit", visit.detainees_offered),
            ("Seen", visit.detainees_seen),
            ("Refused a visit", visit.detainees_refused),
            ("Not offered", visit.detainees_not_offered),
            ("Unavailable", visit.detainees_unavailable),
            ("Observed only", visit.detainees_observed),
            ("Custody records examined (with consent)", visit.custody_records_examined),
        ],
        "issues": list(visit.issues.select_related("category").order_by("id")),
    }
