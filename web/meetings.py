"""The manager's pages of the volunteer register's features: team meetings and their attendance,
and the cohort beside the area's population. Reads and writes go through volunteers' selectors
and services, as the API's do."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError as ApiValidationError

from reporting.charts import paired_bar_chart_svg
from volunteers import selectors, services
from volunteers.models import Meeting, MeetingFormat

from .access import desk_for

manager_only = desk_for("desk_manager")


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200,
                            initial=gettext_lazy("Quarterly team meeting"))
    duration_hours = forms.DecimalField(label=gettext_lazy("Length in hours"), min_value=Decimal(0),
                                        max_value=Decimal(24), decimal_places=2, initial=Decimal(2))
    format = forms.ChoiceField(label=gettext_lazy("How it is held"), choices=MeetingFormat.choices,
                               initial=MeetingFormat.HYBRID)


@manager_only
def meetings(request):
    """The scheme's team meetings, each with how many attended, and a form to add one."""
    scheme = request.user.scheme
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_save(meeting=Meeting(scheme=scheme), fields=form.cleaned_data)
        messages.success(request, _("Meeting added: now tick who attended."))
        return redirect("web:meeting", pk=meeting.pk)
    rows = list(selectors.meetings_visible(request.user).order_by("-held_on", "-id").prefetch_related("attendance"))
    return render(request, "web/meetings.html", {
        "title": _("Team meetings"), "section": "meetings", "crumbs": [(_("Team meetings"), None)],
        "meetings": rows, "form": form, "scheme": scheme,
    }, status=400 if form.errors else 200)


@manager_only
def meeting(request, pk: int):
    """Tick who attended a meeting; the volunteers are those of the scheme on its day."""
    found = get_object_or_404(selectors.meetings_visible(request.user), pk=pk)
    if request.method == "POST":
        try:
            attended = [int(value) for value in request.POST.getlist("attended")]
            services.attendance_set(meeting=found, attended=attended)
        except (ValueError, ApiValidationError):
            messages.error(request, _("Tick only the scheme's volunteers."))
        else:
            messages.success(request, _("Attendance saved: %(count)s attended.") % {"count": len(set(attended))})
            return redirect("web:meeting", pk=found.pk)
    rows = selectors.attendance_for(meeting=found, user=request.user)
    return render(request, "web/meeting.html", {
        "title": found.title, "section": "meetings", "meeting": found, "rows": rows,
        "attended": sum(row["attended"] for row in rows),
        "crumbs": [(_("Team meetings"), "/meetings/"), (found.title, None)],
    })


@manager_only
def cohort(request):
    """The volunteers by gender, age, ethnic group and home area beside the area's population: a
    chart per dimension, and the numbers as a table (exact, as the page is the managers')."""
    scheme = request.user.scheme
    answer = selectors.cohort(scheme=scheme, on=scheme.local_today(), exact=True)
    sections = []
    for dimension in answer["dimensions"]:
        groups = dimension["groups"]
        chart = paired_bar_chart_svg(
            title=_("%(dimension)s: volunteers beside the area's population, in %%") % {"dimension": dimension["label"]},
            labels=[row["label"] for row in groups],
            series=[(_("Volunteers"), [row["share_pct"] for row in groups]),
                    (_("Population"), [row["population_pct"] for row in groups])])
        sections.append({**dimension, "chart": chart})
    return render(request, "web/cohort.html", {
        "title": _("The volunteers beside the population"), "section": "cohort",
        "crumbs": [(_("Volunteers"), "/volunteers/"), (_("Cohort"), None)],
        "answer": answer, "sections": sections, "scheme": scheme,
    })
