"""Writes: every rule about storing schemes, people and reports lives here, once."""

import hashlib
import json
from collections import defaultdict
from datetime import date, timedelta
from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from .models import (
    DETAINEE_SPLIT,
    DETAINEES,
    AccessBand,
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    IssueStatus,
    Notification,
    ReportCorrection,
    ReportStatus,
    Role,
    Scheme,
    SeenProfileCount,
    Site,
    SiteActivityChange,
    User,
    VisitIssue,
)

DEFAULT_ISSUE_CATEGORIES = (
    ("food-and-drink", "Food and drink"),
    ("cell-and-contents", "Cell and its contents"),
    ("hygiene", "Hygiene and female hygiene products"),
    ("health-care", "Health care and medication"),
    ("rights-and-entitlements", "Rights and entitlements"),
    ("clothing-and-bedding", "Clothing and bedding"),
    ("exercise-and-fresh-air", "Exercise and fresh air"),
    ("reading-and-faith", "Reading material and faith items"),
    ("staffing-and-conduct", "Staffing and conduct"),
    ("facilities", "Facilities"),
    ("other", "Other"),
)
MAX_VISIT = timedelta(hours=24)
PROFILE_DIMENSIONS = ("gender", "age_group", "ethnicity", "vulnerability")
# Each person seen has one gender, one age group and one recorded ethnicity, but may carry several flags.
EXCLUSIVE_DIMENSIONS = ("gender", "age_group", "ethnicity")


class DuplicateConflict(Exception):
    """The client_uuid is already stored with other content."""


class QueueUnavailable(Exception):
    """The broker did not take the task, so nothing was queued."""


# --- schemes, sites, people ---------------------------------------------------------------


@transaction.atomic
def scheme_create(**fields) -> Scheme:
    scheme = Scheme(**fields)
    scheme.full_clean()
    scheme.save()
    IssueCategory.objects.bulk_create(
        IssueCategory(scheme=scheme, slug=slug, name=name) for slug, name in DEFAULT_ISSUE_CATEGORIES
    )
    return scheme


DERIVED_FROM_SETTINGS = ("timezone", "custody_bands", "animal_bands", "immediate_access_minutes", "long_delay_minutes")


@transaction.atomic
def scheme_update(*, scheme: Scheme, fields: dict) -> Scheme:
    """Change a scheme's settings. What stored reports derive from them (cells, access bands)
    is brought in step by a task queued on commit, so the change answers at once however many
    reports the scheme holds."""
    before = [getattr(scheme, name) for name in DERIVED_FROM_SETTINGS]
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    if [getattr(scheme, name) for name in DERIVED_FROM_SETTINGS] != before:
        from .tasks import scheme_reports_rederive

        # robust: the settings are committed; `recompute_timeslots` repairs a scheme whose task was lost.
        transaction.on_commit(lambda: scheme_reports_rederive.delay(scheme.pk), robust=True)
    return scheme


@transaction.atomic
def scheme_reports_rederive(*, scheme: Scheme) -> int:
    """Bring stored reports in step with the scheme's settings: cells follow its zone and bands,
    access bands its delay thresholds. Safe to run twice; returns how many reports changed cell."""
    CustodyVisit.objects.filter(scheme=scheme, access_delay_minutes__isnull=False).update(access_band=Case(
        When(access_delay_minutes__lte=scheme.immediate_access_minutes, then=Value(AccessBand.IMMEDIATE)),
        When(access_delay_minutes__lte=scheme.long_delay_minutes, then=Value(AccessBand.MEDIUM)),
        default=Value(AccessBand.LONG),
    ))
    return timeslots_recompute(scheme=scheme)


@transaction.atomic
def timeslots_recompute(*, scheme: Scheme) -> int:
    """Put every report of the scheme back in the cell its arrival falls in under the scheme's
    current zone and bands; returns how many reports moved."""
    sites = {site.pk: site for site in Site.objects.filter(scheme=scheme)}
    for site in sites.values():
        site.scheme = scheme
    moved = 0
    for model in (CustodyVisit, AnimalVisit):
        stale = []
        reports = model.objects.filter(scheme=scheme).only(
            "id", "arrived_at", "site_id", "local_date", "slot_day", "slot_band"
        )
        for report in reports.iterator(chunk_size=2000):
            before = (report.local_date, report.slot_day, report.slot_band)
            report.scheme, report.site = scheme, sites[report.site_id]
            report.set_cell()
            if (report.local_date, report.slot_day, report.slot_band) != before:
                stale.append(report)
        model.objects.bulk_update(stale, ["local_date", "slot_day", "slot_band"], batch_size=500)
        moved += len(stale)
    return moved


@transaction.atomic
def site_save(*, site: Site, by: User | None, fields: dict) -> Site:
    """Create or update a site; a change of `active` is kept with its date for the targets."""
    was_active = site.active if site.pk else None
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    if was_active is not None and was_active != site.active:
        SiteActivityChange.objects.create(
            site=site, active=site.active, effective_on=site.scheme.local_today(),
            recorded_by=by,
        )
    return site


@transaction.atomic
def user_create(*, password: str, schemes=(), **fields) -> User:
    user = User(**fields)
    # Managers use the admin for their own scheme (it scopes them there).
    user.is_staff = user.is_staff or user.role == Role.MANAGER
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if schemes:
        user.schemes.set(schemes)
    return user


def _granted(*, by: User, fields: dict) -> dict:
    """What `by` may set on an account: a superuser places anyone (an analyst in no scheme, granted
    schemes instead); a manager only people of their own scheme, and never grants schemes."""
    if by.is_superuser:
        if fields.get("role") == Role.ANALYST and fields.get("scheme"):
            raise ValidationError({"scheme": ["An analyst belongs to no scheme; grant schemes with 'schemes'."]})
        if fields.get("role") not in (None, Role.ANALYST) and "scheme" in fields and fields["scheme"] is None:
            raise ValidationError({"scheme": ["Name the scheme this person belongs to."]})
        return fields
    if fields.get("role") == Role.ANALYST or fields.get("schemes"):
        raise ValidationError({"role": ["Only a superuser creates analysts and grants schemes."]})
    return {**fields, "scheme": by.scheme}


def user_add(*, by: User, fields: dict) -> User:
    """A manager adds a person to their scheme; a superuser anyone anywhere."""
    fields = _granted(by=by, fields=fields)
    if not fields.get("password"):
        raise ValidationError({"password": ["Set a password."]})
    if fields.get("role") != Role.ANALYST and fields.get("scheme") is None:
        raise ValidationError({"scheme": ["Name the scheme this person belongs to."]})
    return user_create(**fields)


@transaction.atomic
def user_update(*, user: User, by: User, fields: dict) -> User:
    """Change an account. A new role brings its admin access with it: a manager is staff (the
    admin scopes them to their scheme), anyone else is not, unless a superuser."""
    fields = _granted(by=by, fields=fields)
    password = fields.pop("password", None)
    schemes = fields.pop("schemes", None)
    role_before = user.role
    for name, value in fields.items():
        setattr(user, name, value)
    if user.role != role_before:
        user.is_staff = user.is_superuser or user.role == Role.MANAGER
    if password:
        user.set_password(password)
    user.save()
    if schemes is not None:
        user.schemes.set(schemes)
    return user


def category_add(*, by: User, fields: dict) -> IssueCategory:
    """A manager adds an issue category to their scheme. The unique constraint on (scheme, slug)
    decides between two managers adding the same slug at once: the loser gets a 400."""
    if by.scheme is None:
        raise ValidationError({"non_field_errors": ["Only a scheme's manager adds its categories."]})
    try:
        with transaction.atomic():
            return IssueCategory.objects.create(scheme=by.scheme, **fields)
    except IntegrityError:
        raise ValidationError({"slug": ["This scheme already has a category with this slug."]})


def category_update(*, category: IssueCategory, fields: dict) -> IssueCategory:
    """Rename or retire a category; its slug stays, as old reports refer to it."""
    if fields.get("slug", category.slug) != category.slug:
        raise ValidationError({"slug": ["A category's slug cannot change: old reports refer to it."]})
    for name, value in fields.items():
        setattr(category, name, value)
    category.save()
    return category


# --- reports ---------------------------------------------------------------------------------


def _canonical(value):
    if isinstance(value, dict):
        return {key: _canonical(val) for key, val in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if hasattr(value, "astimezone"):
        return value.astimezone(dt_timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, (int, float, bool, str, type(None))) else str(value)


def _report_defaults(model) -> dict:
    """What a report says about a field it leaves out, so leaving it out or spelling it out is the same report."""
    defaults = {
        field.name: field.get_default() for field in model._meta.concrete_fields
        if field.editable and field.name not in ("id", "scheme", "site", "created_by", "client_uuid")
    }
    defaults["issues"] = []
    if model is CustodyVisit:
        defaults["seen_profile"] = {}
    return defaults


def content_hash(data: dict, *, model) -> str:
    """What a report says, independent of key order, offsets, visitor order and defaults left out."""
    said = {**_report_defaults(model), **data}
    said["visitors"] = sorted(said["visitors"])
    said["issues"] = [{"resolved_during_visit": False, **issue} for issue in said["issues"] or []]
    if model is CustodyVisit:
        # Zero counts are not stored, so {"female": 0} says nothing.
        profile = {dim: {v: n for v, n in values.items() if n} for dim, values in (said["seen_profile"] or {}).items()}
        said["seen_profile"] = {dim: values for dim, values in profile.items() if values}
    canonical = _canonical(said)
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _validate_report(*, model, sender: User, scheme: Scheme, data: dict, errors: dict, is_correction: bool) -> dict:
    """Check a whole report against the scheme's rules; returns the rows it refers to."""
    now = timezone.now()
    skew = timedelta(minutes=scheme.clock_skew_minutes)
    is_custody = model is CustodyVisit
    refs = {}

    site = Site.objects.filter(pk=data.get("site"), scheme=scheme, kind=model.site_kind).select_related("scheme").first()
    if site is None:
        what = "custody suite" if is_custody else "animal unit"
        errors["site"].append(f"No {what} with id {data.get('site')} in your scheme.")
    refs["site"] = site

    arrived, admitted, left = data.get("arrived_at"), data.get("admitted_at"), data.get("left_at")
    submitted = data.get("status") == ReportStatus.SUBMITTED
    if submitted and left is None:
        errors["left_at"].append("A submitted report needs the departure time.")
    if submitted and is_custody and admitted is None:
        errors["admitted_at"].append("A submitted report needs the time of admission to the suite.")
    for name, value in (("arrived_at", arrived), ("admitted_at", admitted), ("left_at", left)):
        if value is not None and value > now + skew:
            errors[name].append(f"This time is in the future (more than {scheme.clock_skew_minutes} minutes ahead).")
    if arrived and admitted and admitted < arrived:
        errors["admitted_at"].append("Admission cannot be before arrival.")
    if admitted and left and left < admitted:
        errors["left_at"].append("Departure cannot be before admission.")
    if arrived and left and left < arrived:
        errors["left_at"].append("Departure cannot be before arrival.")
    if arrived and left and left - arrived >= MAX_VISIT:
        errors["left_at"].append("A visit lasts under 24 hours; check the dates.")

    visitor_ids = data.get("visitors", [])
    if len(set(visitor_ids)) != len(visitor_ids):
        errors["visitors"].append("Each visitor may be named only once.")
    if len(set(visitor_ids)) < scheme.min_visitors:
        errors["visitors"].append(f"A report needs at least {scheme.min_visitors} visitors.")
    visitors = list(User.objects.filter(pk__in=set(visitor_ids), scheme=scheme, role=Role.VISITOR, is_active=True))
    unknown = sorted(set(visitor_ids) - {v.pk for v in visitors})
    if unknown:
        errors["visitors"].append(f"Not visitors of this scheme: {', '.join(map(str, unknown))}.")
    if sender.role == Role.VISITOR and sender.pk not in visitor_ids:
        errors["visitors"].append("You must be one of the visitors on your report.")
    if arrived and not unknown:
        local_day = arrived.astimezone(scheme.zone).date()
        gone = sorted(v.pk for v in visitors if not v.is_member_on(local_day))
        if gone:
            errors["visitors"].append(f"Not a member of the scheme on {local_day}: {', '.join(map(str, gone))}.")
    refs["visitors"] = visitors

    if is_custody:
        _validate_detainees(data, errors)
        if arrived and admitted and admitted >= arrived:
            delay = CustodyVisit(scheme=scheme, arrived_at=arrived, admitted_at=admitted)
            delay.set_access()
            if delay.access_delay_minutes > scheme.immediate_access_minutes and not data.get("delay_reason", "").strip():
                errors["delay_reason"].append(
                    f"Access took {delay.access_delay_minutes} minutes: say why (suite busy, staff shortage, handover, other)."
                )

    slugs = [issue["category"] for issue in data.get("issues", [])]
    categories = {c.slug: c for c in IssueCategory.objects.filter(scheme=scheme, slug__in=slugs)}
    bad = []
    for index, slug in enumerate(slugs):
        category = categories.get(slug)
        # A correction may keep an issue in a category retired since; new issues need a live one.
        if category is None or (not category.active and not is_correction):
            bad.append(f"Issue {index + 1}: no category '{slug}' in this scheme.")
    if bad:
        errors["issues"].extend(bad)
    refs["categories"] = categories
    return refs


def _validate_detainees(data: dict, errors: dict) -> None:
    n = {name: data.get(f"detainees_{name}", 0) for name in DETAINEES}
    dealt_with = sum(n[name] for name in DETAINEE_SPLIT)
    if n["present"] != dealt_with:
        errors["detainees_present"].append(
            f"Detainees present ({n['present']}) must equal offered + not offered + unavailable + observed ({dealt_with})."
        )
    if n["offered"] != n["seen"] + n["refused"]:
        errors["detainees_offered"].append(
            f"Detainees offered ({n['offered']}) must equal seen + refused ({n['seen'] + n['refused']})."
        )
    for dimension, values in (data.get("seen_profile") or {}).items():
        if dimension in EXCLUSIVE_DIMENSIONS and sum(values.values()) > n["seen"]:
            errors["seen_profile"].append(
                f"The {dimension.replace('_', ' ')} counts add up to more than the {n['seen']} detainees seen."
            )
        elif any(count > n["seen"] for count in values.values()):
            errors["seen_profile"].append(f"A {dimension} count is more than the {n['seen']} detainees seen.")


REPORT_FIELDS_SKIPPED = {"site", "visitors", "issues", "seen_profile", "client_uuid"}


def _write_report(report, *, data: dict, refs: dict) -> list[VisitIssue]:
    """Set the columns, computed fields and child rows of a report from validated data; returns the new issues."""
    for name, value in data.items():
        if name not in REPORT_FIELDS_SKIPPED:
            setattr(report, name, value)
    report.site = refs["site"]
    report.scheme = refs["site"].scheme
    report.set_cell()
    if isinstance(report, CustodyVisit):
        report.set_access()
    if report.status == ReportStatus.SUBMITTED and report.submitted_at is None:
        report.submitted_at = timezone.now()
    report.save()
    report.visitors.set(refs["visitors"])
    new_issues = _replace_issues(report, data["issues"], refs["categories"]) if "issues" in data else []
    if isinstance(report, CustodyVisit) and "seen_profile" in data:
        report.seen_profile.all().delete()
        SeenProfileCount.objects.bulk_create(
            SeenProfileCount(visit=report, dimension=dimension, value=value, count=count)
            for dimension, values in (data["seen_profile"] or {}).items()
            for value, count in values.items()
            if count
        )
    return new_issues


def _replace_issues(report, issues: list[dict], categories: dict) -> list[VisitIssue]:
    """Keep the issues already carried to the force (matched by category and text), add the rest;
    returns the added ones. Two issues may read the same: each stored one is matched once."""
    existing = defaultdict(list)
    for issue in report.issues.select_related("category"):
        existing[(issue.category.slug, issue.description)].append(issue)
    added = []
    for item in issues:
        same = existing[(item["category"], item["description"])]
        if same:
            found = same.pop(0)
            found.resolved_during_visit = item.get("resolved_during_visit", False)
            found.save(update_fields=["resolved_during_visit"])
            continue
        added.append(VisitIssue.objects.create(
            scheme=report.scheme, category=categories[item["category"]], description=item["description"],
            resolved_during_visit=item.get("resolved_during_visit", False), **{report.link: report},
        ))
    VisitIssue.objects.filter(pk__in=[i.pk for left in existing.values() for i in left]).delete()
    return added


def report_submit(*, model, sender: User, data: dict):
    """Store a new report once, or return the one already stored under its client_uuid.

    Returns (report, created). Raises ValidationError (field messages) or DuplicateConflict.
    The unique constraint on (scheme, client_uuid) decides races: the loser reads the winner back.
    """
    scheme = sender.scheme
    if scheme is None:
        raise ValidationError({"site": ["Your account belongs to no scheme, so it cannot send reports."]})
    fingerprint = content_hash(data, model=model)
    existing = model.objects.filter(scheme=scheme, client_uuid=data["client_uuid"]).first()
    if existing is not None:
        return _replayed(existing, fingerprint), False

    errors = defaultdict(list)
    refs = _validate_report(model=model, sender=sender, scheme=scheme, data=data, errors=errors, is_correction=False)
    if errors:
        raise ValidationError(dict(errors))
    try:
        with transaction.atomic():
            report = model(client_uuid=data["client_uuid"], content_hash=fingerprint, created_by=sender)
            _write_report(report, data=data, refs=refs)
            if report.status == ReportStatus.SUBMITTED:
                _notify_issues_raised(report)
    except IntegrityError:
        existing = model.objects.filter(scheme=scheme, client_uuid=data["client_uuid"]).first()
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
    if isinstance(report, CustodyVisit):
        profile = defaultdict(dict)
        for row in report.seen_profile.all():
            profile[row.dimension][row.value] = row.count
        data["seen_profile"] = dict(profile)
    return data


class ReportLocked(Exception):
    pass


@transaction.atomic
def report_update(*, report, editor: User, changes: dict, reason: str = ""):
    """A visitor edits their own draft; a manager corrects any report, leaving a trace.

    Raises ReportLocked when a visitor touches a submitted report or someone else's draft.
    """
    report = type(report).objects.select_for_update().get(pk=report.pk)
    is_manager = editor.role == Role.MANAGER or editor.is_superuser
    if not is_manager and (report.status != ReportStatus.DRAFT or report.created_by_id != editor.pk):
        raise ReportLocked(
            "This report is submitted and locked; ask your volunteer manager to correct it."
            if report.status == ReportStatus.SUBMITTED else "Only the visitor who started a draft may edit it."
        )
    if report.status == ReportStatus.SUBMITTED and changes.get("status") == ReportStatus.DRAFT:
        raise ValidationError({"status": ["A submitted report cannot go back to draft."]})

    before = report_as_data(report)
    data = {**before, **changes}
    errors = defaultdict(list)
    refs = _validate_report(model=type(report), sender=editor, scheme=report.scheme, data=data, errors=errors,
                            is_correction=True)
    if errors:
        raise ValidationError(dict(errors))
    was_submitted = report.status == ReportStatus.SUBMITTED
    new_issues = _write_report(report, data=data, refs=refs)
    diff = {
        name: {"from": _canonical(before.get(name)), "to": _canonical(data.get(name))}
        for name in sorted(changes)
        if _canonical(before.get(name)) != _canonical(data.get(name))
    }
    if was_submitted and diff:
        ReportCorrection.objects.create(
            scheme=report.scheme, corrected_by=editor, changes=diff, reason=reason,
            **{report.link: report},
        )
    if not was_submitted and report.status == ReportStatus.SUBMITTED:
        _notify_issues_raised(report)
    elif was_submitted and new_issues:
        _notify_issues_raised(report, issues=new_issues)
    return report


# --- issues and the force's response -------------------------------------------------------


@transaction.atomic
def issue_respond(*, issue: VisitIssue, by: User, response: str, close: bool = False) -> VisitIssue:
    issue = VisitIssue.objects.select_for_update().get(pk=issue.pk)
    if not response.strip():
        raise ValidationError({"force_response": ["Write the force's response."]})
    issue.force_response = response
    issue.responded_by = by
    issue.responded_at = timezone.now()
    issue.status = IssueStatus.CLOSED if close else IssueStatus.RESPONDED
    issue.save()
    return issue


# --- notifications (outbox) -------------------------------------------------------------------


def _notify_issues_raised(report, *, issues=None) -> None:
    """Tell the force's custody staff of new unresolved issues (by default all the report's), through the outbox."""
    if issues is None:
        issues = report.issues.select_related("category")
    open_issues = [i for i in issues if not i.resolved_during_visit]
    if not open_issues:
        return
    recipients = User.objects.filter(scheme=report.scheme, role=Role.CUSTODY, is_active=True).exclude(email="")
    lines = "\n".join(f"- {i.category.name}: {i.description}" for i in open_issues)
    notes = Notification.objects.bulk_create(
        Notification(
            to_email=user.email,
            subject=f"{len(open_issues)} issue(s) raised at {report.site.name}",
            body=(
                f"Independent custody visitors raised these issues at {report.site.name} on {report.local_date}:\n\n"
                f"{lines}\n\nPlease record the force's response in the custody visiting service."
            ),
        )
        for user in recipients
    )
    from .tasks import notification_send

    for note in notes:
        # robust: the report is committed; a broker that is down leaves the note for the sweeper.
        transaction.on_commit(lambda pk=note.pk: notification_send.delay(pk), robust=True)


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification once: the row is claimed with a conditional UPDATE before sending."""
    from django.core.mail import send_mail

    claimed = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(sent_at=timezone.now())
    if not claimed:
        return False
    note = Notification.objects.get(pk=notification_id)
    try:
        send_mail(note.subject, note.body, None, [note.to_email])
    except Exception as exc:
        Notification.objects.filter(pk=note.pk).update(sent_at=None, attempts=note.attempts + 1, last_error=str(exc)[:2000])
        raise
    Notification.objects.filter(pk=note.pk).update(attempts=note.attempts + 1, last_error="")
    return True


def notifications_pending(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(Notification.objects.filter(sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=10)
                .values_list("pk", flat=True)[:500])
