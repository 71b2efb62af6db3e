"""The volunteer manager's desk: coverage, recommendations, reports, issues, KPIs, volunteers.

Each view reads through the same selectors and writes through the same services as the API."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reporting.selectors import scheme_kpis
from rota.selectors import figures as rota_figures
from scheduling import selectors as scheduling
from scheduling import services as scheduling_services
from visits import selectors, services
from visits.kinds import KINDS, kind_for_site, kind_of
from visits.models import (
    AWAITING_FORCE,
    CHECK_FIELDS,
    WELFARE_NEEDS,
    AccessBand,
    IssueStatus,
    Outcome,
    Stage,
    WelfareState,
)
from visits.periods import fy_label, fy_period

from .access import desk_for
from .forms import (
    LABELS,
    ConcernHandledForm,
    CorrectionForm,
    IssueCloseForm,
    IssueFilterForm,
    IssueReopenForm,
    ReportSearchForm,
    TelephoneResponseForm,
)
from .heatmap import heatmap_rows, shared_scale
from .periods import scheme_period, status_of

manager_only = desk_for("desk_manager")
GRIDS = {kind.name: kind.site_kind for kind in KINDS}
KINDS = {"custody": selectors.custody_visits_visible, "animal": selectors.animal_visits_visible}


def _grid(request) -> str:
    grid = request.GET.get("grid", "custody")
    if grid not in GRIDS:
        raise Http404("No such grid.")
    return grid


@manager_only
def coverage(request):
    """Every site of one grid over the period, side by side on one colour scale."""
    scheme = request.user.scheme
    chosen, form = scheme_period(request.GET, scheme)
    grid = _grid(request)
    sites = list(scheduling.sites_schedulable(request.user).filter(kind=GRIDS[grid]).order_by("-active", "name"))
    coverages = list(scheduling.coverage_for_sites(sites=sites, date_from=chosen.period.date_from,
                                                   date_to=chosen.period.date_to).values())
    scale = shared_scale(coverages)
    query = request.GET.copy()
    query.pop("grid", None)
    return render(request, "web/coverage.html", {
        "title": _("Coverage"), "section": "coverage", "crumbs": [(_("Coverage"), None)],
        "chosen": chosen, "form": form, "grid": grid, "scale": scale, "query": query.urlencode(),
        "other_grid": "animal" if grid == "custody" else "custody",
        "items": [{"site": c.site, "coverage": c, "rows": heatmap_rows(c, scale)} for c in coverages],
        # The manager's start page: concerns of ill-treatment come first, until handled.
        "concerns": list(selectors.concerns_open(request.user).prefetch_related(None).select_related("site")[:100]),
    }, status=status_of(form))


@manager_only
def site_coverage(request, site_id: int):
    """One site's heatmap, its unvisited cells, and its latest recommendation with a refresh button."""
    site = get_object_or_404(scheduling.sites_schedulable(request.user), pk=site_id)
    return _site_page(request, site)


def _site_page(request, site, *, queue_down: bool = False):
    chosen, form = scheme_period(request.GET, site.scheme)
    cov = scheduling.coverage_for_site(site=site, date_from=chosen.period.date_from, date_to=chosen.period.date_to)
    scale = shared_scale([cov])
    recommendation = scheduling.recommendation_latest(site=site)
    # `waiting` is the id of the recommendation shown when the refresh was asked for (0: none yet).
    try:
        waiting = int(request.GET["waiting"])
    except (KeyError, ValueError):
        waiting = None
    latest = recommendation.pk if recommendation else 0
    return render(request, "web/site.html", {
        "title": site.name, "section": "coverage",
        "crumbs": [(_("Coverage"), reverse("web:coverage") + f"?grid={kind_for_site(site.kind).name}"),
                   (site.name, None)],
        "site": site, "chosen": chosen, "form": form, "coverage": cov, "scale": scale,
        "rows": heatmap_rows(cov, scale), "recommendation": recommendation, "queue_down": queue_down,
        "waiting": waiting is not None and waiting == latest, "refreshed": waiting is not None and waiting != latest,
        "waiting_after": latest,
        "status_url": reverse("web:recommendation-status", args=[site.pk]),
    }, status=503 if queue_down else status_of(form))


@manager_only
@require_POST
def recommendation_refresh(request, site_id: int):
    """Queue the recommender over the page's window; the page then follows it until the new one is there."""
    site = get_object_or_404(scheduling.sites_schedulable(request.user), pk=site_id)
    chosen, form = scheme_period(request.POST, site.scheme)
    query = {key: value for key, value in request.POST.items() if key in ("fy", "quarter", "date_from", "date_to")}
    if form.errors:  # nothing asked: back to the page, whose form says what is wrong with the period
        return redirect(f"{reverse('web:site-coverage', args=[site.pk])}?{urlencode(query)}")
    shown = scheduling.recommendation_latest(site=site)
    try:
        scheduling_services.recommendation_request(site=site, date_from=chosen.period.date_from,
                                                   date_to=chosen.period.date_to, requested_by=request.user)
    except scheduling_services.QueueUnavailable:
        return _site_page(request, site, queue_down=True)
    return redirect(f"{reverse('web:site-coverage', args=[site.pk])}?{urlencode({**query, 'waiting': shown.pk if shown else 0})}#recommendation")


@manager_only
def recommendation_status(request, site_id: int):
    """What the refresh page polls: the latest recommendation's id and when it was made."""
    site = get_object_or_404(scheduling.sites_schedulable(request.user), pk=site_id)
    latest = scheduling.recommendation_latest(site=site)
    return JsonResponse({"id": latest.pk if latest else None,
                         "generated_at": latest.generated_at.isoformat() if latest else None})


@manager_only
def recommendations(request):
    """The coming plan of every active site, with when and over what window it was ranked."""
    sites = scheduling.sites_schedulable(request.user).filter(active=True).order_by("-kind", "name")
    return render(request, "web/recommendations.html", {
        "title": _("Recommendations"), "section": "recommendations", "crumbs": [(_("Recommendations"), None)],
        "items": [{"site": site, "recommendation": scheduling.recommendation_latest(site=site)} for site in sites],
    })


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404("No such kind of report.")
    return KINDS[kind]


@manager_only
def reports(request):
    kind = request.GET.get("kind", "custody")
    visible = _kind(kind)(request.user)
    form = ReportSearchForm(request.GET, user=request.user, kind=kind)
    found = visible.none()
    if form.is_valid():
        found = selectors.reports_search(visible, **form.search()).prefetch_related(None).prefetch_related(
            "visitors").select_related("site")
    page = Paginator(found.order_by("-arrived_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/reports.html", {
        "title": _("Reports"), "section": "reports", "crumbs": [(_("Reports"), None)], "form": form, "kind": kind,
        "page": page, "query": query.urlencode(), "bands": dict(AccessBand.choices),
    })


def report_title(report) -> str:
    names = {"site": report.site.name, "date": date_format(report.local_date, "DATE_FORMAT")}
    if kind_of(report).name == "animal":
        return _("Animal welfare visit to %(site)s, %(date)s") % names
    return _("Custody visit to %(site)s, %(date)s") % names


def _report(request, kind, pk):
    return get_object_or_404(_kind(kind)(request.user), pk=pk)


ANIMAL_CHECKS = ("records_checked", "kennels_observed", "vehicles_observed", "training_observed")


def _checks(report, kind: str) -> list[tuple[str, str, bool | None]]:
    """The report's yes/no checks, each with its label: the suite's, or what was seen at an animal unit."""
    return [(name, LABELS[name], getattr(report, name)) for name in (CHECK_FIELDS if kind == "custody" else ANIMAL_CHECKS)]


def _welfare(report) -> list[tuple[str, str, str]]:
    """The five welfare needs, each as met, a concern or not checked, in the page's language."""
    states = dict(WelfareState.choices)
    return [(need, LABELS[f"welfare_{need}"], states[report.welfare_needs[need]]) for need in WELFARE_NEEDS]


@manager_only
def report_detail(request, kind: str, pk: int):
    report = _report(request, kind, pk)
    return render(request, "web/report.html", {
        "title": report_title(report), "section": "reports", "kind": kind, "report": report,
        "checks": _checks(report, kind), "welfare": _welfare(report) if kind == "animal" else [],
        "concern_form": ConcernHandledForm(),
        "crumbs": [(_("Reports"), reverse("web:reports") + ("?kind=animal" if kind == "animal" else "")),
                   (report_title(report), None)],
    })


@manager_only
def report_correct(request, kind: str, pk: int):
    """The manager's correction: the changed fields and a reason, recorded with who and when."""
    report = _report(request, kind, pk)
    form = CorrectionForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(report=report, editor=request.user, changes=form.changes(),
                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.ReportLocked as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The correction is saved and added to the report's history."))
            return redirect("web:report", kind=kind, pk=report.pk)
    return render(request, "web/correct.html", {
        "title": _("Correct: %(report)s") % {"report": report_title(report)}, "section": "reports", "kind": kind, "report": report, "form": form,
        "crumbs": [(_("Reports"), reverse("web:reports")), (report_title(report), reverse("web:report", args=[kind, report.pk])),
                   (_("Correct"), None)],
    })


@manager_only
@require_POST
def concern_handled(request, pk: int):
    """A manager records how a concern of ill-treatment raised on a report was dealt with."""
    report = _report(request, "custody", pk)
    form = ConcernHandledForm(request.POST)
    if form.is_valid():
        try:
            services.concern_mark_handled(visit=report, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The concern is marked handled."))
    else:
        messages.error(request, _("Say how the concern was dealt with."))
    return redirect("web:report", kind="custody", pk=report.pk)


@manager_only
def issues(request):
    """The follow-up queue: issues that went to the force, oldest visit first."""
    form = IssueFilterForm(request.GET, user=request.user)
    found = selectors.issues_for_force(request.user)
    if form.is_valid():
        status, site = form.cleaned_data.get("status") or "awaiting", form.cleaned_data.get("site")
        if status == "awaiting":
            found = found.filter(selectors.awaiting_force_q())
        elif status != "all":
            found = found.filter(status=status)
        if site is not None:
            found = found.filter(site=site)
    else:
        found = found.none()
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    today = request.user.scheme.local_today()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/issues.html", {
        "title": _("Issues"), "section": "issues", "crumbs": [(_("Issues"), None)], "form": form, "page": page,
        "rows": [{"issue": issue, "age": (today - issue.visit_date).days, "overdue": issue.is_overdue(today),
                  "awaiting": issue.status in AWAITING_FORCE,
                  "reopened": bool(issue.reopened_at) and issue.status in AWAITING_FORCE,
                  "can_close": issue.status != IssueStatus.CLOSED,
                  "can_reopen": issue.status in (IssueStatus.RESPONDED, IssueStatus.CLOSED),
                  "close": IssueCloseForm(prefix=f"c{issue.pk}"), "reopen": IssueReopenForm(prefix=f"r{issue.pk}"),
                  "telephone": TelephoneResponseForm(prefix=f"t{issue.pk}")} for issue in page],
        "statuses": dict(IssueStatus.choices), "query": query.urlencode(),
        "waiting": selectors.issues_awaiting(selectors.issues_for_force(request.user), today),
    })


# What the manager does with an issue: each a POST through the issue services, then back to the queue.
ISSUE_ACTIONS = {
    "close": (IssueCloseForm, "c", lambda issue, by, data: services.issue_close(issue=issue, by=by, note=data["note"]),
              gettext_lazy("The issue “%(description)s” is closed.")),
    "reopen": (IssueReopenForm, "r", lambda issue, by, data: services.issue_reopen(issue=issue, by=by, note=data["note"]),
               gettext_lazy("The issue “%(description)s” is reopened and goes back to the force with your note.")),
    "telephone": (TelephoneResponseForm, "t",
                  lambda issue, by, data: services.issue_respond(issue=issue, by=by, response=data["force_response"],
                                                                 by_telephone=True),
                  gettext_lazy("The force's response by telephone on “%(description)s” is recorded.")),
}


@manager_only
@require_POST
def issue_action(request, pk: int, action: str):
    if action not in ISSUE_ACTIONS:
        raise Http404("No such action.")
    form_class, prefix, act, done = ISSUE_ACTIONS[action]
    issue = get_object_or_404(selectors.issues_for_force(request.user), pk=pk)
    form = form_class(request.POST, prefix=f"{prefix}{issue.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            act(issue, request.user, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done % {"description": issue.description[:60]})
    back = QueryDict(request.POST.get("query", ""))
    return redirect(f"{reverse('web:issues')}?{back.urlencode()}#issue-{issue.pk}")


def downloads(*, scheme_id: int | None, fy: int, quarter: int | None) -> list[tuple[str, str]]:
    """The API's quarterly-return export, as links the browser downloads with the session."""
    base = reverse("kpi-export")
    params = {"fy": fy, **({"scheme": scheme_id} if scheme_id else {}), **({"quarter": quarter} if quarter else {})}
    return [(label, f"{base}?{urlencode({**params, 'format': fmt})}")
            for label, fmt in (("CSV", "csv"), (_("Excel (XLSX)"), "xlsx"), ("JSON", "json"))]


@manager_only
def kpis(request):
    scheme = request.user.scheme
    chosen, form = scheme_period(request.GET, scheme, custom=False)
    figures = scheme_kpis(scheme=scheme, period=chosen.period)
    current_fy = form.fields["fy"].choices[0][0]
    names = {c.slug: c.display_name() for c in selectors.categories_visible(request.user)}
    return render(request, "web/kpis.html", {
        "title": _("KPIs and returns"), "section": "kpis", "crumbs": [(_("KPIs and returns"), None)],
        "chosen": chosen, "form": form, "kpis": figures, "scheme": scheme,
        "downloads": downloads(scheme_id=scheme.pk, fy=chosen.fy, quarter=chosen.quarter),
        "years": [(fy, fy_label(fy), fy == current_fy) for fy, _ in form.fields["fy"].choices],
        "full_period": fy_period(chosen.fy, chosen.quarter),
        "outcomes": [(value, label, figures["visits_by_outcome"][value]) for value, label in Outcome.choices],
        "categories": [(slug, names.get(slug, slug), n) for slug, n in figures["issues_by_category"].items()],
        "rota": rota_figures(scheme, chosen.fy, today=scheme.local_today()),
    }, status=status_of(form))


def _state_links(query: QueryDict, rows: list[dict], chosen: str) -> list[dict]:
    """The register's filter by stage: every stage with its count in the period, the period kept."""
    links = []
    for value, label in [("", _("All")), *Stage.choices]:
        kept = query.copy()
        kept.pop("state", None)
        if value:
            kept["state"] = value
        count = sum(row["person"].stage == value for row in rows) if value else len(rows)
        links.append({"label": label, "count": count, "url": f"?{kept.urlencode()}",
                      "current": value == chosen or (not value and chosen not in Stage.values)})
    return links


@manager_only
def volunteers(request):
    scheme = request.user.scheme
    chosen, form = scheme_period(request.GET, scheme, custom=False)
    form.fields.pop("quarter")
    rows = selectors.volunteers_overview(scheme=scheme, date_from=chosen.period.date_from,
                                         date_to=chosen.period.date_to)
    state = request.GET.get("state", "")
    return render(request, "web/volunteers.html", {
        "title": _("Volunteers"), "section": "volunteers", "crumbs": [(_("Volunteers"), None)],
        "chosen": chosen, "form": form, "scheme": scheme,
        "rows": [row for row in rows if row["person"].stage == state or state not in Stage.values],
        "states": _state_links(request.GET, rows, state),
        "due": selectors.register_due(scheme=scheme, today=scheme.local_today()),
        "counts": {
            "active": sum(r["active"] for r in rows), "probation": sum(bool(r["probation_until"]) for r in rows),
            "certificates": sum(bool(r["certificate_due"]) for r in rows),
            "joined": sum(r["joined"] for r in rows), "left": sum(r["left"] for r in rows),
            "hours": round(sum(r["hours"] for r in rows), 1),
        },
    }, status=status_of(form))
