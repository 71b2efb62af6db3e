"""Writes about visit reports: validation, idempotent submission, managers' corrections, and the handling
of a concern raised on one."""

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC, date
from functools import cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..db import NewRows, selected_once, stand_in
from ..kinds import ReportKind, kind_of
from ..models import (
    AuthorisingRank,
    CustodyVisit,
    IssueCategory,
    Notification,
    ReportCorrection,
    ReportStatus,
    Role,
    Scheme,
    SeenProfileCount,
    Site,
    User,
    VisitIssue,
)
from ..rollup import rollup_add, rollup_withdraw
from ..rules import NO_CONCERN, NOTHING_CHECKED, ReportCheck, access_delay_minutes
from ..selectors import people_for_report, report_for_answer, report_with_related
from .issues import issue_resolution_correct, issues_raise
from .notifications import concern_raised_notify, issues_raised_notify

PROFILE_DIMENSIONS = ("gender", "age_group", "ethnicity", "vulnerability")


class DuplicateConflict(Exception):
    """The client_uuid is already stored with other content."""


# The fields of version 1.1 of the contract. At these values they say nothing a version 1 report did not,
# so they are left out of the content hash: a version 1 phone's retry of a report stored before them
# still matches, and a newer phone that spells the defaults out sends the same report.
V11_DEFAULTS = {
    "outcome": "completed", "outcome_reason": "", "delay_authorised_by_rank": "", "tact": False,
    "juveniles_present": 0, "vulnerable_present": 0, "custody_records_examined": 0,
    "concern": NO_CONCERN, "welfare_needs": NOTHING_CHECKED,
}


def _canonical(value):
    if isinstance(value, dict):
        return {key: _canonical(val) for key, val in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, (int, float, bool, str, type(None))) else str(value)


@cache
def _report_defaults(model) -> dict:
    """What a report says about a field it leaves out, so leaving it out or spelling it out is the same report.
    Read, never changed, by content_hash."""
    defaults = {
        field.name: field.get_default() for field in model._meta.concrete_fields
        if field.editable and field.name not in ("id", "scheme", "site", "created_by", "client_uuid")
    }
    defaults["issues"] = []
    defaults.update(kind_of(model).extra_defaults)
    return defaults


def content_hash(data: dict, *, model) -> str:
    """What a report says, independent of key order, offsets, visitor order and defaults left out."""
    said = {**_report_defaults(model), **data}
    said["visitors"] = sorted(said["visitors"])
    said["issues"] = [{"resolved_during_visit": False, **issue} for issue in said["issues"] or []]
    if kind_of(model).has_seen_profile:
        # Zero counts are not stored, so {"female": 0} says nothing.
        profile = {dim: {v: n for v, n in values.items() if n} for dim, values in (said["seen_profile"] or {}).items()}
        said["seen_profile"] = {dim: values for dim, values in profile.items() if values}
    if "welfare_needs" in said:
        said["welfare_needs"] = {**NOTHING_CHECKED, **(said["welfare_needs"] or {})}
    if "concern" in said:
        said["concern"] = {**NO_CONCERN, **(said["concern"] or {})}
    for name, default in V11_DEFAULTS.items():
        if said.get(name, default) == default:
            said.pop(name, None)
    canonical = _canonical(said)
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _refs_read(*, model, scheme: Scheme, data: dict, site: Site | None, tell: bool = False) -> dict:
    """The rows a report refers to, given its site (None: not one of the scheme's of this kind): the
    visitors it names, its issues' categories and, with `tell`, whom a submitted report tells: the
    site's custody staff of issues not resolved during the visit, the managers of a concern. The
    people in one read, the categories in another (none without issues)."""
    if site is not None:
        site.scheme = scheme  # the same row the sender was read with
    submitted = data.get("status", ReportStatus.SUBMITTED) == ReportStatus.SUBMITTED
    issues = data.get("issues") or []
    tell_staff = tell and submitted and site is not None and any(
        not issue.get("resolved_during_visit", False) for issue in issues)
    tell_managers = (tell and submitted and kind_of(model).has_concern
                     and bool((data.get("concern") or {}).get("raised")))
    people = people_for_report(scheme=scheme, visitor_ids=data.get("visitors", []),
                               staff_of=site if tell_staff else None, managers=tell_managers)
    by_role = defaultdict(list)
    for person in people:
        by_role[person.role].append(person)
    slugs = sorted({issue["category"] for issue in issues if "category" in issue})
    return {
        "site": site,
        "visitors": by_role[Role.VISITOR],
        "custody_staff": by_role[Role.CUSTODY] if tell_staff else None,
        "managers": by_role[Role.MANAGER] if tell_managers else None,
        "categories": {c.slug: c for c in _categories_read(len(slugs), values=[scheme.pk, *slugs])} if slugs else {},
    }


def _categories(count: int):
    return IssueCategory.objects.filter(scheme_id=stand_in(0), slug__in=[stand_in(n, str) for n in range(1, count + 1)]
                                        ).order_by()


def _site_and_stored(model):
    """The site a new report names, of the sender's scheme and the report's kind, with the id of the
    report already stored under its key (if any)."""
    stored = model.objects.filter(scheme_id=stand_in(1), client_uuid=stand_in(2, uuid.UUID)).order_by().values("pk")
    return (Site.objects.filter(pk=stand_in(0), scheme_id=stand_in(1), kind=model.site_kind)
            .annotate(stored_id=Subquery(stored[:1])).order_by())


# Read with every report: compiling them took longer than the database took to answer.
_categories_read = selected_once(_categories)
_site_and_stored_read = selected_once(_site_and_stored)


def _validate_report(*, kind: ReportKind, sender: User, scheme: Scheme, data: dict, refs: dict,
                     is_correction: bool) -> None:
    """Check a whole report against its kind's rules, given the rows it refers to (_refs_read);
    raises ValidationError with every message found, by field."""
    check = ReportCheck(site_label=kind.site_label, counted=kind.counted, sender=sender, scheme=scheme, data=data,
                        refs=refs, is_correction=is_correction, now=timezone.now())
    for rule in kind.rules:
        rule(check)
    if check.errors:
        raise ValidationError(dict(check.errors))


def _default_rank(scheme: Scheme, data: dict) -> dict:
    """A report that does not mention who authorised a delay (a version 1 phone) says no rank was given."""
    delay = access_delay_minutes(scheme, data)
    if delay is not None and delay > scheme.immediate_access_minutes:
        return {**data, "delay_authorised_by_rank": AuthorisingRank.NOT_GIVEN.value}
    return data


REPORT_FIELDS_SKIPPED = {"site", "visitors", "issues", "seen_profile", "client_uuid", "concern", "welfare_needs"}


def _columns_set(report, *, data: dict, refs: dict) -> None:
    """Set the columns and computed fields of a report from validated data."""
    for name, value in data.items():
        if name not in REPORT_FIELDS_SKIPPED:
            setattr(report, name, value)
    if "concern" in data:
        concern = {**NO_CONCERN, **(data["concern"] or {})}
        report.concern_raised, report.concern_details = concern["raised"], concern["details"]
        if not report.concern_raised:  # a correction that withdraws a concern takes its handling with it
            report.concern_handled_at, report.concern_handled_by, report.concern_handled_note = None, None, ""
    if "welfare_needs" in data:
        for need, state in {**NOTHING_CHECKED, **(data["welfare_needs"] or {})}.items():
            setattr(report, f"welfare_{need}", state)
    report.site = refs["site"]
    report.scheme = refs["site"].scheme
    report.visitor_count = len(refs["visitors"])
    report.set_cell()
    if kind_of(report).has_access_delay:
        report.set_access()
    if report.status == ReportStatus.SUBMITTED and report.submitted_at is None:
        report.submitted_at = timezone.now()


def _profile_rows(report, profile: dict | None) -> list[SeenProfileCount]:
    # Zero counts are not stored.
    return [SeenProfileCount(visit=report, dimension=dimension, value=value, count=count)
            for dimension, values in (profile or {}).items() for value, count in values.items() if count]


def _issue_items(issues: list[dict], categories: dict) -> list[tuple]:
    return [(categories[item["category"]], item["description"], item.get("resolved_during_visit", False))
            for item in issues]


def _report_create(*, model, data: dict, refs: dict, sender: User, fingerprint: str, rows: NewRows):
    """A new report and its rows, written with `rows`: the report, its visitors, its issues with their
    first events, its seen profile. Nothing to read back or replace: a new report has none of them
    yet. Returns the report, ready for its answer, and its issues."""
    report = model(client_uuid=data["client_uuid"], content_hash=fingerprint, created_by=sender)
    _columns_set(report, data=data, refs=refs)
    rows.add([report])
    through = model.visitors.through
    link = model.visitors.field.m2m_field_name()
    rows.add(through(**{link: report, "user": visitor}) for visitor in refs["visitors"])
    issues = issues_raise(report=report, items=_issue_items(data.get("issues") or [], refs["categories"]), rows=rows)
    profile = rows.add(_profile_rows(report, data.get("seen_profile"))) if kind_of(model).has_seen_profile else []
    return report_with_related(report, visitors=refs["visitors"], issues=issues, corrections=[],
                               seen_profile=profile), issues


def _write_report(report, *, data: dict, refs: dict, by: User) -> list[VisitIssue]:
    """A stored report takes validated data: its columns, visitors, issues and seen profile are
    replaced; returns the issues now waiting on the force that it has not been told of."""
    _columns_set(report, data=data, refs=refs)
    report.save()
    report.visitors.set(refs["visitors"])
    new_issues = _replace_issues(report, data["issues"], refs["categories"], by) if "issues" in data else []
    if kind_of(report).has_seen_profile and "seen_profile" in data:
        report.seen_profile.all().delete()
        SeenProfileCount.objects.bulk_create(_profile_rows(report, data["seen_profile"]))
    return new_issues


def _replace_issues(report, issues: list[dict], categories: dict, by: User) -> list[VisitIssue]:
    """Keep the issues already carried to the force (matched by category and text), add the rest;
    returns those now waiting on the force that it has not been told of. Two issues may read the
    same: each stored one is matched once."""
    existing = defaultdict(list)
    for issue in report.issues.select_related("category"):
        existing[(issue.category.slug, issue.description)].append(issue)
    carried, new = [], []  # carried in the order of `issues`: a stored issue, or None for a new one
    for item in issues:
        same = existing[(item["category"], item["description"])]
        if same:
            found = same.pop(0)
            if issue_resolution_correct(issue=found, resolved=item.get("resolved_during_visit", False), by=by):
                carried.append(found)
            continue
        carried.append(None)
        new.append(item)
    raised = iter(issues_raise(report=report, items=_issue_items(new, categories)))
    VisitIssue.objects.filter(pk__in=[i.pk for left in existing.values() for i in left]).delete()
    return [issue if issue is not None else next(raised) for issue in carried]


def report_submit(*, model, sender: User, data: dict):
    """Store a new report once, or return the one already stored under its client_uuid; either way
    ready for its answer.

    Returns (report, created). Raises ValidationError (field messages) or DuplicateConflict.
    The unique constraint on (scheme, client_uuid) decides races: the loser reads the winner back.
    """
    scheme = sender.scheme
    if scheme is None:
        raise ValidationError({"site": [_("Your account belongs to no scheme, so it cannot send reports.")]})
    fingerprint = content_hash(data, model=model)
    # The site, and whether a report is stored under the key, in one read. Without the site (a 400
    # unless the key is stored) the key is looked up on its own: a retry is answered before any rule.
    key = data["client_uuid"]
    [site] = _site_and_stored_read(model, values=[data.get("site") or 0, scheme.pk, key]) or [None]
    stored_id = site.stored_id if site is not None else (
        model.objects.filter(scheme=scheme, client_uuid=key).order_by().values_list("pk", flat=True).first())
    if stored_id is not None:
        return _replayed(report_for_answer(model, scheme=scheme, pk=stored_id), fingerprint), False

    kind = kind_of(model)
    if kind.has_access_delay and "delay_authorised_by_rank" not in data:
        data = _default_rank(scheme, data)
    refs = _refs_read(model=model, scheme=scheme, data=data, site=site, tell=True)
    _validate_report(kind=kind, sender=sender, scheme=scheme, data=data, refs=refs, is_correction=False)
    told = [*(refs["custody_staff"] or ()), *(refs["managers"] or ())]
    try:
        with transaction.atomic():
            rows = NewRows(ids={model: 1, VisitIssue: len(data.get("issues") or ()), Notification: len(told)})
            report, issues = _report_create(model=model, data=data, refs=refs, sender=sender, fingerprint=fingerprint,
                                            rows=rows)
            if report.status == ReportStatus.SUBMITTED:
                issues_raised_notify(report, issues=issues, staff=refs["custody_staff"], rows=rows)
                if kind.has_concern and report.concern_raised:
                    concern_raised_notify(report, managers=refs["managers"], rows=rows)
            rows.write()
            if report.status == ReportStatus.SUBMITTED:
                # Its sums, read from the rows just written.
                rollup_add(report)
    except IntegrityError:
        existing = report_for_answer(model, scheme=scheme, client_uuid=key)
        if existing is None:
            raise
        return _replayed(existing, fingerprint), False
    return report, True


def _replayed(report, fingerprint: str):
    if report.content_hash != fingerprint:
        raise DuplicateConflict()
    return report


def report_as_data(report) -> dict:
    """The stored report in the shape of validated input, so a partial update can be merged onto it."""
    data = {
        "site": report.site_id,
        "visitors": [v.pk for v in report.visitors.all()],
        "issues": [
            {"category": i.category.slug, "description": i.description, "resolved_during_visit": i.resolved_during_visit}
            for i in report.issues.all()
        ],
    }
    for field in report._meta.concrete_fields:
        if field.editable and field.name not in ("id", "scheme", "site", "created_by", "client_uuid"):
            data[field.name] = getattr(report, field.attname)
    kind = kind_of(report)
    if kind.has_seen_profile:
        profile: dict[str, dict[str, int]] = defaultdict(dict)
        for row in report.seen_profile.all():
            profile[row.dimension][row.value] = row.count
        data["seen_profile"] = dict(profile)
    # Each of the kind's own parts, as the report reads it (concern, welfare_needs).
    for name in kind.extra_defaults.keys() - {"seen_profile"}:
        data[name] = getattr(report, name)
    return data


class ReportLocked(Exception):
    pass


def report_lock_reason(*, report, editor: User) -> str | None:
    """Why the editor may not change this report at all, or None when they may."""
    if access.allows(editor, "corrections", access.WRITE):
        return None
    if report.status == ReportStatus.SUBMITTED:
        return _("This report is submitted and locked; ask your volunteer manager to correct it.")
    if report.created_by_id != editor.pk:
        return _("Only the visitor who started a draft may edit it.")
    return None


@transaction.atomic
def report_update(*, report, editor: User, changes: dict, reason: str = ""):
    """A visitor edits their own draft; a manager corrects any report, leaving a trace.

    Raises ReportLocked when a visitor touches a submitted report or someone else's draft.
    """
    report = type(report).objects.select_for_update().get(pk=report.pk)
    if (locked := report_lock_reason(report=report, editor=editor)) is not None:
        raise ReportLocked(locked)
    if report.status == ReportStatus.SUBMITTED and changes.get("status") == ReportStatus.DRAFT:
        raise ValidationError({"status": [_("A submitted report cannot go back to draft.")]})

    kind = kind_of(report)
    before = report_as_data(report)
    data = {**before, **changes}
    if kind.has_access_delay and "delay_authorised_by_rank" not in changes and not before["delay_authorised_by_rank"]:
        data = _default_rank(report.scheme, data)
    had_concern = kind.has_concern and report.concern_raised
    site = Site.objects.filter(pk=data.get("site") or 0, scheme=report.scheme, kind=kind.site_kind).first()
    refs = _refs_read(model=kind.model, scheme=report.scheme, data=data, site=site)
    _validate_report(kind=kind, sender=editor, scheme=report.scheme, data=data, refs=refs, is_correction=True)
    was_submitted = report.status == ReportStatus.SUBMITTED
    if was_submitted:
        rollup_withdraw(report)
    new_issues = _write_report(report, data=data, refs=refs, by=editor)
    if report.status == ReportStatus.SUBMITTED:
        rollup_add(report)
    if was_submitted:
        _correction_record(report, before=before, after=data, changed=changes, by=editor, reason=reason)
    _update_notify(report, was_submitted=was_submitted, had_concern=had_concern, new_issues=new_issues)
    return report


def _correction_record(report, *, before: dict, after: dict, changed: dict, by: User, reason: str) -> None:
    """A manager's change to a submitted report is kept with who, when, what and why; no change, no trace."""
    diff = {
        name: {"from": _canonical(before.get(name)), "to": _canonical(after.get(name))}
        for name in sorted(changed)
        if _canonical(before.get(name)) != _canonical(after.get(name))
    }
    if diff:
        ReportCorrection.objects.create(scheme=report.scheme, corrected_by=by, changes=diff, reason=reason,
                                        **{report.link: report})


def _update_notify(report, *, was_submitted: bool, had_concern: bool, new_issues: list[VisitIssue]) -> None:
    """Whom an update tells: the force of every issue when a draft is submitted, or of the issues a
    correction added; the managers of a concern newly raised on a submitted report."""
    if not was_submitted and report.status == ReportStatus.SUBMITTED:
        issues_raised_notify(report)
    elif was_submitted and new_issues:
        issues_raised_notify(report, issues=new_issues)
    if (kind_of(report).has_concern and report.status == ReportStatus.SUBMITTED and report.concern_raised
            and not (was_submitted and had_concern)):
        concern_raised_notify(report)


@transaction.atomic
def concern_mark_handled(*, visit: CustodyVisit, by: User, note: str) -> CustodyVisit:
    """A manager records how a raised concern was dealt with. The conditional UPDATE makes it once only:
    of two managers marking it at the same moment, the second is told it is already handled."""
    if visit.status != ReportStatus.SUBMITTED or not visit.concern_raised:
        raise ValidationError({"concern": [_("No concern was raised on this report.")]})
    rollup_withdraw(visit)
    marked = CustodyVisit.objects.filter(pk=visit.pk, concern_raised=True, concern_handled_at__isnull=True).update(
        concern_handled_at=timezone.now(), concern_handled_by=by, concern_handled_note=note,
    )
    if not marked:
        raise ValidationError({"concern": [_("This concern was already marked handled.")]})
    rollup_add(visit)
    visit.refresh_from_db()
    return visit
