"""The force's custody inspector: the issues awaiting a response, and what they already answered.

Nothing here tells when visits happened or are planned, beyond the date of the visit an issue came from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visits import selectors, services

from .access import desk_for
from .forms import ForceFilterForm, ResponseForm

force_only = desk_for("desk_custody")
ANSWERED_SHOWN = 50


def _page(request, *, failed=None, form=None, status=200):
    found = selectors.issues_for_force(request.user)
    chosen = ForceFilterForm(request.GET, user=request.user)
    if not chosen.is_valid():
        found, status = found.none(), 400
    elif chosen.cleaned_data.get("site") is not None:
        found = found.filter(site=chosen.cleaned_data["site"])
    today = request.user.scheme.local_today()
    awaiting = list(found.filter(selectors.awaiting_force_q()))
    answered = list(found.exclude(selectors.awaiting_force_q()).order_by("-responded_at", "-id")[:ANSWERED_SHOWN])
    return render(request, "web/force.html", {
        "title": _("Issues for the force"), "section": "force", "crumbs": [(_("Issues for the force"), None)],
        "rows": [{"issue": issue, "overdue": issue.is_overdue(today),
                  "form": form if issue.pk == failed else ResponseForm(prefix=f"i{issue.pk}")}
                 for issue in awaiting],
        "answered": answered, "answered_shown": ANSWERED_SHOWN, "suites": chosen,
        "waiting": {"awaiting": len(awaiting), "overdue": sum(issue.is_overdue(today) for issue in awaiting)},
    }, status=status)


@force_only
def issues(request):
    return _page(request)


@force_only
@require_POST
def respond(request, pk: int):
    issue = get_object_or_404(selectors.issues_awaiting_force(request.user), pk=pk)
    form = ResponseForm(request.POST, prefix=f"i{issue.pk}")
    if not form.is_valid():
        return _page(request, failed=issue.pk, form=form, status=400)
    try:
        services.issue_respond(issue=issue, by=request.user, response=form.cleaned_data["force_response"])
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return _page(request, failed=issue.pk, form=form, status=400)
    messages.success(request, _("Your response on “%(category)s” at %(site)s is recorded.")
                     % {"category": issue.category.display_name(), "site": issue.site.name})
    return redirect("web:force-issues")
