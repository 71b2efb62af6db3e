"""Writes about issues: the scheme's categories and the force's response."""


from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import (
    IssueCategory,
    IssueStatus,
    User,
    VisitIssue,
)


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
