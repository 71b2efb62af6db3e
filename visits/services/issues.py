"""Writes about issues: the scheme's categories, and each issue's way from the visit to the force
and back, every step kept as an event row (who, when, from, to, note)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..db import NewRows
from ..models import (
    IssueCategory,
    IssueEvent,
    IssueStatus,
    User,
    VisitIssue,
)
from . import notifications


def category_add(*, by: User, fields: dict) -> IssueCategory:
    """A manager adds an issue category to their scheme. The unique constraint on (scheme, slug)
    decides between two managers adding the same slug at once: the loser gets a 400."""
    if by.scheme is None:
        raise ValidationError({"non_field_errors": [_("Only a scheme's manager adds its categories.")]})
    try:
        with transaction.atomic():
            return IssueCategory.objects.create(scheme=by.scheme, **fields)
    except IntegrityError:
        raise ValidationError({"slug": [_("This scheme already has a category with this slug.")]}) from None


def category_update(*, category: IssueCategory, fields: dict) -> IssueCategory:
    """Rename or retire a category; its slug stays, as old reports refer to it."""
    if fields.get("slug", category.slug) != category.slug:
        raise ValidationError({"slug": [_("A category's slug cannot change: old reports refer to it.")]})
    for name, value in fields.items():
        setattr(category, name, value)
    category.save()
    return category


def _move(issue: VisitIssue, *, to: str, by: User | None, note: str = "") -> None:
    """Change the issue's status and keep the change; the caller saves the issue."""
    IssueEvent.objects.create(issue=issue, by=by, from_status=issue.status, to_status=to, note=note)
    issue.status = to


def issues_raise(*, report, items: list[tuple[IssueCategory, str, bool]], rows: NewRows | None = None
                 ) -> list[VisitIssue]:
    """Issues as a report records them, (category, description, resolved during the visit) each:
    closed from the start when resolved during the visit, otherwise open and due back from the
    force within the scheme's response days. The issues and their first events are written with
    `rows` (by default at once, in two bulk INSERTs)."""
    rows = rows or NewRows()
    issues = []
    for category, description, resolved in items:
        issues.append(VisitIssue(
            scheme=report.scheme, site=report.site, raised_on=report.local_date, category=category,
            description=description, resolved_during_visit=resolved,
            status=IssueStatus.CLOSED if resolved else IssueStatus.OPEN,
            due_on=None if resolved else report.scheme.issue_due_on(report.local_date),
            **{report.link: report},
        ))
    rows.add(issues)
    rows.add(
        IssueEvent(issue=issue, by_id=report.created_by_id, from_status="", to_status=issue.status,
                   note="Resolved during the visit." if issue.resolved_during_visit else "")
        for issue in issues
    )
    return issues


def issue_resolution_correct(*, issue: VisitIssue, resolved: bool, by: User) -> bool:
    """A correction says the issue was (or was not) resolved during the visit. Returns True when
    the issue now waits on the force, so it is carried to them like a new one."""
    if issue.resolved_during_visit == resolved:
        return False
    issue.resolved_during_visit = resolved
    waits = False
    if resolved and issue.status != IssueStatus.CLOSED:
        _move(issue, to=IssueStatus.CLOSED, by=by, note="Corrected: resolved during the visit.")
        issue.due_on = None
    elif not resolved and issue.status == IssueStatus.CLOSED and not issue.force_response:
        _move(issue, to=IssueStatus.OPEN, by=by, note="Corrected: not resolved during the visit.")
        issue.due_on = issue.scheme.issue_due_on(issue.scheme.local_today())
        waits = True
    issue.save()
    return waits


def issues_referred(*, issues, to_email: str) -> None:
    """The e-mail carrying these issues reached the force's mail server: each still open is referred."""
    for issue in issues.select_for_update().filter(status=IssueStatus.OPEN):
        _move(issue, to=IssueStatus.REFERRED, by=None, note=f"Sent to {to_email}.")
        issue.save(update_fields=["status"])


def _locked(issue: VisitIssue) -> VisitIssue:
    return VisitIssue.objects.select_for_update().select_related("scheme", "site").get(pk=issue.pk)


def _is_manager(user: User) -> bool:
    return access.allows(user, "issue_decisions", access.WRITE)


@transaction.atomic
def issue_respond(*, issue: VisitIssue, by: User, response: str, by_telephone: bool = False) -> VisitIssue:
    """The force's response: recorded by its custody staff, or by the manager when the force gave
    it by telephone. A later response replaces the text; the history keeps every one."""
    issue = _locked(issue)
    if not response.strip():
        raise ValidationError({"force_response": [_("Write the force's response.")]})
    if _is_manager(by) and not by_telephone:
        raise ValidationError({"by_telephone": [
            _("A manager records only a response the force gave by telephone: set by_telephone.")
        ]})
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError({"non_field_errors": [_("This issue is closed; the manager reopens it if more is needed.")]})
    _move(issue, to=IssueStatus.RESPONDED, by=by, note=response)
    issue.force_response = response
    issue.by_telephone = by_telephone
    issue.responded_by = by
    issue.responded_at = timezone.now()
    issue.save()
    return issue


@transaction.atomic
def issue_close(*, issue: VisitIssue, by: User, note: str = "") -> VisitIssue:
    """The manager closes an issue: usually on the force's response, or because nothing more can be done."""
    issue = _locked(issue)
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError({"non_field_errors": [_("This issue is already closed.")]})
    _move(issue, to=IssueStatus.CLOSED, by=by, note=note)
    issue.save()
    return issue


@transaction.atomic
def issue_reopen(*, issue: VisitIssue, by: User, note: str) -> VisitIssue:
    """The response was not good enough: the issue goes back to the force, with the manager's note,
    and is due again within the scheme's response days from today."""
    issue = _locked(issue)
    if not note.strip():
        raise ValidationError({"note": [_("Say what the force still needs to answer.")]})
    if issue.status not in (IssueStatus.RESPONDED, IssueStatus.CLOSED):
        raise ValidationError({"non_field_errors": [_("Only an issue the force has answered, or a closed one, is reopened.")]})
    _move(issue, to=IssueStatus.REFERRED, by=by, note=note)
    issue.due_on = issue.scheme.issue_due_on(issue.scheme.local_today())
    issue.reminded_at = None
    issue.save()
    notifications.issue_reopened_notify(issue=issue, note=note)
    return issue
