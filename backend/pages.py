"""The signed-in home page: each role's first question, answered on one screen."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

from reporting.selectors import kpi_schemes
from scheduling import selectors as scheduling
from scheduling.heatmap import render_heatmap_svg
from visits.models import AWAITING_FORCE, Role
from visits.selectors import concerns_open, issues_visible


def financial_years(scheme) -> list[int]:
    """The scheme's current financial year and the three before it, newest first."""
    current = scheme.financial_year_to_date()[0].year
    return [current - n for n in range(4)]


@login_required
def home(request):
    """Managers and visitors: where have we not been, and what is planned this week?
    Custody staff: the issues awaiting the force's response. Managers and analysts: annual reports."""
    user = request.user
    context = {"role": user.get_role_display() if user.role else "Superuser", "sites": [], "open_issues": []}
    if user.is_superuser or user.role in (Role.MANAGER, Role.VISITOR):
        for site in scheduling.sites_schedulable(user).filter(active=True).order_by("scheme__name", "-kind", "name"):  # suites, then the animal unit
            date_from, date_to = site.scheme.financial_year_to_date()
            coverage = scheduling.coverage_for_site(site=site, date_from=date_from, date_to=date_to)
            title = f"{site.name}: visits {date_from:%-d %B %Y} to {date_to:%-d %B %Y}"
            context["sites"].append({
                "site": site,
                "heatmap": mark_safe(render_heatmap_svg(coverage, title=title)),  # escapes its own text
                "recommendation": scheduling.recommendation_latest(site=site),
            })
    if user.is_superuser or user.role in (Role.MANAGER, Role.CUSTODY):
        context["open_issues"] = issues_visible(user).filter(status__in=AWAITING_FORCE).order_by("due_on", "id")[:100]
    context["concerns"] = concerns_open(user)[:100]
    context["reports"] = [
        {"scheme": scheme, "years": financial_years(scheme)}
        for scheme in kpi_schemes(user).order_by("name")
    ]
    return render(request, "home.html", context)
