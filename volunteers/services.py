"""Writes of the volunteer register's features. Views, pages and tasks call these."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import ValidationError

from visits.models import NotificationKind, Role, Scheme, User
from visits.periods import years_later
from visits.services.manager_digest import managers_digest_send

from . import selectors
from .models import PREFER_NOT_TO_SAY, Anonymisation, Attendance, HomeArea, Meeting, PopulationShare, Profile


def meeting_save(*, meeting: Meeting, fields: dict) -> Meeting:
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


@transaction.atomic
def attendance_set(*, meeting: Meeting, attended: list[int]) -> None:
    """Who was at the meeting, as a whole: the scheme's visitors named, and no one else."""
    wanted = set(attended)
    known = set(User.objects.filter(scheme=meeting.scheme, role=Role.VISITOR, pk__in=wanted)
                .values_list("pk", flat=True))
    if unknown := sorted(wanted - known):
        raise ValidationError({"attended": [_("No volunteer of this scheme has the id %(ids)s.") % {
            "ids": ", ".join(map(str, unknown))}]})
    Attendance.objects.filter(meeting=meeting).exclude(volunteer_id__in=wanted).delete()
    present = set(meeting.attendance.values_list("volunteer_id", flat=True))
    Attendance.objects.bulk_create(Attendance(meeting=meeting, volunteer_id=pk) for pk in sorted(wanted - present))


def profile_for(user: User) -> Profile:
    return Profile.objects.filter(user=user).select_related("home_area").first() or Profile(user=user)


def profile_save(*, user: User, fields: dict) -> Profile:
    """The volunteer's own answers; `home_area` is one of their scheme's areas, "prefer not to say" or None."""
    profile = profile_for(user)
    if "home_area" in fields:
        area = fields.pop("home_area")
        profile.home_area_withheld = area == PREFER_NOT_TO_SAY
        profile.home_area = area if isinstance(area, HomeArea) else None
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def home_area_save(*, area: HomeArea, fields: dict) -> HomeArea:
    for name, value in fields.items():
        setattr(area, name, value)
    if HomeArea.objects.filter(scheme=area.scheme, slug=area.slug).exclude(pk=area.pk).exists():
        raise ValidationError({"slug": [_("The scheme has a home area with this slug already.")]})
    area.save()
    return area


@transaction.atomic
def population_set(*, scheme: Scheme, shares: dict[str, dict[str, Decimal]]) -> None:
    """The area's census shares (%), each dimension given replaced whole; its groups must be the
    cohort's, and its shares add up to at most 100."""
    groups = selectors.dimension_groups(scheme)
    problems = {}
    for dimension, by_group in shares.items():
        unknown = sorted(set(by_group) - {key for key, _label in groups[dimension]})
        if unknown:
            problems[dimension] = [_("Unknown groups: %(groups)s.") % {"groups": ", ".join(unknown)}]
        elif sum(by_group.values()) > 100:
            problems[dimension] = [_("The shares add up to more than 100%.")]
    if problems:
        raise ValidationError(problems)
    for dimension, by_group in shares.items():
        PopulationShare.objects.filter(scheme=scheme, dimension=dimension).delete()
        PopulationShare.objects.bulk_create(PopulationShare(scheme=scheme, dimension=dimension, group=group,
                                                            share_pct=share) for group, share in by_group.items())


# --- the managers' weekly reminder ---------------------------------------------------------------


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _line(item: selectors.Due, required: int) -> str:
    name = item.person.get_full_name() or item.person.username
    words = {"name": name, "date": _day(item.on), "course": item.detail}
    if item.kind == "vetting":
        return _("%(name)s: vetting expires on %(date)s; renew it before then.") % words
    if item.kind == "term":
        return _("%(name)s: term of appointment ends on %(date)s; reappoint or part.") % words
    if item.kind == "review":
        return _("%(name)s: reappointment review due on %(date)s.") % words
    if item.kind == "training":
        return _("%(name)s: %(course)s training lapses on %(date)s; book a refresher.") % words
    if item.kind == "probation":
        return _("%(name)s: probation ends on %(date)s; sign it off or extend it.") % {
            "name": name, "date": _day(item.on)}
    if item.kind == "certificate":
        return _("%(name)s: %(years)s years' service on %(date)s; a long-service certificate is due.") % {
            "name": name, "years": item.detail, "date": _day(item.on)}
    attended = int(item.detail)
    return ngettext("%(name)s: at %(count)s team meeting in the last twelve months, fewer than the %(required)s the "
                    "scheme asks.",
                    "%(name)s: at %(count)s team meetings in the last twelve months, fewer than the %(required)s the "
                    "scheme asks.", attended) % {"name": name, "count": attended, "required": required}


def reminders_notify(*, today: date | None = None) -> int:
    """The weekly run: each scheme's managers get one e-mail of what needs doing in the scheme's
    `reminder_days`, through the outbox; a scheme with nothing due sends none. Safe to run again the
    same week: the rows are keyed by manager and ISO week."""
    made = 0
    for scheme in Scheme.objects.order_by("pk"):
        day = today or scheme.local_today()
        due = selectors.reminders_due(scheme=scheme, today=day)
        if not due:
            continue
        year, week, _weekday = day.isocalendar()

        def compose(scheme=scheme, due=due, day=day):
            subject = ngettext("%(count)s thing to see to in the volunteer register",
                               "%(count)s things to see to in the volunteer register", len(due)) % {"count": len(due)}
            body = render_to_string("volunteers/email/reminders.txt", {
                "scheme": scheme, "days": scheme.reminder_days, "today": day, "lines": [_line(i, scheme.meetings_required) for i in due],
                "site_url": settings.SITE_URL}).strip() + "\n"
            return subject, body

        made += len(managers_digest_send(kind=NotificationKind.VOLUNTEER_REMINDERS, scheme=scheme, compose=compose,
                                         period_key=f"{year}-W{week:02d}"))
    return made


# --- storage limitation ------------------------------------------------------------------------


def leavers_due_anonymising(*, scheme: Scheme, today: date):
    """Leavers whose scheme's keeping time (`leaver_retention_years`) has passed since they left."""
    cutoff = years_later(today, -scheme.leaver_retention_years)
    return User.objects.filter(scheme=scheme, role=Role.VISITOR, left_on__lt=cutoff, anonymisation__isnull=True)


@transaction.atomic
def leaver_anonymise(*, user: User) -> None:
    """Replace the leaver's name and contact and delete their self-declared answers. The account
    row stays (inactive, unusable), so their reports, the counts, the hours and the roll-up are as they were."""
    user.username = f"former-volunteer-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    Profile.objects.filter(user=user).delete()
    Anonymisation.objects.create(user=user)


def leavers_anonymise() -> int:
    done = 0
    for scheme in Scheme.objects.order_by("pk"):
        for user in leavers_due_anonymising(scheme=scheme, today=scheme.local_today()):
            leaver_anonymise(user=user)
            done += 1
    return done

