from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.dates import FromToMixin
from api.filters import QuerySerializer
from visits.models import DETAINEE_SPLIT, DETAINEES, SiteKind
from visits.periods import Period, fy_period, window_problem

from .models import ExportJob, ExportStatus

MAX_PERIOD_DAYS = 366 * 5


class PeriodInputSerializer(FromToMixin, QuerySerializer):
    """Either `from` and `to` (inclusive local dates) or `fy` with an optional `quarter`; neither
    means the financial year to date."""

    scheme = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text=_(
        "Scheme id. Required for analysts and superusers; a manager's own scheme by default."))
    fy = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                  help_text=_("UK financial year starting 1 April of this year."))
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4,
                                       help_text=_("1 April-June, 2 July-September, 3 October-December, 4 January-March."))
    date_from = serializers.DateField(required=False, help_text=_("First day, YYYY-MM-DD, local."))
    date_to = serializers.DateField(required=False, help_text=_("Last day, YYYY-MM-DD, local, inclusive."))

    def validate(self, attrs):
        start, end, fy, quarter = attrs.get("from"), attrs.get("to"), attrs.get("fy"), attrs.get("quarter")
        if fy is not None and (start or end):
            raise serializers.ValidationError({"fy": [_("Give either fy (and quarter) or from and to, not both.")]})
        if quarter is not None and fy is None:
            raise serializers.ValidationError({"fy": [_("A quarter needs its financial year, e.g. fy=2023&quarter=3.")]})
        if fy is not None:
            attrs["period"] = fy_period(fy, quarter)
            return attrs
        if start is None and end is None:
            attrs["period"] = None  # the caller's scheme decides: its financial year to date
            return attrs
        errors = {}
        if start is None:
            errors["from"] = [_("Give the first day (YYYY-MM-DD) with the last, or fy=YYYY.")]
        if end is None:
            errors["to"] = [_("Give the last day (YYYY-MM-DD) with the first, or fy=YYYY.")]
        if errors:
            raise serializers.ValidationError(errors)
        if problem := window_problem(start, end):
            raise serializers.ValidationError({"to": [problem]})
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"to": [_("A period may span at most five years.")]})
        attrs["period"] = Period(start, end)
        return attrs


class ExportInputSerializer(PeriodInputSerializer):
    """The KPIs' period forms, with the same default; `fy` alone gives the year's four quarters."""

    scheme = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text=_("Omit for every scheme you may read (an analyst's granted schemes)."))
    fy = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                  help_text=_("UK financial year starting 1 April of this year: its 4 quarters, or one."))
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4,
                                       help_text=_("With fy; omit for the four quarters of the year."))
    date_from = serializers.DateField(required=False, help_text=_("First day, YYYY-MM-DD, local: one row per scheme "
                                                                "for exactly from-to."))
    date_to = serializers.DateField(required=False, help_text=_("Last day, YYYY-MM-DD, local, inclusive."))

    def get_fields(self):
        fields = super().get_fields()
        fields["async"] = serializers.BooleanField(required=False, default=False,
                                                   help_text=_("Build the file in the background even when small."))
        return fields


def _access_fields():
    return {"immediate": serializers.IntegerField(), "6-15": serializers.IntegerField(),
            "over-15": serializers.IntegerField(), "immediate_pct": serializers.FloatField(allow_null=True),
            "delays_authorised_below_inspector": serializers.IntegerField(
                help_text=_("Delayed admissions (not immediate) authorised by a sergeant: the Code of Practice "
                          "asks for an inspector or above.")),
            "delays_without_rank": serializers.IntegerField(
                help_text=_("Delayed admissions with no authorising rank given (not_given, or reports from before "
                          "the rank was asked)."))}


def _detainee_fields():
    pcts = (*(f"{name}_pct" for name in DETAINEE_SPLIT), "seen_pct_of_offered", "refused_pct_of_offered")
    return {**{n: serializers.IntegerField() for n in DETAINEES},
            **{n: serializers.FloatField(allow_null=True, help_text=_("Null when the denominator is 0.")) for n in pcts}}


# Built with type() because "6-15" and "over-15" are not Python names.
AccessSerializer = type("KpiAccessSerializer", (serializers.Serializer,), _access_fields())
DetaineesSerializer = type("KpiDetaineesSerializer", (serializers.Serializer,), _detainee_fields())


class VolunteersSerializer(serializers.Serializer):
    active = serializers.IntegerField(help_text=_("Visitors who were members on any day of the period."))
    joined = serializers.IntegerField()
    left = serializers.IntegerField()
    at_end = serializers.IntegerField(help_text=_("Members on the last day of the period."))
    long_service = serializers.IntegerField(help_text=_("Of those, serving long_service_years or more."))
    long_service_pct = serializers.FloatField(allow_null=True)
    long_service_years = serializers.IntegerField()


def _profile_field(**kwargs):
    kwargs.setdefault("help_text", 'Counts of those seen: {"gender": {"female": 3}, ...}.')
    return serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()), **kwargs)


class VisitsByOutcomeSerializer(serializers.Serializer):
    completed = serializers.IntegerField()
    remote = serializers.IntegerField()
    access_refused = serializers.IntegerField()
    abandoned = serializers.IntegerField()


def _code_fields(required: bool = True) -> dict:
    """The Code of Practice's figures of custody visits, for the scheme and each suite."""
    kwargs = {} if required else {"required": False}
    return {
        "visits_attempted": serializers.IntegerField(help_text=_("Every report, whatever its outcome."), **kwargs),
        "visits_by_outcome": VisitsByOutcomeSerializer(**kwargs),
        "juveniles_present": serializers.IntegerField(help_text=_("Children (under 18) in the suite at the visits."),
                                                      **kwargs),
        "vulnerable_present": serializers.IntegerField(**kwargs),
        "custody_records_examined": serializers.IntegerField(**kwargs),
        "tact_visits": serializers.IntegerField(help_text=_("Visits made (not refused entry) under the Terrorism Act."),
                                                **kwargs),
        "concerns_raised": serializers.IntegerField(help_text=_("Reports raising a concern of ill-treatment."), **kwargs),
        "concerns_open": serializers.IntegerField(help_text=_("Of those, not yet marked handled by a manager (now)."),
                                                  **kwargs),
        "issues_resolved_during_visit_pct": serializers.FloatField(
            allow_null=True, help_text=_("Issues resolved at the visit ÷ issues raised, custody and animal."), **kwargs),
    }


def _issues_field():
    return serializers.DictField(child=serializers.IntegerField(),
                                 help_text=_("Issues raised per category slug; every category of the scheme."))


class SiteKpiSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SiteKind.choices)
    visits = serializers.IntegerField(required=False, help_text=_("Custody suites only: visits made, every outcome "
                                                                "but access_refused."))
    target = serializers.IntegerField(required=False, help_text=_("Custody suites: complete weeks active × weekly target."))
    target_pct = serializers.FloatField(required=False, allow_null=True)
    access = AccessSerializer(required=False)
    detainees = DetaineesSerializer(required=False)
    seen_profile = _profile_field(required=False, help_text=_("Custody suites only."))
    animal_visits = serializers.IntegerField(required=False, help_text=_("Animal units only: visits made."))
    animal_visits_attempted = serializers.IntegerField(required=False)
    animal_target = serializers.IntegerField(required=False)
    animal_target_pct = serializers.FloatField(required=False, allow_null=True)
    issues_by_category = _issues_field()
    volunteer_hours = serializers.FloatField()
    volunteer_value = serializers.FloatField()

    def get_fields(self):
        return {**super().get_fields(), **_code_fields(required=False)}


class KpiSerializer(FromToMixin, serializers.Serializer):
    scheme = serializers.IntegerField()
    visits = serializers.IntegerField(help_text=_("Custody visits made: completed, remote and abandoned, not "
                                                "access_refused. The target is measured on them."))
    target = serializers.IntegerField()
    target_pct = serializers.FloatField(allow_null=True)
    access = AccessSerializer()
    detainees = DetaineesSerializer()
    seen_profile = _profile_field()
    issues_by_category = _issues_field()
    volunteer_hours = serializers.FloatField(help_text=_("Arrival to departure for each visitor on a report, plus travel."))
    volunteer_value = serializers.FloatField(help_text=_("volunteer_hours × the scheme's hourly_rate."))
    volunteers = VolunteersSerializer()
    animal_visits = serializers.IntegerField(help_text=_("Animal welfare visits made, not access_refused."))
    animal_visits_attempted = serializers.IntegerField()
    animal_target = serializers.IntegerField()
    animal_target_pct = serializers.FloatField(allow_null=True)
    sites = SiteKpiSerializer(many=True)

    def get_fields(self):
        return {**super().get_fields(), **_code_fields()}

    date_from = serializers.DateField()
    date_to = serializers.DateField()


class ExportJobSerializer(FromToMixin, serializers.ModelSerializer):
    # Named `from` and `to` by the mixin, so they say where the job's columns are.
    date_from = serializers.DateField(source="date_from", allow_null=True, read_only=True,
                                      help_text=_("With to: the period of the caller's own; fy and quarter are null."))
    date_to = serializers.DateField(source="date_to", allow_null=True, read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Where to download the file once status is done."))
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "status", "progress", "url", "status_url", "format", "fy", "quarter", "date_from", "date_to",
                  "rows", "error", "created_at", "finished_at"]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, job) -> str | None:
        if job.status != ExportStatus.DONE:
            return None
        return self._absolute(reverse("kpi-export-download", args=[job.pk]))

    def get_status_url(self, job) -> str:
        return self._absolute(reverse("kpi-export-job", args=[job.pk]))
