"""Writes about the volunteer register: a visitor's stage, vetting and term, and their training."""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..eligibility import on_probation, valid_q
from ..models import DEFAULT_COURSES, Role, Scheme, Stage, TrainingCourse, TrainingRecord, User
from ..periods import months_later, years_later

# What a manager may write on a visitor's record, beside their stage.
RECORD_FIELDS = (
    "stage", "joined_on", "left_on", "probation_ends_on", "buddy", "term_starts_on", "term_ends_on", "review_on",
    "vetting_cleared_on", "vetting_expires_on", "leaving_reason", "exit_interview_held",
)


def _scheme(volunteer: User) -> Scheme:
    scheme = volunteer.scheme
    assert scheme is not None, "a visitor belongs to a scheme"
    return scheme


def courses_create_default(*, scheme: Scheme) -> None:
    """A new scheme's courses: induction, TACT, animal welfare and a refresher (renamable scheme data)."""
    TrainingCourse.objects.bulk_create(
        [TrainingCourse(scheme=scheme, key=key, name=name, validity_months=months) for key, name, months in DEFAULT_COURSES],
        ignore_conflicts=True,
    )


def _term_defaults(volunteer: User, fields: dict, today: date) -> dict:
    """An appointment's term: from today for the scheme's term length, reviewed some weeks before its end."""
    scheme = _scheme(volunteer)
    starts = fields.get("term_starts_on") or volunteer.term_starts_on or today
    ends = fields.get("term_ends_on") or volunteer.term_ends_on or (years_later(starts, scheme.term_years) - timedelta(days=1))
    review = fields.get("review_on") or volunteer.review_on or max(starts, ends - timedelta(weeks=scheme.review_weeks))
    return {"term_starts_on": starts, "term_ends_on": ends, "review_on": review}


def _check_buddy(volunteer: User, buddy: User | None, day: date) -> None:
    if buddy is None:
        return
    if buddy.pk == volunteer.pk or buddy.scheme_id != volunteer.scheme_id or buddy.role != Role.VISITOR:
        raise ValidationError({"buddy": [_("A buddy is another visitor of the same scheme.")]})
    if on_probation(buddy, day):
        raise ValidationError({"buddy": [_("A buddy is an experienced visitor, not one on probation.")]})


def _check_order(volunteer: User) -> None:
    """Dates in order, each message beside the later field (the database refuses them too)."""
    order = (
        ("joined_on", "left_on", _("A person cannot leave before joining.")),
        ("vetting_cleared_on", "vetting_expires_on", _("Vetting cannot expire before it was cleared.")),
        ("term_starts_on", "term_ends_on", _("A term cannot end before it starts.")),
        ("review_on", "term_ends_on", _("The reappointment review must fall before the term ends.")),
    )
    wrong = defaultdict(list)
    for earlier, later, message in order:
        if getattr(volunteer, earlier) and getattr(volunteer, later) and getattr(volunteer, later) < getattr(volunteer, earlier):
            wrong[later].append(message)
    if wrong:
        raise ValidationError(dict(wrong))


def _check_leaving(volunteer: User) -> None:
    reasons = _scheme(volunteer).leaving_reasons
    if volunteer.leaving_reason and volunteer.leaving_reason not in reasons:
        raise ValidationError({"leaving_reason": [_("Choose one of the scheme's reasons: %(values)s.")
                                                  % {"values": ", ".join(reasons)}]})
    if volunteer.stage != Stage.LEFT and (volunteer.leaving_reason or volunteer.exit_interview_held is not None):
        raise ValidationError({"leaving_reason": [_("Only a visitor who has left has a leaving reason and exit interview.")]})


@transaction.atomic
def volunteer_update(*, volunteer: User, by: User, fields: dict, today: date | None = None) -> User:
    """Change a visitor's record. Appointing fills in the term it starts (and signs a probation off, by
    `by`); leaving dates it today unless dated. Dates out of order are refused before the database would."""
    today = today or _scheme(volunteer).local_today()
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Not part of a volunteer's record.")] for name in sorted(unknown)})
    stage = fields.get("stage", volunteer.stage)
    if stage == Stage.APPOINTED and volunteer.stage != Stage.APPOINTED:
        fields = {**fields, **_term_defaults(volunteer, fields, today)}
        if on_probation(volunteer, today) or volunteer.stage == Stage.PROBATION:
            volunteer.probation_signed_off_on, volunteer.probation_signed_off_by = today, by
    if stage == Stage.LEFT and not fields.get("left_on", volunteer.left_on):
        fields = {**fields, "left_on": today}
    _check_buddy(volunteer, fields.get("buddy"), today)
    for name, value in fields.items():
        setattr(volunteer, name, value)
    _check_order(volunteer)
    _check_leaving(volunteer)
    volunteer.full_clean(exclude=["password", "username"], validate_unique=False)
    volunteer.save()
    return volunteer


def _expiry(course: TrainingCourse, completed_on: date) -> date | None:
    return months_later(completed_on, course.validity_months) if course.validity_months else None


def training_record_add(*, volunteer: User, course: TrainingCourse, completed_on: date, by: User | None) -> TrainingRecord:
    """A visitor completed a course: valid for the course's validity from that day (for good without one)."""
    if course.scheme_id != volunteer.scheme_id:
        raise ValidationError({"course": [_("Not a course of this visitor's scheme.")]})
    if completed_on > _scheme(volunteer).local_today():
        raise ValidationError({"completed_on": [_("A course is recorded once completed, not before.")]})
    return TrainingRecord.objects.create(volunteer=volunteer, course=course, completed_on=completed_on,
                                         expires_on=_expiry(course, completed_on), recorded_by=by)


@transaction.atomic
def training_flag_set(*, volunteer: User, key: str, trained: bool, by: User | None) -> None:
    """Version 1's training flags (`tact_trained`, `animal_welfare_trained`), written as records: true
    records the course completed today unless a record is valid today; false ends the valid ones today."""
    scheme = volunteer.scheme
    if scheme is None:
        return
    today = scheme.local_today()
    valid = TrainingRecord.objects.filter(valid_q(today), volunteer=volunteer, course__key=key)
    if not trained:
        valid.update(expires_on=today)
        return
    if valid.exists():
        return
    courses_create_default(scheme=scheme)  # a course the scheme has no longer is made again
    course = TrainingCourse.objects.get(scheme=scheme, key=key)
    training_record_add(volunteer=volunteer, course=course, completed_on=today, by=by)


def course_save(*, course: TrainingCourse, fields: dict) -> TrainingCourse:
    for name, value in fields.items():
        setattr(course, name, value)
    course.full_clean()
    course.save()
    return course
