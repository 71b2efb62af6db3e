"""The manager's week of the rota: each planned visit of the week with its pair and state (what needs them
first), swap, reassign or cancel one, and the times nobody is available for this period."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rota import selectors as rota
from rota import services as rota_services
from scheduling import selectors as scheduling
from visits import eligibility

from .access import desk_for

manager_only = desk_for("desk_manager")


def _week(request) -> tuple[date, date]:
    try:
        asked = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        asked = request.user.scheme.local_today()
    return rota.week_of(asked)


def _by_band(cells: list[dict]) -> list[tuple[str, list[str]]]:
    """The cells nobody can go to, a line per band: its days, or none when the band is empty."""
    bands: dict[str, list[str]] = {}
    for cell in cells:
        bands.setdefault(cell["band"], []).append(cell["day"])
    return list(bands.items())


@manager_only
def week(request):
    scheme = request.user.scheme
    monday, sunday = _week(request)
    days = [monday + timedelta(days=n) for n in range(7)]
    visits = list(rota.assignments_for(request.user).filter(date__range=(monday, sunday)))
    sites = list(scheduling.sites_schedulable(request.user).filter(active=True).order_by("-kind", "name"))
    grid = [{"site": site, "days": [[v for v in visits if v.site_id == site.pk and v.date == d] for d in days]}
            for site in sites]
    visitors = list(eligibility.eligible_visitors(scheme, monday).order_by("first_name", "last_name", "pk"))
    without = rota.cells_without_pair(sites, day=monday)
    nobody = [(site, _by_band(without[site.pk])) for site in sites]
    return render(request, "web/rota.html", {
        "title": _("Rota"), "section": "rota", "crumbs": [(_("Rota"), None)],
        "monday": monday, "sunday": sunday, "days": days, "grid": grid,
        "visits": rota.unfilled_first(visits), "visitors": visitors,
        "nobody": [(site, cells) for site, cells in nobody if cells],
        "collected": rota.availability_collected(scheme, monday),
        "previous": (monday - timedelta(days=7)).isoformat(), "next": (monday + timedelta(days=7)).isoformat(),
    })


@require_POST
@manager_only
def act(request, pk: int, action: str):
    visit = get_object_or_404(rota.assignments_for(request.user), pk=pk)
    try:
        if action == "cancel":
            rota_services.assignment_cancel(assignment=visit)
            messages.success(request, _("The visit is cancelled."))
        elif action == "reassign":
            ids = [request.POST.get("visitor_1", ""), request.POST.get("visitor_2", "")]
            chosen = {str(v.pk): v for v in eligibility.eligible_visitors(visit.scheme, visit.date).filter(
                pk__in=[i for i in ids if i.isdigit()])}
            if any(i not in chosen for i in ids):
                raise ValidationError(_("Choose two visitors of the scheme."))
            rota_services.assignment_reassign(assignment=visit, visitors=[chosen[i] for i in ids])
            messages.success(request, _("The visit is given to its new pair, who are told."))
        else:
            raise Http404("No such action.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('web:rota')}?week={visit.date.isoformat()}#visit-{visit.pk}")
