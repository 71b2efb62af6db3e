"""Who may visit on a day: the volunteer register's answers, for reports, partners and the rota.

A visitor with nothing recorded is never refused: schemes adopt the register gradually, and only a
recorded date in the past refuses (or a stage before appointment). `refusal` and `eligible_q` say
the same thing, one of one person in Python, the other of many in SQL.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Role, Scheme, Stage, TrainingRecord, User

NOT_YET_APPOINTED = (Stage.APPLICANT, Stage.IN_CHECKS)


def refusal(visitor: User, day: date) -> str | None:
    """None if the visitor may be named on a report of that day, else why not, naming them."""
    said = {"name": visitor.get_full_name() or visitor.username}
    if visitor.joined_on is not None and day < visitor.joined_on:
        return _("%(name)s joined the scheme only on %(date)s.") % {**said, "date": date_format(visitor.joined_on)}
    if visitor.left_on is not None and visitor.left_on < day:
        return _("%(name)s left the scheme on %(date)s.") % {**said, "date": date_format(visitor.left_on)}
    if visitor.stage in NOT_YET_APPOINTED:
        return _("%(name)s is not appointed yet (%(stage)s).") % {**said, "stage": Stage(visitor.stage).label}
    if visitor.vetting_expires_on is not None and visitor.vetting_expires_on < day:
        return _("%(name)s's vetting expired on %(date)s.") % {**said, "date": date_format(visitor.vetting_expires_on)}
    if visitor.term_ends_on is not None and visitor.term_ends_on < day:
        return _("%(name)s's term of appointment ended on %(date)s.") % {**said, "date": date_format(visitor.term_ends_on)}
    return None


def eligible_q(day: date) -> Q:
    """The visitors `refusal` lets visit that day, as a filter over users."""
    return (Q(role=Role.VISITOR, is_active=True)
            & (Q(joined_on__isnull=True) | Q(joined_on__lte=day))
            & (Q(left_on__isnull=True) | Q(left_on__gte=day))
            & ~Q(stage__in=NOT_YET_APPOINTED)
            & (Q(vetting_expires_on__isnull=True) | Q(vetting_expires_on__gte=day))
            & (Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=day)))


def eligible_visitors(scheme: Scheme, day: date) -> QuerySet[User]:
    """The scheme's visitors who may visit that day, as one filter."""
    return User.objects.filter(eligible_q(day), scheme=scheme)


def on_probation(visitor: User, day: date) -> bool:
    """Whether the visitor is still on probation that day: until the manager signs it off, and while
    at the probation stage or before its recorded end (the end day included)."""
    if visitor.probation_signed_off_on is not None:
        return day < visitor.probation_signed_off_on
    ends = visitor.probation_ends_on
    return visitor.stage == Stage.PROBATION or (ends is not None and day <= ends)


def is_trained(visitor: User, course: str, day: date) -> bool:
    """Whether the visitor holds a record of the course ("tact", "animal_welfare", …) valid that day.
    A visitor read with their training (`selectors.with_training`) is answered without a query."""
    if hasattr(visitor, "training_rows"):
        when = day.isoformat()  # the rows' dates are ISO text, as JSON has them
        return any(key == course and completed <= when and (expires is None or when < expires)
                   for key, completed, expires in visitor.training_rows or ())
    return TrainingRecord.objects.filter(valid_q(day), volunteer=visitor, course__key=course).exists()


def valid_q(day: date, prefix: str = "") -> Q:
    """The training records valid that day, as a filter (`prefix`: the path to them, e.g. "training__")."""
    return (Q(**{f"{prefix}completed_on__lte": day})
            & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": day})))
