"""The manager's page of the scheme's public statistics: publish a completed period (or correct it,
saying what changed), and announce the next release dates. Writes go through publication.services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from publication import selectors, services
from publication.models import YEAR, AnnouncedRelease, period_label, release_period
from reporting.selectors import first_report_fy
from visits.periods import fy_of

from .access import desk_for

manager_only = desk_for("desk_manager")


def completed_periods(scheme) -> list[tuple[str, str]]:
    """The completed quarters and financial years since the scheme's first report, newest first."""
    today = scheme.local_today()
    first = first_report_fy(scheme)
    choices = []
    for fy in range(fy_of(today), (fy_of(today) if first is None else first) - 1, -1):
        for quarter in (YEAR, 4, 3, 2, 1):
            if release_period(fy, quarter).date_to < today:
                choices.append((f"{fy}-{quarter}", period_label(fy, quarter)))
    return choices


class PublishForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    note = forms.CharField(label=gettext_lazy("What changed (for a correction)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class AnnounceForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    due_on = forms.DateField(label=gettext_lazy("Release date"), widget=forms.DateInput(attrs={"type": "date"}))


def _forms(scheme, data=None, which=None):
    publish = PublishForm(data if which == "publish" else None, prefix="publish")
    publish.fields["period"].choices = completed_periods(scheme)
    today = scheme.local_today()
    announce = AnnounceForm(data if which == "announce" else None, prefix="announce")
    announce.fields["period"].choices = [
        (f"{fy}-{q}", period_label(fy, q)) for fy in (fy_of(today) - 1, fy_of(today), fy_of(today) + 1)
        for q in (1, 2, 3, 4, YEAR)]
    return publish, announce


@manager_only
def publication(request):
    scheme = request.user.scheme
    publish, announce = _forms(scheme)
    return _page(request, scheme, publish, announce)


def _page(request, scheme, publish, announce, status=200):
    settings = services.settings_for(scheme)
    releases = list(selectors.releases_visible(request.user).defer("raw", "figures"))
    return render(request, "web/publication.html", {
        "title": _("Public statistics"), "section": "publication", "crumbs": [(_("Public statistics"), None)],
        "settings": settings, "releases": releases, "publish": publish, "announce": announce,
        "announced": scheme.announced_releases.all(),
    }, status=status)


@manager_only
@require_POST
def publish(request):
    scheme = request.user.scheme
    form, announce = _forms(scheme, request.POST, "publish")
    if form.is_valid():
        fy, quarter = (int(part) for part in form.cleaned_data["period"].split("-"))
        try:
            release = services.release_publish(scheme=scheme, fy=fy, quarter=quarter, user=request.user,
                                               note=form.cleaned_data["note"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("%(period)s published (version %(version)s).") % {
                "period": release.period_label, "version": release.version})
            return redirect("web:publication")
    return _page(request, scheme, form, announce, status=400)


@manager_only
@require_POST
def announce(request):
    scheme = request.user.scheme
    publish, form = _forms(scheme, request.POST, "announce")
    if form.is_valid():
        fy, quarter = (int(part) for part in form.cleaned_data["period"].split("-"))
        services.announced_release_add(scheme=scheme, due_on=form.cleaned_data["due_on"], fy=fy, quarter=quarter)
        messages.success(request, _("Release date announced."))
        return redirect("web:publication")
    return _page(request, scheme, publish, form, status=400)


@manager_only
@require_POST
def unannounce(request, pk: int):
    announced = get_object_or_404(AnnouncedRelease, pk=pk, scheme=request.user.scheme)
    services.announced_release_remove(announced=announced)
    messages.success(request, _("Release date withdrawn."))
    return redirect("web:publication")
