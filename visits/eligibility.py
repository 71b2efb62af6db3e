"""Who may visit on a day: the volunteer register's answers, for reports, partners and the rota.

A visitor with nothing recorded is never refused: schemes adopt the register gradually, and only a
recorded date in the past refuses.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Role, Scheme, User

COURSE_FLAGS = {"tact": "tact_trained", "animal_welfare": "animal_welfare_trained"}


def refusal(visitor: User, day: date) -> str | None:
    """None if the visitor may be named on a report of that day, else why not."""
    if visitor.left_on is not None and visitor.left_on < day:
        return _("%(name)s left on %(date)s.") % {"name": _name(visitor), "date": date_format(visitor.left_on)}
    return None


def eligible_visitors(scheme: Scheme, day: date) -> QuerySet[User]:
    """The scheme's visitors who may visit that day, as one filter."""
    return User.objects.filter(scheme=scheme, role=Role.VISITOR, is_active=True).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gte=day),
    )


def on_probation(visitor: User, day: date) -> bool:
    """Whether the visitor is still on probation that day (it ends at the end of its last day)."""
    return visitor.probation_ends_on is not None and day <= visitor.probation_ends_on


def is_trained(visitor: User, course: str, day: date) -> bool:
    """Whether the visitor holds a valid record of the course ("tact", "animal_welfare", …) that day."""
    flag = COURSE_FLAGS.get(course)
    return bool(flag and getattr(visitor, flag))


def _name(visitor: User) -> str:
    return visitor.get_full_name() or visitor.username
