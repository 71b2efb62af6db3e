"""The volunteer register on the manager's desk: one visitor's page, with their record, training and
visits, and the forms that change them through the register's services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visits import selectors, services
from visits.eligibility import on_probation, refusal
from visits.models import LeavingReason, Role, Stage, TrainingCourse, User
from visits.services.register import RECORD_FIELDS

from .manager import manager_only

# ISO dates, which a date input takes as its value (the locale's format would leave it empty).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO_UNKNOWN = [("", gettext_lazy("Not recorded")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
# The record's fields in the form's groups, as the page shows them.
GROUPS = (
    (gettext_lazy("Stage and probation"), ("state", "joined_on", "probation_ends_on", "buddy")),
    (gettext_lazy("Vetting and term of appointment"),
     ("vetting_cleared_on", "vetting_expires_on", "term_starts_on", "term_ends_on", "review_on")),
    (gettext_lazy("Leaving"), ("left_on", "leaving_reason", "exit_interview_held")),
)


def _date(label):
    return forms.DateField(label=label, required=False, widget=DATE)


class RecordForm(forms.Form):
    """A visitor's record; only what the manager changed goes to the service."""

    state = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Stage.choices)
    joined_on = _date(gettext_lazy("Joined on"))
    probation_ends_on = _date(gettext_lazy("Probation ends on"))
    buddy = forms.ModelChoiceField(label=gettext_lazy("Buddy"), queryset=User.objects.none(), required=False,
                                   empty_label=gettext_lazy("None"))
    vetting_cleared_on = _date(gettext_lazy("Vetting cleared on"))
    vetting_expires_on = _date(gettext_lazy("Vetting expires on"))
    term_starts_on = _date(gettext_lazy("Term starts on"))
    term_ends_on = _date(gettext_lazy("Term ends on"))
    review_on = _date(gettext_lazy("Reappointment review on"))
    left_on = _date(gettext_lazy("Left on"))
    leaving_reason = forms.ChoiceField(label=gettext_lazy("Reason for leaving"), required=False)
    exit_interview_held = forms.ChoiceField(label=gettext_lazy("Exit interview held"), choices=YES_NO_UNKNOWN,
                                            required=False)

    def __init__(self, data, *, volunteer: User):
        self.volunteer = volunteer
        stored = {name: getattr(volunteer, name) for name in RECORD_FIELDS}
        stored["state"] = stored.pop("stage")
        stored["exit_interview_held"] = {True: "yes", False: "no", None: ""}[volunteer.exit_interview_held]
        self.stored = stored
        super().__init__(data, initial=stored)
        self.fields["buddy"].queryset = User.objects.filter(
            scheme_id=volunteer.scheme_id, role=Role.VISITOR, is_active=True).exclude(
            pk=volunteer.pk).exclude(stage=Stage.LEFT).order_by("last_name", "first_name")
        self.fields["buddy"].label_from_instance = lambda person: person.get_full_name() or person.username
        reasons = volunteer.scheme.leaving_reasons if volunteer.scheme else LeavingReason.values
        self.fields["leaving_reason"].choices = [("", _("Not recorded")), *(
            (value, label) for value, label in LeavingReason.choices if value in reasons)]

    @property
    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in GROUPS]

    def changes(self) -> dict:
        changed = {}
        for name, value in self.cleaned_data.items():
            if name == "exit_interview_held":
                value = {"yes": True, "no": False}.get(value)
            if value != self.stored[name] and not (value in ("", None) and self.stored[name] in ("", None)):
                changed["stage" if name == "state" else name] = value
        return changed

    def add_service_errors(self, exc: ValidationError) -> None:
        for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            field = "state" if name == "stage" else name
            for error in errors:
                self.add_error(field if field in self.fields else None, error)


class TrainingForm(forms.Form):
    course = forms.ModelChoiceField(label=gettext_lazy("Course"), queryset=TrainingCourse.objects.none())
    completed_on = forms.DateField(label=gettext_lazy("Completed on"), widget=DATE)

    def __init__(self, data, *, volunteer: User):
        super().__init__(data)
        self.fields["course"].queryset = TrainingCourse.objects.filter(scheme_id=volunteer.scheme_id).order_by("id")
        self.fields["course"].label_from_instance = lambda course: course.display_name()


def _save(request, volunteer: User, record: RecordForm, training: TrainingForm) -> bool:
    """The posted form's change, through the register's services; False when it was refused."""
    form = record if request.POST.get("form") == "record" else training
    if not form.is_valid():
        return False
    try:
        if form is record:
            services.volunteer_update(volunteer=volunteer, by=request.user, fields=record.changes())
            messages.success(request, _("The record is saved."))
        else:
            services.training_record_add(volunteer=volunteer, by=request.user, **training.cleaned_data)
            messages.success(request, _("The training is recorded."))
    except ValidationError as exc:
        if form is record:
            record.add_service_errors(exc)
        else:
            for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    training.add_error(name if name in training.fields else None, error)
        return False
    return True


@manager_only
def volunteer(request, pk: int):
    """A visitor's page: whether they may visit today and why not, their record, training and visits."""
    person = get_object_or_404(selectors.volunteers_visible(request.user).select_related("buddy"), pk=pk)
    posted = request.POST if request.method == "POST" else None
    record = RecordForm(posted if posted and posted.get("form") == "record" else None, volunteer=person)
    training = TrainingForm(posted if posted and posted.get("form") == "training" else None, volunteer=person)
    if posted:
        if _save(request, person, record, training):
            return redirect("web:volunteer", pk=person.pk)
        person.refresh_from_db()  # the record as stored: the refused change stays in the form only
    today = request.user.scheme.local_today()
    name = person.get_full_name() or person.username
    return render(request, "web/volunteer.html", {
        "title": name, "section": "volunteers", "person": person, "today": today,
        "crumbs": [(_("Volunteers"), reverse("web:volunteers")), (name, None)],
        "refusal": refusal(person, today), "on_probation": on_probation(person, today),
        "training": [(record, record.is_valid_on(today)) for record in selectors.training_of(person)],
        "visits": selectors.volunteer_visits(volunteer=person),
        "record_form": record, "training_form": training,
    }, status=400 if posted else 200)
