"""The period a page is about, from its query string: a financial year (to date when it is
running), one of its quarters that has begun, or custom dates. Defaults: the year to date."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from visits.periods import Period, fy_label, fy_period, quarters_begun, to_date, window_problem


@dataclass(frozen=True)
class Chosen:
    period: Period
    label: str
    running: bool
    fy: int
    quarter: int | None
    custom: bool


class PeriodForm(forms.Form):
    fy = forms.TypedChoiceField(label=gettext_lazy("Financial year"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(label=pgettext_lazy("date", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("date", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, today: date, current_fy: int, years: int = 4, custom: bool = True):
        super().__init__(data)
        offered = range(current_fy, current_fy - years, -1)
        self.fields["fy"].choices = [(fy, fy_label(fy)) for fy in offered]
        # The quarters offered are those of the year asked for, if it is one offered (else the form refuses it).
        chosen_fy = self._fy(data, current_fy)
        chosen_fy = chosen_fy if chosen_fy in offered else current_fy
        self.fields["quarter"].choices = [("", _("Whole year"))] + [
            (q, (_("Q%(quarter)s (partial)") if running else _("Q%(quarter)s")) % {"quarter": q})
            for q, _begun, running in quarters_begun(chosen_fy, today=today)
        ]
        if not custom:
            del self.fields["date_from"], self.fields["date_to"]

    @staticmethod
    def _fy(data, default):
        try:
            return int(data.get("fy") or default)
        except (TypeError, ValueError):
            return default


def chosen_period(query, *, today: date, current_fy: int, custom: bool = True) -> tuple[Chosen, PeriodForm]:
    """404 for a quarter or year not begun, a bad date or a window that ends before it starts."""
    form = PeriodForm(query, today=today, current_fy=current_fy, custom=custom)
    if not form.is_valid():
        raise Http404("No such period.")
    data = form.cleaned_data
    if custom and (data.get("date_from") or data.get("date_to")):
        start = data.get("date_from") or fy_period(current_fy).date_from
        end = data.get("date_to") or today
        if problem := window_problem(start, end):
            raise Http404(problem)
        dates = {"start": date_format(start, "DATE_FORMAT"), "end": date_format(end, "DATE_FORMAT")}
        label = (_("%(start)s to %(end)s (to date)") if end >= today else _("%(start)s to %(end)s")) % dates
        return Chosen(Period(start, end), label, end >= today, current_fy, None, True), form
    fy = data.get("fy") or current_fy
    quarter = data.get("quarter")
    clipped = to_date(fy_period(fy, quarter), today=today)
    if clipped is None:
        raise Http404("That period has not begun.")
    period, running = clipped
    names = {"quarter": quarter, "fy": fy_label(fy)}
    if quarter:
        label = (_("Q%(quarter)s %(fy)s to date") if running else _("Q%(quarter)s %(fy)s")) % names
    else:
        label = (_("Financial year %(fy)s to date") if running else _("Financial year %(fy)s")) % names
    return Chosen(period, label, running, fy, quarter, False), form


def scheme_period(query, scheme, *, custom: bool = True) -> tuple[Chosen, PeriodForm]:
    start, today = scheme.financial_year_to_date()
    return chosen_period(query, today=today, current_fy=start.year, custom=custom)
