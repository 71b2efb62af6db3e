"""The rules a visit report keeps, each a small named function of one `ReportCheck`.

A rule reads what the report says (`data`) and the rows it refers to (`refs`: its site, visitors
and issue categories, read once by the service), and adds a message under the field at fault. It
never reads the database. Which rules a kind of report keeps is said by its kind (`visits.kinds`).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .eligibility import is_trained, on_probation, refusal
from .models import (
    DETAINEE_SPLIT,
    DETAINEES,
    NOT_ADMITTED_OUTCOMES,
    WELFARE_NEEDS,
    CustodyVisit,
    Outcome,
    ReportStatus,
    Role,
    Scheme,
    User,
    WelfareState,
)

MAX_VISIT = timedelta(hours=24)
# Each person seen has one gender, one age group and one recorded ethnicity, but may carry several flags.
EXCLUSIVE_DIMENSIONS = ("gender", "age_group", "ethnicity")
NO_CONCERN = {"raised": False, "details": ""}
NOTHING_CHECKED = {need: WelfareState.NOT_CHECKED.value for need in WELFARE_NEEDS}
TIMES = ("arrived_at", "admitted_at", "left_at")


@dataclass
class ReportCheck:
    """One report being judged: what it says, what it refers to, and the messages found so far."""

    site_label: str | Promise
    counted: tuple[str, ...]
    sender: User
    scheme: Scheme
    data: dict
    refs: dict
    is_correction: bool
    now: datetime
    errors: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def __getitem__(self, name: str):
        return self.data.get(name)

    @property
    def outcome(self) -> str:
        return self.data.get("outcome", Outcome.COMPLETED)

    @property
    def submitted(self) -> bool:
        return self.data.get("status") == ReportStatus.SUBMITTED

    def error(self, name: str, message: str) -> None:
        self.errors[name].append(message)


Rule = Callable[[ReportCheck], None]


# Rules every report keeps.

def site_is_the_schemes(check: ReportCheck) -> None:
    if check.refs["site"] is None:
        check.error("site", _("No %(site)s with id %(id)s in your scheme.") % {"site": check.site_label, "id": check["site"]})


def submitted_has_departure(check: ReportCheck) -> None:
    if check.submitted and check["left_at"] is None:
        check.error("left_at", _("A submitted report needs the departure time."))


def times_not_in_future(check: ReportCheck) -> None:
    latest = check.now + timedelta(minutes=check.scheme.clock_skew_minutes)
    for name in TIMES:
        if check[name] is not None and check[name] > latest:
            check.error(name, _("This time is in the future (more than %(minutes)s minutes ahead).")
                        % {"minutes": check.scheme.clock_skew_minutes})


def times_in_order(check: ReportCheck) -> None:
    arrived, admitted, left = (check[name] for name in TIMES)
    if arrived and admitted and admitted < arrived:
        check.error("admitted_at", _("Admission cannot be before arrival."))
    if admitted and left and left < admitted:
        check.error("left_at", _("Departure cannot be before admission."))
    if arrived and left and left < arrived:
        check.error("left_at", _("Departure cannot be before arrival."))


def visit_under_a_day(check: ReportCheck) -> None:
    arrived, left = check["arrived_at"], check["left_at"]
    if arrived and left and left - arrived >= MAX_VISIT:
        check.error("left_at", _("A visit lasts under 24 hours; check the dates."))


def visitors_named_once(check: ReportCheck) -> None:
    ids = check.data.get("visitors", [])
    if len(set(ids)) != len(ids):
        check.error("visitors", _("Each visitor may be named only once."))


def visitors_enough(check: ReportCheck) -> None:
    if len(set(check.data.get("visitors", []))) < check.scheme.min_visitors:
        check.error("visitors", _("A report needs at least %(count)s visitors.") % {"count": check.scheme.min_visitors})


def _unknown_visitors(check: ReportCheck) -> list[int]:
    return sorted(set(check.data.get("visitors", [])) - {v.pk for v in check.refs["visitors"]})


def visitors_of_the_scheme(check: ReportCheck) -> None:
    if unknown := _unknown_visitors(check):
        check.error("visitors", _("Not visitors of this scheme: %(ids)s.") % {"ids": ", ".join(map(str, unknown))})


def sender_among_visitors(check: ReportCheck) -> None:
    if check.sender.role == Role.VISITOR and check.sender.pk not in check.data.get("visitors", []):
        check.error("visitors", _("You must be one of the visitors on your report."))


def _visit_day(check: ReportCheck):
    """The local day of the visit, or None before the arrival is known."""
    arrived = check["arrived_at"]
    return arrived.astimezone(check.scheme.zone).date() if arrived else None


def visitors_eligible_that_day(check: ReportCheck) -> None:
    """A visitor who had not joined, had left, was not appointed yet, or whose vetting or term had
    lapsed by the visit's day is not named on it (nothing recorded refuses no one)."""
    day = _visit_day(check)
    if day is None or _unknown_visitors(check):
        return
    for visitor in sorted(check.refs["visitors"], key=lambda v: v.pk):
        if reason := refusal(visitor, day):
            check.error("visitors", reason)


def not_all_on_probation(check: ReportCheck) -> None:
    """The buddy rule (a scheme setting): a visitor on probation visits beside an experienced one."""
    day = _visit_day(check)
    visitors = check.refs["visitors"]
    if check.scheme.buddy_rule and day and visitors and all(on_probation(v, day) for v in visitors):
        check.error("visitors", _("Every visitor named is on probation: one must be an experienced visitor."))


def outcome_has_reason(check: ReportCheck) -> None:
    if check.outcome != Outcome.COMPLETED and not (check["outcome_reason"] or "").strip():
        check.error("outcome_reason", _(
            "Say why the visit was not completed (%(outcome)s), e.g. the suite was closed, an incident."
        ) % {"outcome": Outcome(check.outcome).label})


def refused_saw_no_one(check: ReportCheck) -> None:
    if check.outcome != Outcome.ACCESS_REFUSED:
        return
    for name in check.counted:
        if check.data.get(name, 0):
            check.error(name, _("A visit refused entry saw no one: this count is 0."))


# Whole sentences, one for each case, so a translation need not join words the English way.
ISSUE_MISSING = {
    ("category",): gettext_lazy("Issue %(number)s: give its category."),
    ("description",): gettext_lazy("Issue %(number)s: give its description."),
    ("category", "description"): gettext_lazy("Issue %(number)s: give its category and description."),
}


def issues_complete(check: ReportCheck) -> None:
    """An issue says its category and what it is, in a correction as in a new report."""
    for index, issue in enumerate(check.data.get("issues") or []):
        missing = tuple(name for name in ("category", "description") if name not in issue)
        if message := ISSUE_MISSING.get(missing):
            check.error("issues", message % {"number": index + 1})


def issues_in_live_categories(check: ReportCheck) -> None:
    categories = check.refs["categories"]
    for index, issue in enumerate(check.data.get("issues") or []):
        if "category" not in issue:
            continue  # issues_complete says so
        category = categories.get(issue["category"])
        # A correction may keep an issue in a category retired since; new issues need a live one.
        if category is None or (not category.active and not check.is_correction):
            check.error("issues", _("Issue %(number)s: no category '%(slug)s' in this scheme.")
                        % {"number": index + 1, "slug": issue["category"]})


COMMON_RULES: tuple[Rule, ...] = (
    site_is_the_schemes, submitted_has_departure, times_not_in_future, times_in_order, visit_under_a_day,
    visitors_named_once, visitors_enough, visitors_of_the_scheme, sender_among_visitors,
    visitors_eligible_that_day, not_all_on_probation, outcome_has_reason, refused_saw_no_one, issues_complete,
    issues_in_live_categories,
)


# Rules of a custody visit.

def admitted_unless_not_let_in(check: ReportCheck) -> None:
    admitted_to_suite = check.outcome not in NOT_ADMITTED_OUTCOMES
    if check.submitted and admitted_to_suite and check["admitted_at"] is None:
        check.error("admitted_at", _("A submitted report needs the time of admission to the suite."))
    if not admitted_to_suite and check["admitted_at"] is not None:
        check.error("admitted_at",
                    _("A visit with outcome %(outcome)s was not admitted to the suite: leave the admission time out.")
                    % {"outcome": check.outcome})


def detainees_add_up(check: ReportCheck) -> None:
    n = {name: check.data.get(f"detainees_{name}", 0) for name in DETAINEES}
    dealt_with = sum(n[name] for name in DETAINEE_SPLIT)
    if n["present"] != dealt_with:
        check.error("detainees_present",
                    _("Detainees present (%(present)s) must equal offered + not offered + unavailable + observed "
                      "(%(total)s).") % {"present": n["present"], "total": dealt_with})
    if n["offered"] != n["seen"] + n["refused"]:
        check.error("detainees_offered",
                    _("Detainees offered (%(offered)s) must equal seen + refused (%(total)s).")
                    % {"offered": n["offered"], "total": n["seen"] + n["refused"]})


def seen_profile_within_seen(check: ReportCheck) -> None:
    seen = check.data.get("detainees_seen", 0)
    for dimension, values in (check["seen_profile"] or {}).items():
        if dimension in EXCLUSIVE_DIMENSIONS and sum(values.values()) > seen:
            check.error("seen_profile",
                        _("The %(group)s counts add up to more than the %(seen)s detainees seen.")
                        % {"group": dimension, "seen": seen})
        elif any(count > seen for count in values.values()):
            check.error("seen_profile", _("A %(group)s count is more than the %(seen)s detainees seen.")
                        % {"group": dimension, "seen": seen})


def groups_within_present(check: ReportCheck) -> None:
    present = check.data.get("detainees_present", 0)
    messages = {
        "juveniles_present": _("There cannot be more children (%(count)s) than detainees present (%(present)s)."),
        "vulnerable_present": _("There cannot be more vulnerable detainees (%(count)s) than detainees present "
                                "(%(present)s)."),
    }
    for name, message in messages.items():
        if check.data.get(name, 0) > present:
            check.error(name, message % {"count": check[name], "present": present})


def records_within_seen(check: ReportCheck) -> None:
    examined, seen = check.data.get("custody_records_examined", 0), check.data.get("detainees_seen", 0)
    if examined > seen:
        check.error("custody_records_examined",
                    _("Records examined (%(examined)s) cannot be more than detainees seen (%(seen)s).")
                    % {"examined": examined, "seen": seen})


def access_delay_minutes(scheme: Scheme, data: dict) -> int | None:
    """Minutes from arrival to admission beyond the scheme's handover allowance, as the report stores them."""
    arrived, admitted = data.get("arrived_at"), data.get("admitted_at")
    if not (arrived and admitted and admitted >= arrived):
        return None
    visit = CustodyVisit(scheme=scheme, arrived_at=arrived, admitted_at=admitted)
    visit.set_access()
    return visit.access_delay_minutes


def delay_explained(check: ReportCheck) -> None:
    delay = access_delay_minutes(check.scheme, check.data)
    if delay is None or delay <= check.scheme.immediate_access_minutes:
        return
    if not (check["delay_reason"] or "").strip():
        check.error("delay_reason",
                    _("Access took %(minutes)s minutes: say why (suite busy, staff shortage, handover, other).")
                    % {"minutes": delay})
    if not check["delay_authorised_by_rank"]:
        check.error("delay_authorised_by_rank",
                    _("Access took %(minutes)s minutes: give the rank of the officer who authorised the delay, "
                      "or not_given if no one said.") % {"minutes": delay})


def tact_needs_a_trained_visitor(check: ReportCheck) -> None:
    day = _visit_day(check) or check.now.astimezone(check.scheme.zone).date()
    if check["tact"] and not any(is_trained(v, "tact", day) for v in check.refs["visitors"]):
        check.error("tact", _("A TACT visit needs at least one visitor trained for TACT visits."))


def concern_has_details(check: ReportCheck) -> None:
    concern = {**NO_CONCERN, **(check["concern"] or {})}
    if concern["raised"] and not concern["details"].strip():
        check.error("concern", _("Describe what was seen or alleged: a concern needs its details."))
    if not concern["raised"] and concern["details"]:
        check.error("concern", _("Details go with a concern raised: set raised to true, or leave details empty."))


CUSTODY_RULES: tuple[Rule, ...] = (
    admitted_unless_not_let_in, detainees_add_up, seen_profile_within_seen, groups_within_present,
    records_within_seen, delay_explained, tact_needs_a_trained_visitor, concern_has_details,
)


# Rules of an animal welfare visit.

def _welfare(check: ReportCheck) -> dict:
    return {**NOTHING_CHECKED, **(check["welfare_needs"] or {})}


def welfare_concern_has_an_issue(check: ReportCheck) -> None:
    needs = _welfare(check)
    of_concern = [need for need in WELFARE_NEEDS if needs[need] == WelfareState.CONCERN]
    if of_concern and not check["issues"]:
        check.error("welfare_needs",
                    _("A concern about %(needs)s needs an issue in the report saying what it is.")
                    % {"needs": ", ".join(of_concern)})


def refused_checked_nothing(check: ReportCheck) -> None:
    needs = _welfare(check)
    if check.outcome == Outcome.ACCESS_REFUSED and any(needs[need] != WelfareState.NOT_CHECKED for need in WELFARE_NEEDS):
        check.error("welfare_needs", _("A visit refused entry checked nothing: leave every need not_checked."))


ANIMAL_RULES: tuple[Rule, ...] = (welfare_concern_has_an_issue, refused_checked_nothing)
