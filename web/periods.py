"""The period a page is about, from its query string: a financial year (to date when it is
running), one of its quarters that has begun, or custom dates. Defaults: the year to date."""

from dataclasses import dataclass
from datetime import date

from django import forms
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
    """Offers only periods that exist: the last few financial years, and the quarters of the year
    asked for that have begun. A choice outside them (a quarter not begun in the year now chosen, a
    year not offered) is refused on the form, in words, never with a 404."""

    fy = forms.TypedChoiceField(label=gettext_lazy("Financial year"), coerce=int, required=False, error_messages={
        "invalid_choice": gettext_lazy("Choose one of the financial years offered.")})
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int, required=False, empty_value=None,
                                     error_messages={"invalid_choice": gettext_lazy(
                                         "That quarter has not begun in the financial year chosen: choose one "
                                         "offered, or the whole year.")})
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
    """The period asked for, with its form. A choice the form refuses (a quarter or year not begun, a
    bad date, a window that ends before it starts) leaves its errors on the form and gives the
    financial year to date: the page shows both, and answers 400 (`status_of`)."""
    form = PeriodForm(query, today=today, current_fy=current_fy, custom=custom)
    if not form.is_valid():
        return _year(current_fy, today=today), form
    data = form.cleaned_data
    if custom and (data.get("date_from") or data.get("date_to")):
        start = data.get("date_from") or fy_period(current_fy).date_from
        end = data.get("date_to") or today
        if window_problem(start, end):
            form.add_error("date_to", _("The last day cannot be before the first."))
            return _year(current_fy, today=today), form
        dates = {"start": date_format(start, "DATE_FORMAT"), "end": date_format(end, "DATE_FORMAT")}
        label = (_("%(start)s to %(end)s (to date)") if end >= today else _("%(start)s to %(end)s")) % dates
        return Chosen(Period(start, end), label, end >= today, current_fy, None, True), form
    fy = data.get("fy") or current_fy
    quarter = data.get("quarter")
    clipped = to_date(fy_period(fy, quarter), today=today)
    if clipped is None:  # the form offers none such; kept for a caller whose today differs
        form.add_error("quarter" if quarter else "fy", _("That period has not begun."))
        return _year(current_fy, today=today), form
    period, running = clipped
    names = {"quarter": quarter, "fy": fy_label(fy)}
    if quarter:
        label = (_("Q%(quarter)s %(fy)s to date") if running else _("Q%(quarter)s %(fy)s")) % names
    else:
        label = (_("Financial year %(fy)s to date") if running else _("Financial year %(fy)s")) % names
    return Chosen(period, label, running, fy, quarter, False), form


def _year(fy: int, *, today: date) -> Chosen:
    """The financial year `fy` (one that has begun), to date if it is running."""
    period, running = to_date(fy_period(fy), today=today) or (fy_period(fy), False)
    label = (_("Financial year %(fy)s to date") if running else _("Financial year %(fy)s")) % {"fy": fy_label(fy)}
    return Chosen(period, label, running, fy, None, False)


def status_of(form: PeriodForm) -> int:
    """A page whose period form refused the choice answers 400, with the form and its message."""
    return 400 if form.errors else 200


def scheme_period(query, scheme, *, custom: bool = True) -> tuple[Chosen, PeriodForm]:
    start, today = scheme.financial_year_to_date()
    return chosen_period(query, today=today, current_fy=start.year, custom=custom)
