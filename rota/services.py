"""Writes: availability, the pairs given to a drawn plan, and each assignment's life (accepted, declined
and refilled, reassigned, cancelled, made, missed). E-mails go through the core's outbox."""

import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scheduling import draw
from scheduling.models import Recommendation
from visits import eligibility
from visits.grids import CUSTODY_DAYS
from visits.kinds import kind_for_site
from visits.models import AnimalVisit, CustodyVisit, NotificationKind, ReportStatus, Role, Scheme, Site, User
from visits.selectors import managers_q
from visits.services import enqueue_on_commit, message_notify

from . import pairs, selectors
from .models import OPEN_STATES, Assignment, Availability, Decline, RotaPlan, Seat, State

_random = secrets.SystemRandom()


# --- availability ---


def availability_save(*, visitor: User, day: date, cells: list[dict], leave: list[date],
                      by_email: bool) -> tuple[Availability, bool]:
    """The visitor's availability for the period holding the day, made or replaced; (row, created)."""
    scheme = visitor.scheme
    if scheme is None or visitor.role != Role.VISITOR:
        raise ValidationError({"visitor": [_("Only a visitor of a scheme gives availability.")]})
    start, end = selectors.period_bounds(selectors.settings_for(scheme), day)
    bands = set(scheme.custody_bands)
    wrong = [cell for cell in cells if cell.get("day") not in CUSTODY_DAYS or cell.get("band") not in bands]
    if wrong:
        raise ValidationError({"cells": [_("Each cell is a day (monday … sunday) and one of the scheme's bands.")]})
    if any(not start <= day_off <= end for day_off in leave):
        raise ValidationError({"leave": [_("Leave dates must be within the period, %(start)s to %(end)s.")
                                         % {"start": start.isoformat(), "end": end.isoformat()}]})
    unique_cells = sorted({(c["day"], c["band"]) for c in cells}, key=lambda c: (CUSTODY_DAYS.index(c[0]), c[1]))
    row, created = Availability.objects.update_or_create(
        visitor=visitor, period_from=start,
        defaults={"scheme": scheme, "period_to": end, "by_email": by_email,
                  "cells": [{"day": d, "band": b} for d, b in unique_cells],
                  "leave": sorted({d.isoformat() for d in leave})},
    )
    return row, created


# --- giving a drawn plan its pairs ---


def plans_assign(*, recommendation_ids: list[int]) -> int:
    """Give each of these plans its pairs (each plan once); how many visits were given. Those passed
    over (a period that has its rota already, a scheme that collects no availability for it) are
    found in a read or two for the whole batch, not three reads a plan: a scheme's weekly batch
    names every site."""
    recommendations = [r for r in Recommendation.objects.select_related("site__scheme").filter(
        pk__in=recommendation_ids).order_by("pk") if r.plan]
    drawn = set(RotaPlan.objects.filter(site_id__in={r.site_id for r in recommendations},
                                        plan_from__in={r.plan_from for r in recommendations})
                .values_list("site_id", "plan_from"))
    collected = {}
    given = 0
    for recommendation in recommendations:
        if (recommendation.site_id, recommendation.plan_from) in drawn:
            continue
        period = (recommendation.site.scheme_id, recommendation.plan_from)
        if period not in collected:
            collected[period] = selectors.availability_collected(recommendation.site.scheme, recommendation.plan_from)
        if collected[period]:
            given += _plan_draw(recommendation)
    return given


def plan_assign(*, recommendation_id: int) -> int:
    """Give each planned visit of the recommendation's plan a pair drawn among those who may go. Once per
    site and plan period, however many plans are drawn for it or times this runs (a unique row); a
    scheme that has not collected availability for the period gets no assignments. A planned cell no
    pair can go to is dropped and the plan redrawn without it from the same chances; the managers are
    told of the cells dropped. Returns the visits given."""
    recommendation = Recommendation.objects.select_related("site__scheme").filter(pk=recommendation_id).first()
    if recommendation is None or not recommendation.plan:
        return 0
    site = recommendation.site
    if (RotaPlan.objects.filter(site=site, plan_from=recommendation.plan_from).exists()
            or not selectors.availability_collected(site.scheme, recommendation.plan_from)):
        return 0
    return _plan_draw(recommendation)


def _plan_draw(recommendation: Recommendation) -> int:
    """The plan's rota, unless another run made it first (the unique row decides)."""
    try:
        with transaction.atomic():
            plan = RotaPlan.objects.create(site=recommendation.site, plan_from=recommendation.plan_from,
                                           plan_to=recommendation.plan_to, recommendation=recommendation)
            return _plan_fill(plan, recommendation)
    except IntegrityError:  # another run took this period first
        return 0


def _plan_fill(plan: RotaPlan, recommendation: Recommendation) -> int:
    site = plan.site
    pool = selectors.Pool(site.scheme, date_from=plan.plan_from, date_to=plan.plan_to)
    tried = {(entry["day"], entry["band"]) for entry in recommendation.plan}
    given, unfilled = [], []
    for entry in recommendation.plan:
        day = date.fromisoformat(entry["date"])
        pair = _draw(pool, site, day, entry["band"])
        if pair is None:
            unfilled.append({"day": entry["day"], "band": entry["band"], "date": entry["date"]})
            entry, day, pair = _redraw(pool, plan, recommendation, tried, unfilled)
        if pair is not None:
            given.append((entry, day, pair))
    for entry, day, pair in given:
        _assignment_create(site=site, plan=plan, day=day, band=entry["band"], pair=pair)
    if unfilled:
        plan.unfilled = unfilled
        plan.save(update_fields=["unfilled"])
        recommendation.plan = sorted((given_entry[0] for given_entry in given), key=lambda e: (e["date"], e["band"]))
        recommendation.drawn_probability = max((e["probability"] for e in recommendation.plan), default=None)
        recommendation.save(update_fields=["plan", "drawn_probability"])
        _tell_managers_unfilled(site, unfilled)
    return len(given)


def _draw(pool: selectors.Pool, site: Site, day: date, band: str, *, exclude=(), keep: User | None = None):
    """A pair for the visit (with `keep`, who stays on it, when given), counted in the pool; or None."""
    candidates = pool.candidates(site, day, band, exclude=exclude)
    kept = None if keep is None else pool.candidate(keep, day)
    pair = pairs.draw_pair(candidates, repeat_pair_weight=pool.rules.repeat_pair_weight, keep=kept)
    if pair is not None:
        pool.take(day, [c.id for c in pair] if kept is None else [pair[1].id])
        pool.pair(day, pair[0].id, pair[1].id)
    return pair


def _redraw(pool, plan: RotaPlan, recommendation: Recommendation, tried: set, unfilled: list):
    """Another cell drawn from the plan's chances, among those not yet tried, until one has a pair:
    (entry, day, pair), or (None, None, None) when none has. Each entry keeps its cell's chance in
    the whole distribution, as the observer would work it out; the plan's largest chance is unchanged."""
    site = plan.site
    options = [cell for cell in recommendation.cells if (cell["day"], cell["band"]) not in tried]
    while options:
        index = draw.draw_cells([cell.get("probability", 1.0) for cell in options], count=1)[0]
        cell = options.pop(index)
        tried.add((cell["day"], cell["band"]))
        for day in _dates_of(site, cell["day"], plan.plan_from, plan.plan_to):
            pair = _draw(pool, site, day, cell["band"])
            if pair is not None:
                entry = {"date": day.isoformat(), "day": cell["day"], "band": cell["band"], "rank": cell["rank"],
                         "handover": cell["handover"], "probability": cell.get("probability")}
                return entry, day, pair
        unfilled.append({"day": cell["day"], "band": cell["band"], "date": None})
    return None, None, None


def _dates_of(site: Site, day_name: str, plan_from: date, plan_to: date) -> list[date]:
    """The dates a cell's day may fall on in the plan period, in random order for an animal unit's month."""
    days = [plan_from + timedelta(days=n) for n in range((plan_to - plan_from).days + 1)]
    grid_days = site.grid.days
    matching = [d for d in days if grid_days[min(d.weekday(), len(grid_days) - 1)] == day_name]
    _random.shuffle(matching)
    return matching


def _assignment_create(*, site: Site, plan: RotaPlan | None, day: date, band: str, pair) -> Assignment:
    window_from, window_to = selectors.visit_window(site, day)
    assignment = Assignment.objects.create(scheme=site.scheme, site=site, plan=plan, date=day, band=band,
                                           window_from=window_from, window_to=window_to)
    Seat.objects.bulk_create([Seat(assignment=assignment, visitor_id=c.id) for c in pair])
    _tell_visitors(assignment, [c.id for c in pair])
    return assignment


# --- the life of an assignment ---


def _seat(assignment: Assignment, visitor: User) -> Seat:
    seat = assignment.seats.filter(visitor=visitor).first()
    if seat is None:
        raise ValidationError(_("You are not one of this visit's pair."))
    return seat


def _open(assignment: Assignment, *, today: date) -> None:
    if assignment.state not in (State.PROPOSED, State.ACCEPTED) or assignment.window_to < today:
        raise ValidationError(_("This visit can no longer be accepted or declined."))


@transaction.atomic
def assignment_accept(*, assignment: Assignment, visitor: User) -> Assignment:
    """One of the pair accepts; the visit is accepted once both have."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _open(assignment, today=assignment.scheme.local_today())
    seat = _seat(assignment, visitor)
    if seat.accepted_at is None:
        seat.accepted_at = timezone.now()
        seat.save(update_fields=["accepted_at"])
    if not assignment.seats.filter(accepted_at__isnull=True).exists() and assignment.seats.count() == 2:
        assignment.state = State.ACCEPTED
        assignment.save(update_fields=["state", "updated_at"])
    return assignment


@transaction.atomic
def assignment_decline(*, assignment: Assignment, visitor: User, reason: str) -> Assignment:
    """One of the pair cannot go: they leave it, with their reason, and a replacement is drawn once this
    commits (`rota.refill`)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _open(assignment, today=assignment.scheme.local_today())
    seat = _seat(assignment, visitor)
    Decline.objects.create(assignment=assignment, visitor=visitor, reason=reason)
    seat.delete()
    assignment.state = State.DECLINED
    assignment.save(update_fields=["state", "updated_at"])
    enqueue_on_commit("rota.refill", assignment.pk)
    return assignment


def assignment_refill(*, assignment_id: int) -> bool:
    """Find who goes in place of those who declined: a partner for the one still on it, or else a new
    pair; the pair is told, or the managers when nobody can go. Safe to repeat (only a declined
    assignment is refilled). Returns whether it found a pair."""
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update().select_related("site__scheme")
                      .filter(pk=assignment_id, state=State.DECLINED).first())
        if assignment is None:
            return False
        site, day = assignment.site, assignment.date
        staying = [seat.visitor for seat in assignment.seats.select_related("visitor")]
        out = set(assignment.declines.values_list("visitor_id", flat=True)) | {v.pk for v in staying}
        pool = selectors.Pool(site.scheme, date_from=day, date_to=day)
        pair = None
        if len(staying) == 1:
            pair = _draw(pool, site, day, assignment.band, exclude=out, keep=staying[0])
        if pair is None:
            assignment.seats.all().delete()
            pair = _draw(pool, site, day, assignment.band, exclude=out - {v.pk for v in staying})
        if pair is None:
            _tell_managers_nobody(assignment)
            return False
        Seat.objects.bulk_create([Seat(assignment=assignment, visitor_id=c.id) for c in pair],
                                 ignore_conflicts=True)
        assignment.state = State.PROPOSED
        assignment.save(update_fields=["state", "updated_at"])
        _tell_visitors(assignment, [c.id for c in pair])
        return True


@transaction.atomic
def assignment_reassign(*, assignment: Assignment, visitors: list[User]) -> Assignment:
    """The manager gives the visit to these two visitors (a swap keeps one of them), who are told."""
    assignment = Assignment.objects.select_for_update().select_related("scheme").get(pk=assignment.pk)
    if assignment.state in (State.MADE, State.MISSED):
        raise ValidationError(_("This visit is over."))
    if len(visitors) != 2 or visitors[0].pk == visitors[1].pk:
        raise ValidationError({"visitors": [_("Give two different visitors.")]})
    for visitor in visitors:
        if visitor.scheme_id != assignment.scheme_id or (reason := eligibility.refusal(visitor, assignment.date)):
            raise ValidationError({"visitors": [_("%(name)s cannot visit then: %(reason)s") % {
                "name": visitor.get_full_name() or visitor.username,
                "reason": reason if visitor.scheme_id == assignment.scheme_id else _("not in this scheme")}]})
    if all(eligibility.on_probation(v, assignment.date) for v in visitors):
        raise ValidationError({"visitors": [_("A visitor on probation goes with an experienced visitor.")]})
    kept = set(assignment.seats.filter(visitor__in=visitors).values_list("visitor_id", flat=True))
    assignment.seats.exclude(visitor__in=visitors).delete()
    Seat.objects.bulk_create([Seat(assignment=assignment, visitor=v) for v in visitors if v.pk not in kept])
    assignment.state = State.PROPOSED if assignment.seats.filter(accepted_at__isnull=True).exists() else State.ACCEPTED
    assignment.save(update_fields=["state", "updated_at"])
    _tell_visitors(assignment, [v.pk for v in visitors if v.pk not in kept])
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment) -> Assignment:
    if assignment.state in (State.MADE, State.MISSED):
        raise ValidationError(_("This visit is over."))
    assignment.state = State.CANCELLED
    assignment.save(update_fields=["state", "updated_at"])
    return assignment


def rota_sweep(*, today_of=None) -> dict:
    """The periodic look over every scheme's rota: a visit is made once a submitted report of its site
    in its week (month) names one of its pair, and linked to that report; missed once its week (month)
    has ended without one. Reports are read here, not told of by the core, which knows nothing of the
    rota. Safe to repeat."""
    made = missed = 0
    for scheme in Scheme.objects.filter(pk__in=Assignment.objects.filter(state__in=OPEN_STATES)
                                        .values("scheme_id").distinct()):
        today = today_of(scheme) if today_of else scheme.local_today()
        made += _mark_made(scheme, today)
        missed += Assignment.objects.filter(scheme=scheme, state__in=OPEN_STATES,
                                            window_to__lt=today).update(state=State.MISSED, updated_at=timezone.now())
    return {"made": made, "missed": missed}


def _mark_made(scheme: Scheme, today: date) -> int:
    made = 0
    due = (Assignment.objects.filter(scheme=scheme, state__in=OPEN_STATES, window_from__lte=today)
           .select_related("site").prefetch_related("seats"))
    for assignment in due:
        model = AnimalVisit if kind_for_site(assignment.site.kind).planned_monthly else CustodyVisit
        column = "animal_visit" if model is AnimalVisit else "custody_visit"
        linked = Assignment.objects.filter(**{f"{column}__isnull": False}).values(f"{column}_id")
        report = (model.objects.filter(site=assignment.site, status=ReportStatus.SUBMITTED,
                                       local_date__gte=assignment.window_from, local_date__lte=assignment.window_to,
                                       visitors__in=[seat.visitor_id for seat in assignment.seats.all()])
                  .exclude(pk__in=linked).order_by("local_date", "pk").first())
        if report is not None:
            Assignment.objects.filter(pk=assignment.pk).update(state=State.MADE, updated_at=timezone.now(),
                                                               **{column: report})
            made += 1
    return made


# --- e-mails ---


def _tell_visitors(assignment: Assignment, visitor_ids: list[int]) -> None:
    """Those who chose e-mail hear that they have a visit on a day, and to open the app for the rest:
    the suite and the time are never in an e-mail."""
    start = selectors.period_bounds(selectors.settings_for(assignment.scheme), assignment.date)[0]
    wanting = Availability.objects.filter(visitor_id__in=visitor_ids, period_from=start, by_email=True)
    to = list(User.objects.filter(pk__in=wanting.values("visitor_id"), is_active=True))
    if not to:
        return

    def compose():
        day = date_format(assignment.date, "l j F Y")
        return (_("A visit for you on %(day)s") % {"day": day},
                _("You have been given a visit on %(day)s. Open the app (My visits) to see it and to accept it, "
                  "or to say you cannot go.") % {"day": day} + "\n")

    message_notify(kind=NotificationKind.TO_VISITOR, scheme=assignment.scheme, to=to, compose=compose)


def _tell_managers_unfilled(site: Site, unfilled: list[dict]) -> None:
    def compose():
        cells = "\n".join(f"- {cell['day']} {cell['band']}" for cell in unfilled)
        return (_("Nobody available for %(count)s planned visits at %(site)s") % {"count": len(unfilled),
                                                                                 "site": site.name},
                _("Nobody who is available could go to these planned visits at %(site)s, so the plan was drawn "
                  "again without them:") % {"site": site.name} + "\n" + cells + "\n")

    message_notify(kind=NotificationKind.TO_MANAGER, scheme=site.scheme,
                   to=User.objects.filter(managers_q(site.scheme)), compose=compose)


def _tell_managers_nobody(assignment: Assignment) -> None:
    def compose():
        words = {"site": assignment.site.name, "day": date_format(assignment.date, "l j F Y"),
                 "band": assignment.band}
        return (_("Nobody can replace a visitor at %(site)s on %(day)s") % words,
                _("A visitor declined the visit to %(site)s on %(day)s, %(band)s, and nobody available can take "
                  "their place. Reassign it on the rota page, or cancel it.") % words + "\n")

    message_notify(kind=NotificationKind.TO_MANAGER, scheme=assignment.scheme,
                   to=User.objects.filter(managers_q(assignment.scheme)), compose=compose,
                   dedupe_key=f"rota-nobody:{assignment.pk}:{assignment.declines.count()}")


def availability_remind(*, today_of=None) -> int:
    """Before a period starts (the scheme's `reminder_days`), the visitors of a scheme that collects
    availability who have not given theirs are reminded, once per period."""
    sent = 0
    for scheme in Scheme.objects.filter(pk__in=Availability.objects.values("scheme_id").distinct()):
        today = today_of(scheme) if today_of else scheme.local_today()
        rules = selectors.settings_for(scheme)
        end = selectors.period_bounds(rules, today)[1]
        start = end + timedelta(days=1)
        if (start - today).days > rules.reminder_days:
            continue
        given = Availability.objects.filter(scheme=scheme, period_from=start).values("visitor_id")
        to = eligibility.eligible_visitors(scheme, start).exclude(Q(pk__in=given) | Q(email=""))

        def compose(start=start):
            day = date_format(start, "j F Y")
            return (_("When can you visit from %(day)s?") % {"day": day},
                    _("Please give your availability for the period starting on %(day)s: open the app, "
                      "My availability.") % {"day": day} + "\n")

        sent += len(message_notify(kind=NotificationKind.TO_VISITOR, scheme=scheme, to=to, compose=compose,
                                   dedupe_key=f"availability-reminder:{start}"))
    return sent


def plans_assign_due() -> int:
    """The weekly plans of periods still to come not yet given pairs (their message lost): given them now,
    the first plan drawn for each site and period."""
    today = timezone.now().date()
    taken = set(RotaPlan.objects.filter(plan_from__gt=today).values_list("site_id", "plan_from"))
    first = {}
    for pk, site_id, plan_from in (Recommendation.objects.filter(plan_from__gt=today, request_key__startswith="weekly:")
                                   .exclude(plan=[]).order_by("-generated_at", "-id")
                                   .values_list("pk", "site_id", "plan_from")):
        first[(site_id, plan_from)] = pk
    return plans_assign(recommendation_ids=[pk for key, pk in first.items() if key not in taken])


def refill_due() -> int:
    """Declined visits still to come whose refill was not run (a message lost): refilled now."""
    due = Assignment.objects.filter(state=State.DECLINED, date__gte=timezone.now().date()).values_list("pk", flat=True)
    return sum(assignment_refill(assignment_id=pk) for pk in due)
