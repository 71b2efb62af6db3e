import uuid
from collections import defaultdict

from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    AwareDateTimeField,
    CountField,
    IdField,
    SafeTextField,
    StrictBooleanField,
    StrictModelSerializer,
)
from api.serializers import representation

from .eligibility import is_trained
from .grids import validate_bands, validate_windows
from .models import (
    ANIMAL_OUTCOMES,
    CHECK_FIELDS,
    COUNT_FIELDS,
    WELFARE_NEEDS,
    AnimalVisit,
    AuthorisingRank,
    CustodyVisit,
    IssueCategory,
    IssueEvent,
    IssueStatus,
    Language,
    LeavingReason,
    Notification,
    Outcome,
    ReportCorrection,
    ReportStatus,
    Role,
    Scheme,
    Site,
    User,
    VisitIssue,
    WelfareState,
)
from .selectors import sites_visible, writable_schemes
from .services import PROFILE_DIMENSIONS

# --- schemes, sites, people, categories ---------------------------------------------------


class WritableSchemeField(serializers.PrimaryKeyRelatedField):
    """A scheme the caller may put rows in; any other id reads as one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return writable_schemes(request.user) if request else Scheme.objects.none()


class VisibleSitesField(serializers.PrimaryKeyRelatedField):
    """Sites the caller can see; another scheme's id reads as one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return sites_visible(request.user) if request else Site.objects.none()


class SchemeSerializer(StrictModelSerializer):
    name = SafeTextField(max_length=200, allow_blank=False)
    leaving_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=LeavingReason.choices), allow_empty=False, required=False,
        help_text="The reasons for leaving the scheme records (a subset of the choices).",
    )

    class Meta:
        model = Scheme
        fields = [
            "id", "name", "timezone", "weekly_target", "hourly_rate", "min_visitors",
            "immediate_access_minutes", "long_delay_minutes", "clock_skew_minutes",
            "custody_bands", "animal_bands", "handover_windows", "handover_proposal_rate", "languages",
            "plan_horizon_months", "plan_gap_strength",
            "long_service_years", "issue_response_days", "certificate_years",
            "term_years", "review_weeks", "buddy_rule", "leaving_reasons",
            "meetings_required", "meeting_time_counts", "cohort_min_group", "reminder_days", "leaver_retention_years",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_custody_bands(self, value):
        return self._check(validate_bands, value, whole_day=True)

    def validate_animal_bands(self, value):
        return self._check(validate_bands, value, whole_day=False)

    def validate_handover_windows(self, value):
        return self._check(validate_windows, value)

    @staticmethod
    def _check(check, value, **kwargs):
        try:
            check(value, **kwargs)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class CallersScheme:
    """Default for `scheme`: the caller's own (a manager need not name it)."""

    requires_context = True

    def __call__(self, field):
        return field.context["request"].user.scheme


class SiteSerializer(StrictModelSerializer):
    scheme = WritableSchemeField(default=CallersScheme())
    name = SafeTextField(max_length=200, allow_blank=False)

    class Meta:
        model = Site
        fields = ["id", "scheme", "name", "kind", "cells", "active", "created_at"]
        read_only_fields = ["id", "created_at"]


def email_or_blank(value: str) -> None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


def _password_min_length() -> int:
    """The shortest password the configured validators accept, for the schema's minLength."""
    return max((validator.min_length for validator in get_default_password_validators()
                if isinstance(validator, MinimumLengthValidator)), default=1)


PASSWORD_MIN_LENGTH = _password_min_length()


class TrainedField(StrictBooleanField):
    """Version 1's training flag: whether a record of the course is valid today. Written, true records
    the course completed today (unless one is valid), false ends the valid records today."""

    def __init__(self, course: str, **kwargs):
        self.course = course
        super().__init__(required=False, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, value):
        day = value.scheme.local_today() if value.scheme_id else timezone.localdate()
        return is_trained(value, self.course, day)


class UserSerializer(StrictModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"},
                                     min_length=PASSWORD_MIN_LENGTH)
    scheme = WritableSchemeField(required=False, allow_null=True)
    schemes = WritableSchemeField(many=True, required=False)
    sites = VisibleSitesField(many=True, required=False,
                              help_text="Custody staff: the sites they answer for; empty: all of their scheme's.")
    # Blank on output only: a superuser has no role. Every account made here gets one (validate_role).
    role = serializers.ChoiceField(choices=Role.choices, allow_blank=True)
    # Blank is allowed (not everyone gives one), so this is text checked as an address, not `format: email`.
    email = serializers.CharField(required=False, allow_blank=True, max_length=254, validators=[email_or_blank])
    first_name = SafeTextField(required=False, max_length=150)
    last_name = SafeTextField(required=False, max_length=150)
    tact_trained = TrainedField("tact", help_text="Holds a valid TACT training record today.")
    animal_welfare_trained = TrainedField("animal_welfare", help_text="Holds a valid animal welfare training record today.")

    class Meta:
        model = User
        fields = [
            "id", "username", "password", "role", "scheme", "schemes", "first_name", "last_name", "email",
            "joined_on", "left_on", "probation_ends_on", "animal_welfare_trained", "tact_trained", "is_active", "sites",
            "language",
        ]
        read_only_fields = ["id"]

    def validate_role(self, value):
        if not value:
            raise serializers.ValidationError(_("Choose a role: visitor, manager, custody or analyst."))
        return value

    def validate_password(self, value):
        try:
            validate_password(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate(self, attrs):
        # An update saves without full_clean, so the check constraint would answer 500 here.
        joined = attrs.get("joined_on", getattr(self.instance, "joined_on", None))
        left = attrs.get("left_on", getattr(self.instance, "left_on", None))
        if joined and left and left < joined:
            raise serializers.ValidationError({"left_on": [_("A person cannot leave before joining.")]})
        return attrs


class UserBriefSerializer(serializers.ModelSerializer):
    """What a visitor sees of fellow visitors: enough to name a partner on a report."""

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name"]


class IssueCategorySerializer(StrictModelSerializer):
    name = SafeTextField(max_length=200, allow_blank=False)

    class Meta:
        model = IssueCategory
        fields = ["id", "slug", "name", "active"]
        read_only_fields = ["id"]


# --- reports -------------------------------------------------------------------------------


class StrictUUIDField(serializers.UUIDField):
    default_error_messages = {"invalid": gettext_lazy("Give a UUID made on the phone, e.g. 3f9c2f4e-7c1a-4d8e-9a57-2b3c4d5e6f70.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return uuid.UUID(data)
        except ValueError:
            self.fail("invalid")


class IssueInputSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=64)
    description = SafeTextField(allow_blank=False)
    resolved_during_visit = StrictBooleanField(required=False, default=False)


class SeenProfileField(serializers.DictField):
    """{"gender": {"female": 2, "male": 3}, "age_group": {"juvenile": 1, "adult": 4}, ...}: counts only."""

    child = serializers.DictField(child=CountField())

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = sorted(set(value) - set(PROFILE_DIMENSIONS))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown profile group %(groups)s; use %(known)s.") % {"groups": ", ".join(unknown), "known": ", ".join(PROFILE_DIMENSIONS)}
            )
        for values in value.values():
            if any(not isinstance(k, str) or not 0 < len(k) <= 64 or not k.replace("-", "").replace("_", "").isalnum()
                   for k in values):
                raise serializers.ValidationError(_("Profile values are short words like 'female' or '18-24'."))
        return value


class ConcernSerializer(serializers.Serializer):
    """An allegation or sign of ill-treatment: it goes to the scheme's managers at once."""

    raised = StrictBooleanField(required=False, default=False)
    details = SafeTextField(required=False, default="")

    def validate(self, attrs):
        return {"raised": False, "details": "", **attrs}


class WelfareNeedsSerializer(serializers.Serializer):
    """The five needs of the Animal Welfare Act 2006, s9; a need left out was not checked. Replaced whole."""

    def get_fields(self):
        return {
            need: serializers.ChoiceField(choices=WelfareState.choices, required=False,
                                          default=WelfareState.NOT_CHECKED)
            for need in WELFARE_NEEDS
        }

    def validate(self, attrs):
        return {**{need: WelfareState.NOT_CHECKED.value for need in WELFARE_NEEDS}, **attrs}


class ReportInputSerializer(serializers.Serializer):
    client_uuid = StrictUUIDField()
    site = IdField()
    visitors = serializers.ListField(child=IdField(), max_length=20)
    arrived_at = AwareDateTimeField()
    left_at = AwareDateTimeField(required=False, allow_null=True)
    travel_minutes = CountField(required=False, max_value=24 * 60)
    # The list may be null (no issues), its items may not: many=True would pass allow_null to each item.
    issues: serializers.ListSerializer = serializers.ListSerializer(child=IssueInputSerializer(), required=False, allow_null=True,
                                        max_length=100)
    comments = SafeTextField(required=False)
    status = serializers.ChoiceField(choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False,
                                      help_text="Default completed. Every outcome is a visit to its cell of the grid; "
                                                "access_refused is not counted among the visits made.")
    outcome_reason = SafeTextField(required=False, help_text="Why the visit was not completed: required unless completed.")

    def validate_issues(self, value):
        return value or []  # null from a phone means no issues


class CustodyVisitInputSerializer(ReportInputSerializer):
    admitted_at = AwareDateTimeField(required=False, allow_null=True)
    delay_reason = SafeTextField(required=False)
    detainees_present = CountField(required=False)
    detainees_offered = CountField(required=False)
    detainees_seen = CountField(required=False)
    detainees_refused = CountField(required=False)
    detainees_not_offered = CountField(required=False)
    detainees_unavailable = CountField(required=False)
    detainees_observed = CountField(required=False)
    seen_profile = SeenProfileField(required=False)
    cells_clean = StrictBooleanField(required=False, allow_null=True)
    kitchen_clean = StrictBooleanField(required=False, allow_null=True)
    yard_clean = StrictBooleanField(required=False, allow_null=True)
    food_in_date = StrictBooleanField(required=False, allow_null=True)
    hygiene_products_offered = StrictBooleanField(required=False, allow_null=True)
    female_officer_available = StrictBooleanField(required=False, allow_null=True)
    delay_authorised_by_rank = serializers.ChoiceField(
        choices=AuthorisingRank.choices, required=False, allow_blank=True,
        help_text="Who authorised a delay in admission. When access was not immediate an explicit \"\" is refused; "
                  "left out, it is stored as not_given.",
    )
    tact = StrictBooleanField(required=False, help_text="A visit to detainees held under the Terrorism Act: "
                                                        "at least one visitor must be tact_trained.")
    juveniles_present = CountField(required=False, help_text="Children (under 18) present; at most detainees_present.")
    vulnerable_present = CountField(required=False, help_text="Detainees flagged vulnerable by custody present; "
                                                              "at most detainees_present.")
    custody_records_examined = CountField(required=False, help_text="Records examined with the detainee's consent; "
                                                                    "at most detainees_seen.")
    concern = ConcernSerializer(required=False)


class AnimalVisitInputSerializer(ReportInputSerializer):
    outcome = serializers.ChoiceField(
        choices=ANIMAL_OUTCOMES, required=False,
        help_text="Default completed; an animal welfare visit cannot be remote.",
    )
    welfare_needs = WelfareNeedsSerializer(required=False)
    animals_seen = CountField(required=False)
    records_checked = StrictBooleanField(required=False)
    kennels_observed = StrictBooleanField(required=False)
    vehicles_observed = StrictBooleanField(required=False)
    training_observed = StrictBooleanField(required=False)


class TimeslotSerializer(serializers.Serializer):
    day = serializers.CharField()
    band = serializers.CharField()


class IssueOutputSerializer(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = VisitIssue
        fields = ["id", "category", "description", "resolved_during_visit", "status", "force_response", "responded_at"]


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportCorrection
        fields = ["corrected_by", "corrected_at", "changes", "reason"]


class ReportOutputSerializer(serializers.ModelSerializer):
    visitors = serializers.SerializerMethodField()
    issues = IssueOutputSerializer(many=True, read_only=True)
    timeslot = TimeslotSerializer(read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)

    COMMON = [
        "id", "client_uuid", "site", "visitors", "arrived_at", "left_at", "travel_minutes", "issues", "comments",
        "status", "timeslot", "local_date", "created_by", "created_at", "updated_at", "submitted_at", "corrections",
        "outcome", "outcome_reason",
    ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_visitors(self, report):
        return sorted(v.pk for v in report.visitors.all())


class ConcernOutputSerializer(serializers.Serializer):
    raised = serializers.BooleanField(source="concern_raised")
    details = serializers.CharField(source="concern_details")
    handled_at = serializers.DateTimeField(source="concern_handled_at", allow_null=True)
    handled_by = serializers.IntegerField(source="concern_handled_by_id", allow_null=True)
    handled_note = serializers.CharField(source="concern_handled_note")


class CustodyVisitOutputSerializer(ReportOutputSerializer):
    seen_profile = serializers.SerializerMethodField()
    concern = serializers.SerializerMethodField()

    class Meta:
        model = CustodyVisit
        fields = ReportOutputSerializer.COMMON + [
            "admitted_at", "access_delay_minutes", "access_band", "delay_reason", *COUNT_FIELDS, "seen_profile",
            *CHECK_FIELDS, "delay_authorised_by_rank", "tact", "juveniles_present", "vulnerable_present",
            "custody_records_examined", "concern",
        ]

    # Written out: the validators of OpenAPI 3.0 do not read `nullable` beside a reference.
    @extend_schema_field({
        "type": "object", "nullable": True,
        "description": "Null to the force's custody staff: a concern about the treatment of detainees is for "
                       "the scheme's managers. handled_at is null while the concern is open.",
        "properties": {
            "raised": {"type": "boolean"}, "details": {"type": "string"},
            "handled_at": {"type": "string", "format": "date-time", "nullable": True},
            "handled_by": {"type": "integer", "nullable": True}, "handled_note": {"type": "string"},
        },
        "required": ["raised", "details", "handled_at", "handled_by", "handled_note"],
    })
    def get_concern(self, visit):
        request = self.context.get("request")
        if request is not None and request.user.role == Role.CUSTODY:
            return None
        return representation(ConcernOutputSerializer, visit)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_seen_profile(self, visit):
        profile = defaultdict(dict)
        for row in visit.seen_profile.all():
            profile[row.dimension][row.value] = row.count
        return dict(profile)


class AnimalVisitOutputSerializer(ReportOutputSerializer):
    welfare_needs = serializers.SerializerMethodField()

    class Meta:
        model = AnimalVisit
        fields = ReportOutputSerializer.COMMON + [
            "animals_seen", "records_checked", "kennels_observed", "vehicles_observed", "training_observed",
            "welfare_needs",
        ]

    @extend_schema_field(WelfareNeedsSerializer)
    def get_welfare_needs(self, visit):
        return visit.welfare_needs


class CorrectionInputSerializer(serializers.Serializer):
    correction_reason = SafeTextField(required=False)


class ConcernHandledInputSerializer(serializers.Serializer):
    note = SafeTextField(allow_blank=False, help_text="What was done about the concern, and by whom.")


# --- issues and the force's response -------------------------------------------------------


class IssueListSerializer(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    visit = serializers.SerializerMethodField()
    visit_kind = serializers.SerializerMethodField()
    visit_date = serializers.DateField(source="raised_on", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = VisitIssue
        fields = [
            "id", "category", "description", "resolved_during_visit", "status", "due_on", "overdue",
            "force_response", "by_telephone", "responded_by", "responded_at", "created_at", "site", "visit",
            "visit_kind", "visit_date",
        ]

    def get_visit(self, issue) -> int:
        return issue.custody_visit_id or issue.animal_visit_id

    def get_visit_kind(self, issue) -> str:
        return "custody" if issue.custody_visit_id else "animal"

    def get_overdue(self, issue) -> bool:
        """Past its due date still waiting on the force, by the scheme's local today."""
        return issue.is_overdue(issue.scheme.local_today())


class IssueEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = IssueEvent
        fields = ["at", "by", "note"]

    def get_fields(self):
        # "from" is a Python keyword, so the two status fields are named here.
        fields = super().get_fields()
        fields["from"] = serializers.CharField(source="from_status", read_only=True,
                                               help_text="The status before; blank when the issue was raised.")
        fields["to"] = serializers.ChoiceField(source="to_status", choices=IssueStatus.choices, read_only=True)
        return fields


class IssueDetailSerializer(IssueListSerializer):
    history = IssueEventSerializer(many=True, read_only=True)

    class Meta(IssueListSerializer.Meta):
        fields = IssueListSerializer.Meta.fields + ["history"]


class NotificationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=["pending", "sent", "failed"], read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "to_email", "subject", "status", "created_at", "sent_at", "failed_at", "attempts",
                  "next_attempt_at", "last_error", "issues"]


class LanguageInputSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, help_text="en: English; cy: Cymraeg (Welsh).")
