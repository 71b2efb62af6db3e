"""The desk's forms. They only shape input: the rules stay in the services they hand it to."""

from datetime import datetime

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from visits import selectors
from visits.kinds import kind_named, kind_of
from visits.models import (
    ANIMAL_OUTCOMES,
    WELFARE_NEEDS,
    AccessBand,
    AuthorisingRank,
    IssueStatus,
    Outcome,
    ReportStatus,
    Role,
    WelfareState,
)

DATE = forms.DateInput(attrs={"type": "date"})
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ANY = pgettext_lazy("filter", "Any")
YES_NO = [("", ANY), ("yes", _("With issues")), ("no", _("Without issues"))]


class ReportSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reports"), required=False,
                             choices=[("custody", _("Custody visits")), ("animal", _("Animal welfare visits"))])
    text = forms.CharField(label=_("Search comments and issues"), required=False, max_length=200)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("All sites"))
    date_from = forms.DateField(label=pgettext_lazy("date", "From"), required=False, widget=DATE)
    date_to = forms.DateField(label=pgettext_lazy("date", "To"), required=False, widget=DATE)
    visitor = forms.ModelChoiceField(label=_("Visitor"), queryset=None, required=False, empty_label=_("Anyone"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ANY), *ReportStatus.choices])
    has_issues = forms.ChoiceField(label=_("Issues"), required=False, choices=YES_NO)
    access_band = forms.ChoiceField(label=_("Access"), required=False, choices=[("", ANY), *AccessBand.choices])

    def __init__(self, data, *, user, kind):
        super().__init__(data)
        self.fields["site"].queryset = selectors.sites_visible(user).filter(kind=kind_named(kind).site_kind).order_by("name")
        self.fields["visitor"].queryset = selectors.users_visible(user).filter(role=Role.VISITOR).prefetch_related(None)
        self.fields["visitor"].label_from_instance = lambda person: person.get_full_name() or person.username
        if kind == "animal":
            del self.fields["access_band"]

    def search(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data.get("text") or None, "site": data.get("site"), "date_from": data.get("date_from"),
            "date_to": data.get("date_to"), "visitor": data.get("visitor"), "status": data.get("status") or None,
            "has_issues": {"yes": True, "no": False}.get(data.get("has_issues")),
            "access_band": data.get("access_band") or None,
        }


# Every field a manager may correct, version 1.1's included (docs: the API contract's 1.1 additions); the
# concern and the welfare needs are the report's `concern` and `welfare_needs` objects, one field per part.
CUSTODY_FIELDS = ("arrived_at", "admitted_at", "left_at", "outcome", "outcome_reason", "tact", "delay_reason",
                  "delay_authorised_by_rank", "detainees_present", "detainees_offered",
                  "detainees_seen", "detainees_refused", "detainees_not_offered", "detainees_unavailable",
                  "detainees_observed", "juveniles_present", "vulnerable_present", "custody_records_examined",
                  "concern_raised", "concern_details", "travel_minutes", "comments")
ANIMAL_FIELDS = ("arrived_at", "left_at", "outcome", "outcome_reason", "animals_seen",
                 *(f"welfare_{need}" for need in WELFARE_NEEDS), "travel_minutes", "comments")
# The report's parts written as one object: {"concern": {"raised", "details"}, "welfare_needs": {need: state}}.
PARTS = {"concern_raised": ("concern", "raised"), "concern_details": ("concern", "details"),
         **{f"welfare_{need}": ("welfare_needs", need) for need in WELFARE_NEEDS}}
CHOICES = {"delay_authorised_by_rank": AuthorisingRank.choices, **{f"welfare_{need}": WelfareState.choices for need in WELFARE_NEEDS}}
GROUPS = {"outcome": "outcome", "outcome_reason": "outcome", "tact": "outcome", "juveniles_present": "subgroups",
          "vulnerable_present": "subgroups", "custody_records_examined": "subgroups", "concern_raised": "concern",
          "concern_details": "concern", **{f"welfare_{need}": "welfare" for need in WELFARE_NEEDS}}
CORRECTED_FIELDS = {"custody": CUSTODY_FIELDS, "animal": ANIMAL_FIELDS}
LABELS = {"arrived_at": _("Arrival"), "admitted_at": _("Admission to the suite"), "left_at": _("Departure"),
          "detainees_present": _("Detainees present"), "detainees_offered": _("Offered a visit"),
          "detainees_seen": pgettext_lazy("detainees", "Seen"), "detainees_refused": pgettext_lazy("detainees", "Refused"),
          "detainees_not_offered": _("Not offered (sergeant's advice)"), "detainees_unavailable": pgettext_lazy("detainees", "Unavailable"),
          "detainees_observed": _("Observed only"), "travel_minutes": _("Travel (minutes, all visitors)"),
          "delay_reason": _("Reason for the access delay"), "comments": _("Comments"), "animals_seen": _("Animals seen"),
          "outcome": _("Outcome"), "outcome_reason": _("Reason for the outcome"),
          "delay_authorised_by_rank": _("Delay authorised by (rank)"), "tact": _("TACT visit (Terrorism Act)"),
          "juveniles_present": _("Children (under 18) present"), "vulnerable_present": _("Vulnerable detainees present"),
          "custody_records_examined": _("Custody records examined with consent"),
          "concern_raised": _("Concern of ill-treatment raised"), "concern_details": _("What was seen or alleged"),
          "cells_clean": _("Cells clean"), "kitchen_clean": _("Kitchen clean"), "yard_clean": _("Exercise yard clean"),
          "food_in_date": _("Food in date"), "hygiene_products_offered": _("Hygiene products offered"),
          "female_officer_available": _("Female officer available"),
          "records_checked": _("Records checked"), "kennels_observed": _("Kennels seen"),
          "vehicles_observed": _("Vehicles seen"), "training_observed": _("Training seen"),
          "welfare_environment": _("A suitable environment"), "welfare_diet": _("A suitable diet"),
          "welfare_behaviour": _("Able to behave normally"), "welfare_company": _("Company of, or apart from, other animals"),
          "welfare_health": _("Protected from pain, injury and disease")}


def _field_for(report, name: str, kind: str) -> forms.Field:
    """The form field of one correctable report field, by what the model stores."""
    model_field = report._meta.get_field(name)
    if name.endswith("_at"):
        return forms.DateTimeField(widget=WHEN, required=name == "arrived_at", input_formats=["%Y-%m-%dT%H:%M"])
    if name == "outcome":
        return forms.ChoiceField(choices=Outcome.choices if kind == "custody" else ANIMAL_OUTCOMES)
    if name in CHOICES:
        return forms.ChoiceField(choices=CHOICES[name], required=name != "delay_authorised_by_rank")
    if isinstance(model_field.formfield(), forms.BooleanField):
        return forms.BooleanField(required=False)
    if isinstance(model_field.formfield(), forms.IntegerField):
        return forms.IntegerField(min_value=0, max_value=1000 if name != "travel_minutes" else 24 * 60)
    return forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(forms.Form):
    """The report's correctable fields with their stored values, and the reason for the change."""

    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the report's history with your name and the time."))

    def __init__(self, data, *, report):
        super().__init__(data)
        self.report = report
        kind = kind_of(report).name
        fields = {}
        for name in CORRECTED_FIELDS[kind]:
            field = _field_for(report, name, kind)
            field.label = LABELS[name]
            field.initial = getattr(report, name)
            fields[name] = field
        self.fields = {**fields, "reason": self.fields["reason"]}

    def groups(self) -> list[tuple[str, list, str]]:
        """The form in fieldsets: times, detainee counts (side by side), the rest, and the reason."""
        names = list(self.fields)
        times = [n for n in names if n.endswith("_at")]
        counts = [n for n in names if n.startswith("detainees_") or n == "animals_seen"]
        grouped = {group: [n for n in names if GROUPS.get(n) == group] for group in set(GROUPS.values())}
        other = [n for n in names if n not in times and n not in counts and n not in GROUPS and n != "reason"]
        return [(legend, [self[n] for n in group], css) for legend, group, css in (
            (_("Times"), times, "counts times"), (_("Outcome"), grouped["outcome"], ""),
            (_("Detainees") if counts != ["animals_seen"] else _("Animals"), counts, "counts"),
            (_("Children, vulnerable detainees and custody records"), grouped["subgroups"], "counts"),
            (_("The five welfare needs"), grouped["welfare"], "counts"),
            (_("Concern of ill-treatment"), grouped["concern"], ""),
            (_("Access, travel and comments"), other, ""), (_("Why"), ["reason"], ""),
        ) if group]

    def changes(self) -> dict:
        """Only what the manager changed; the form shows times to the minute, so seconds stored are kept."""
        changed: dict = {}
        for name, value in self.cleaned_data.items():
            if name == "reason":
                continue
            stored = getattr(self.report, name)
            if isinstance(stored, datetime) and value is not None:
                stored = stored.replace(second=0, microsecond=0)
            if value == stored:
                continue
            if name in PARTS:  # the whole object, as the report holds it, with the part changed
                part, key = PARTS[name]
                changed.setdefault(part, dict(getattr(self.report, part)))[key] = value
            else:
                changed[name] = value
        return changed

    def add_service_errors(self, exc) -> None:
        for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for error in errors:
                self.add_error(name if name in self.fields else None,
                               error if name in self.fields or name == "__all__" else f"{LABELS.get(name, name)}: {error}")


class IssueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("awaiting", _("Awaiting the force")), (IssueStatus.RESPONDED, _("Force responded")),
        (IssueStatus.CLOSED, pgettext_lazy("issue", "Closed")), ("all", _("All that went to the force"))])
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("All sites"))

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["site"].queryset = selectors.sites_visible(user).order_by("-kind", "name")


class ConcernHandledForm(forms.Form):
    note = forms.CharField(label=_("How it was dealt with"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class ResponseForm(forms.Form):
    force_response = forms.CharField(label=_("The force's response"), widget=forms.Textarea(attrs={"rows": 3}),
                                     max_length=5000)


class ForceFilterForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Suite"), queryset=None, required=False, empty_label=_("All suites"))

    def __init__(self, data, *, user):
        super().__init__(data)
        asked = selectors.issues_visible(user).filter(resolved_during_visit=False).values("site_id")
        self.fields["site"].queryset = selectors.sites_visible(user).filter(pk__in=asked).order_by("name")


class IssueCloseForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class IssueReopenForm(forms.Form):
    note = forms.CharField(label=_("What the force still needs to answer"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class TelephoneResponseForm(forms.Form):
    force_response = forms.CharField(label=_("The response the force gave by telephone"), max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}))


class PasswordHints:
    """Django's Welsh leaves its password hints and mismatch message in English, so the desk words its own."""

    error_messages = {"password_mismatch": _("The two new passwords are not the same.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        length = next((v.min_length for v in password_validation.get_default_password_validators()
                       if hasattr(v, "min_length")), 8)
        self.fields["new_password1"].help_text = _(
            "At least %(length)s characters; not a commonly used password, nor only digits, nor like your name.") % {
            "length": length}
        self.fields["new_password2"].help_text = _("The same password again, to check it.")


class PasswordChangeForm(PasswordHints, auth_forms.PasswordChangeForm):
    error_messages = {**auth_forms.PasswordChangeForm.error_messages, **PasswordHints.error_messages}


class SetPasswordForm(PasswordHints, auth_forms.SetPasswordForm):
    error_messages = {**auth_forms.SetPasswordForm.error_messages, **PasswordHints.error_messages}
