"""Reads of the volunteer register's features: meetings, the cohort beside the population, the
meeting hours that count in the volunteer hours, and what the managers' reminder lists."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from visits.db import selected_once, stand_in
from visits.models import Role, Scheme, Stage, TrainingRecord, User
from visits.selectors import scoped, service_anniversary

from .models import PREFER_NOT_TO_SAY, AgeBand, Attendance, EthnicGroup, Gender, HomeArea, Meeting, PopulationShare

NOT_ANSWERED = "not_answered"
YEAR = timedelta(days=365)


def meetings_visible(user: User) -> QuerySet[Meeting]:
    return scoped(Meeting.objects.all(), user, "meetings").order_by("held_on", "id")


def home_areas_visible(user: User) -> QuerySet[HomeArea]:
    return scoped(HomeArea.objects.all(), user, "home_areas").order_by("scheme_id", "id")


NOT_YET_VOLUNTEERS = (Stage.APPLICANT, Stage.IN_CHECKS)


def members_q(on: date) -> Q:
    """Visitors who served their scheme on that day, by their dates (so a past day counts those who
    have left since): joined by then, not left by then (one who left that day no longer counts, as in
    the KPIs' members at the year's end), and no longer an applicant or a recruit in checks."""
    return (Q(role=Role.VISITOR) & ~Q(stage__in=NOT_YET_VOLUNTEERS)
            & (Q(joined_on__isnull=True) | Q(joined_on__lte=on)) & (Q(left_on__isnull=True) | Q(left_on__gt=on)))


def members(scheme: Scheme, on: date) -> QuerySet[User]:
    return User.objects.filter(members_q(on), scheme=scheme).order_by("last_name", "first_name", "id")


def attendance_for(*, meeting: Meeting, user: User) -> list[dict]:
    """Who was there: to a manager every volunteer of the scheme on the day (and anyone recorded),
    to a visitor only their own row."""
    there = set(meeting.attendance.values_list("volunteer_id", flat=True))
    if user.role == Role.VISITOR:
        people = [user]
    else:
        people = list(User.objects.filter(Q(pk__in=there) | (members_q(meeting.held_on) & Q(scheme=meeting.scheme)))
                      .order_by("last_name", "first_name", "id"))
    return [{"volunteer": person.pk, "name": person.get_full_name() or person.username,
             "attended": person.pk in there} for person in people]


def _hours_of(scheme_id, date_from, date_to) -> QuerySet[Scheme]:
    at_meetings = (Attendance.objects.filter(meeting__scheme=OuterRef("pk"), meeting__held_on__range=(date_from, date_to))
                   .order_by().values("meeting__scheme").annotate(hours=Sum("meeting__duration_hours")).values("hours"))
    in_training = (TrainingRecord.objects.filter(volunteer__scheme=OuterRef("pk"), completed_on__range=(date_from, date_to))
                   .order_by().values("volunteer__scheme").annotate(hours=Sum("course__hours")).values("hours"))
    return Scheme.objects.filter(pk=scheme_id).values(
        meeting_hours=Subquery(at_meetings), training_hours=Subquery(in_training))


# Read with every KPI answer: compiling its two subqueries took longer than the database took to answer.
_hours_read = selected_once(lambda: _hours_of(stand_in(0), stand_in(1, date), stand_in(2, date)))


def meeting_and_training_hours(*, scheme: Scheme, date_from: date, date_to: date) -> tuple[Decimal, Decimal]:
    """Hours at the scheme's team meetings in the period, for each volunteer there, and hours of the
    training its volunteers completed in it (each course's hours), in one query; none when the scheme
    does not count that time in its volunteer hours."""
    if not scheme.meeting_time_counts:
        return Decimal(0), Decimal(0)
    [row] = _hours_read(values=[scheme.pk, date_from, date_to])
    return row["meeting_hours"] or Decimal(0), row["training_hours"] or Decimal(0)


def below_meeting_requirement(*, scheme: Scheme, today: date) -> list[tuple[User, int]]:
    """Volunteers of a year's standing or more who attended fewer meetings than the scheme asks in
    the twelve months to today, with how many they attended."""
    if not scheme.meetings_required:
        return []
    since = today - YEAR
    people = (members(scheme, today).filter(Q(joined_on__isnull=True) | Q(joined_on__lte=since))
              .annotate(attended=Count("attendance", filter=Q(attendance__meeting__held_on__gt=since,
                                                                  attendance__meeting__held_on__lte=today))))
    return [(person, person.attended) for person in people if person.attended < scheme.meetings_required]


@dataclass(frozen=True)
class Due:
    """One thing the managers should see to, and by when."""

    kind: str
    person: User
    on: date
    detail: str = ""


def _training_lapsing(people: list[User], today: date, until: date) -> list[Due]:
    """Courses whose last valid record runs out in the window, and is not already renewed beyond it."""
    latest: dict[tuple[int, int], TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(volunteer__in=people).select_related("course", "volunteer"):
        key = (record.volunteer_id, record.course_id)
        kept = latest.get(key)
        if kept is None or (kept.expires_on is not None and (record.expires_on is None
                                                            or record.expires_on > kept.expires_on)):
            latest[key] = record
    return [Due("training", record.volunteer, record.expires_on, record.course.display_name())
            for record in latest.values() if record.expires_on and today <= record.expires_on <= until]


def reminders_due(*, scheme: Scheme, today: date) -> list[Due]:
    """What needs doing in the scheme's `reminder_days` from today: vetting expiring, terms ending and
    reappointment reviews, training lapsing, probations ending, long-service certificates falling
    due, and volunteers below the meeting requirement (as of today)."""
    until = today + timedelta(days=scheme.reminder_days)
    people = list(members(scheme, today))

    def within(day: date | None) -> bool:
        return day is not None and today <= day <= until

    due = [Due(kind, person, getattr(person, field)) for person in people
           for kind, field in (("vetting", "vetting_expires_on"), ("term", "term_ends_on"), ("review", "review_on"))
           if within(getattr(person, field))]
    due += [Due("probation", person, person.probation_ends_on) for person in people
            if person.stage == Stage.PROBATION and within(person.probation_ends_on)]
    due += _training_lapsing(people, today, until)
    for person in people:
        anniversary = service_anniversary(joined_on=person.joined_on, years=scheme.certificate_years, on=until)
        if anniversary and anniversary >= today:
            due.append(Due("certificate", person, anniversary, str(anniversary.year - person.joined_on.year)))
    due += [Due("meetings", person, today, str(attended))
            for person, attended in below_meeting_requirement(scheme=scheme, today=today)]
    return sorted(due, key=lambda item: (item.on, item.kind, item.person.last_name, item.person.pk))


# --- the cohort ---------------------------------------------------------------------------------

DIMENSIONS = {
    "gender": (_("Gender"), Gender),
    "age_band": (_("Age"), AgeBand),
    "ethnic_group": (_("Ethnic group"), EthnicGroup),
    "home_area": (_("Home area"), None),
}


def dimension_groups(scheme: Scheme) -> dict[str, list[tuple[str, str]]]:
    """Each dimension's groups (key, label) in order: the census's, or the scheme's home areas, then
    "prefer not to say"; the cohort adds "not answered"."""
    groups = {name: [(value, label) for value, label in choices.choices]
              for name, (_label, choices) in DIMENSIONS.items() if choices is not None}
    groups["home_area"] = [(area.slug, area.name) for area in HomeArea.objects.filter(scheme=scheme).order_by("id")]
    groups["home_area"].append((PREFER_NOT_TO_SAY, str(Gender.PREFER_NOT.label)))
    return groups


def population(scheme: Scheme) -> dict[str, dict[str, float]]:
    shares: dict[str, dict[str, float]] = {name: {} for name in DIMENSIONS}
    for row in PopulationShare.objects.filter(scheme=scheme):
        shares.setdefault(row.dimension, {})[row.group] = float(row.share_pct)
    return shares


def _answers(scheme: Scheme, on: date) -> dict[str, Counter]:
    counts = {name: Counter() for name in DIMENSIONS}
    people = members(scheme, on).select_related("cohort_profile__home_area").order_by()
    for person in people:
        profile = getattr(person, "cohort_profile", None)
        for name in ("gender", "age_band", "ethnic_group"):
            counts[name][(getattr(profile, name, "") if profile else "") or NOT_ANSWERED] += 1
        if profile and profile.home_area_withheld:
            area = PREFER_NOT_TO_SAY
        else:
            area = profile.home_area.slug if profile and profile.home_area else NOT_ANSWERED
        counts["home_area"][area] += 1
    return counts


def _pct(part: int, whole: int) -> float | None:
    """One decimal, half away from zero, as the KPIs' percentages (reporting.selectors.pct)."""
    return (part * 2000 + whole) // (2 * whole) / 10 if whole else None


def _suppress(rows: list[dict], threshold: int) -> None:
    """Groups of 1 to threshold − 1 volunteers are shown as "fewer than threshold". When only one
    group would be hidden the total would give it away, so the next smallest is hidden too."""
    small = [row for row in rows if 0 < row["count"] < threshold]
    if len(small) == 1:
        others = sorted((row for row in rows if row["count"] >= threshold), key=lambda row: row["count"])
        small += others[:1]
    for row in small:
        row.update(count=None, share_pct=None, suppressed=True)


def cohort(*, scheme: Scheme, on: date, exact: bool) -> dict:
    """The volunteers on that day by each dimension's groups, as counts and shares, beside the area's
    population. Not `exact` (everyone but the managers): small groups suppressed (`_suppress`)."""
    counts, shares, groups = _answers(scheme, on), population(scheme), dimension_groups(scheme)
    total = sum(counts["gender"].values())
    dimensions = []
    for name, (label, _choices) in DIMENSIONS.items():
        rows = [{"group": key, "label": str(group_label), "count": counts[name][key],
                 "share_pct": _pct(counts[name][key], total),
                 "population_pct": shares[name].get(key), "suppressed": False}
                for key, group_label in [*groups[name], (NOT_ANSWERED, _("Not answered"))]]
        if not exact:
            _suppress(rows, scheme.cohort_min_group)
        dimensions.append({"dimension": name, "label": str(label), "groups": rows})
    return {"scheme": scheme.pk, "on": on.isoformat(), "volunteers": total, "min_group": scheme.cohort_min_group,
            "exact": exact, "dimensions": dimensions}


# --- the annual report's volunteers section -----------------------------------------------------


def _years_between(start: date | None, end: date) -> int | None:
    if start is None:
        return None
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def year_in_review(*, scheme: Scheme, date_from: date, date_to: date) -> dict:
    """The volunteers' year as a scheme publishes it, in counts only: volunteers at its start and end,
    the leavers (reason, years served, exit interview; never a name), recruits in checks now, the
    certificates falling due, the team meetings, the hours at them, and the cohort at the year's end
    beside the population (small groups suppressed, as the report is published)."""
    at_start = members(scheme, date_from).count()
    at_end = list(members(scheme, date_to))
    leavers = [{"reason": person.get_leaving_reason_display() if person.leaving_reason else "",
                "years": _years_between(person.joined_on, person.left_on),
                "exit_interview": person.exit_interview_held}
               for person in User.objects.filter(scheme=scheme, role=Role.VISITOR,
                                                 left_on__range=(date_from, date_to)).order_by("left_on", "pk")]
    certificates = 0
    for person in at_end:
        anniversary = service_anniversary(joined_on=person.joined_on, years=scheme.certificate_years, on=date_to)
        certificates += bool(anniversary and anniversary >= date_from)
    meetings = list(Meeting.objects.filter(scheme=scheme, held_on__range=(date_from, date_to))
                    .annotate(attended=Count("attendance")).order_by("held_on", "id"))
    return {
        "at_start": at_start, "at_end": len(at_end), "leavers": leavers,
        "in_checks": User.objects.filter(scheme=scheme, role=Role.VISITOR, stage=Stage.IN_CHECKS).count(),
        "certificates": certificates, "certificate_years": scheme.certificate_years,
        "meetings": meetings,
        **dict(zip(("meeting_hours", "training_hours"), map(float, meeting_and_training_hours(
            scheme=scheme, date_from=date_from, date_to=date_to)))),
        "cohort": _published_cohort(scheme, date_to),
    }


def _whole_percentages(counts: list[int]) -> list[int | None]:
    """Shares in whole percent that add up to 100, by the largest remainder (ties to the earlier group),
    as a published table gives them: 6 and 10 of 16 are 38 % and 62 %."""
    total = sum(counts)
    if not total:
        return [None] * len(counts)
    floors = [100 * n // total for n in counts]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(100 * counts[i] % total), i))
    for i in by_remainder[:100 - sum(floors)]:
        floors[i] += 1
    return floors


def _published_cohort(scheme: Scheme, on: date) -> dict:
    """The cohort as the annual report publishes it: whole percentages of the volunteers who answered
    (beside the population's), small groups suppressed."""
    answer = cohort(scheme=scheme, on=on, exact=True)
    for dimension in answer["dimensions"]:
        rows = dimension["groups"]
        said = [row for row in rows if row["group"] not in (PREFER_NOT_TO_SAY, NOT_ANSWERED)]
        for row, whole in zip(said, _whole_percentages([row["count"] for row in said])):
            row["whole_pct"] = whole
        # A dimension nobody answered and with no population entered has nothing to publish.
        dimension["shown"] = any(row["count"] for row in said) or any(row["population_pct"] for row in rows)
        _suppress(rows, scheme.cohort_min_group)
        for row in rows:
            row["whole_pct"] = None if row["suppressed"] else row.get("whole_pct")
    return {**answer, "exact": False}
