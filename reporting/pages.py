"""The printable annual report: an HTML page for a scheme and financial year, for the browser to print."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from rota.selectors import figures as rota_figures
from scheduling.heatmap import render_heatmap_svg
from visits import access
from visits.periods import fy_label, fy_period

from . import selectors, words
from .charts import bar_chart_svg


def profile_rows(profile: dict) -> list[tuple[str, list[tuple[str, int]]]]:
    """The seen profile as the page lists it: each group and value in words ("Adult", "Female")."""
    return [(words.profile_group(dimension), [(words.profile_value(dimension, value), n) for value, n in values.items()])
            for dimension, values in profile.items()]


@login_required
def annual_report(request, scheme_id: int, fy: int):
    """Managers of the scheme, analysts granted it and superusers; anyone else gets 404."""
    if not 2000 <= fy <= 2100:
        raise Http404(_("No such financial year."))
    scheme = selectors.kpi_schemes(request.user).filter(pk=scheme_id).first()
    if scheme is None:
        raise Http404(_("No such scheme among those you may read."))
    # A year still running is reported to date, with the targets of its days so far (the API's
    # figures for the same dates); a year not begun has no report.
    clipped = selectors.reported_period(scheme=scheme, period=fy_period(fy))
    if clipped is None:
        raise Http404(_("That financial year has not begun."))
    period, running = clipped
    report = selectors.annual_report(scheme=scheme, period=period)
    for rows in (report["suites"], report["animal_units"]):
        # The suites share one colour scale, as on the desk's coverage page, and so do the animal units.
        top = max((n for row in rows for counts in row["coverage"].counts for n in counts), default=0)
        for row in rows:
            # Our own SVG: every label in it is escaped by render_heatmap_svg.
            title = _("%(site)s: visits per timeslot") % {"site": row["name"]}
            row["heatmap"] = mark_safe(render_heatmap_svg(row["coverage"], title=title, top=top))
            row["seen_profile_labelled"] = profile_rows(row.get("seen_profile", {}))
    chart = bar_chart_svg(
        title=_("Issues raised per category, FY %(fy)s") % {"fy": fy_label(fy)},
        bars=[(row["name"], row["raised"]) for row in report["issues"]],
    )
    return render(request, "reporting/annual_report.html", {
        "scheme": scheme, "fy": fy, "fy_label": fy_label(fy), "issues_chart": chart, "running": running,
        "previous_fy": fy - 1 if (first := selectors.first_report_fy(scheme)) is not None and fy - 1 >= first else None,
        # The rota is the managers' (secret from an analyst, who reads the rest of the report).
        "rota": rota_figures(scheme, fy, today=scheme.local_today()) if access.allows(request.user, "rota") else [],
        **report,
    })
