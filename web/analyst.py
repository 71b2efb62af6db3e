"""The ICVA analyst: the KPIs of the schemes they are granted, side by side, and the returns to download.
Scheme-level figures only: no report contents, no names."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.selectors import kpi_schemes, scheme_kpis
from visits.models import IssueCategory, Outcome, Scheme

from .access import desk_for
from .manager import downloads
from .periods import chosen_period, status_of

ROWS = [
    (gettext_lazy("Custody visits"), "visits", None), (gettext_lazy("Target"), "target", None), (gettext_lazy("% of target"), "target_pct", "pct"),
    (gettext_lazy("Visits attempted"), "visits_attempted", None),
    *((label, f"visits_by_outcome.{value}", None) for value, label in Outcome.choices),
    (gettext_lazy("TACT visits (Terrorism Act)"), "tact_visits", None),
    (gettext_lazy("Immediate access"), "access.immediate_pct", "pct"), (gettext_lazy("Detainees present"), "detainees.present", None),
    (gettext_lazy("Offered a visit"), "detainees.offered_pct", "pct"), (gettext_lazy("Seen, of offered"), "detainees.seen_pct_of_offered", "pct"),
    (gettext_lazy("Volunteer hours"), "volunteer_hours", None), (gettext_lazy("Visitors during the period"), "volunteers.active", None),
    (gettext_lazy("Joined"), "volunteers.joined", None), (gettext_lazy("Left"), "volunteers.left", None),
    (gettext_lazy("Animal welfare visits"), "animal_visits", None), (gettext_lazy("Animal welfare target"), "animal_target", None),
]


def _dig(figures: dict, path: str):
    for key in path.split("."):
        if key not in figures:
            return None  # an issue category another scheme has
        figures = figures[key]
    return figures


def _issue_rows(schemes: list) -> list:
    """Issues raised per category, one row for each category any of the schemes has, then those resolved
    during the visit."""
    names: dict[str, str] = {}
    for category in IssueCategory.objects.filter(scheme__in=schemes).order_by("scheme__name", "id"):
        names.setdefault(category.slug, category.display_name())
    return [*((_("Issues: %(category)s") % {"category": name}, f"issues_by_category.{slug}", None)
              for slug, name in names.items()),
            (gettext_lazy("Issues resolved during the visit"), "issues_resolved_during_visit_pct", "pct")]


@desk_for("desk_analyst")
def returns(request):
    schemes = list(kpi_schemes(request.user).order_by("name"))
    # The analyst spans schemes, so the year and today are those of UTC (a scheme set in UTC says which).
    start, today = Scheme(timezone="UTC").financial_year_to_date()
    chosen, form = chosen_period(request.GET, today=today, current_fy=start.year, custom=False)
    figures = [scheme_kpis(scheme=scheme, period=chosen.period) for scheme in schemes]
    return render(request, "web/returns.html", {
        "title": _("KPIs and returns"), "section": "returns", "crumbs": [(_("KPIs and returns"), None)],
        "chosen": chosen, "form": form, "schemes": schemes,
        "rows": [{"label": label, "path": path, "format": fmt, "values": list(zip(schemes, [_dig(f, path) for f in figures]))}
                 for label, path, fmt in [*ROWS, *_issue_rows(schemes)]],
        "years": [fy for fy, _label in form.fields["fy"].choices],
        "downloads": [(scheme, downloads(scheme_id=scheme.pk, fy=chosen.fy, quarter=chosen.quarter)) for scheme in schemes],
        "all_downloads": downloads(scheme_id=None, fy=chosen.fy, quarter=chosen.quarter),
    }, status=status_of(form))
