from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import DecimalNumberField, PlausibleDateField, SafeTextField, StrictModelSerializer
from api.filters import ID_MAX, QuerySerializer
from visits.models import Role

from .models import PREFER_NOT_TO_SAY, AgeBand, EthnicGroup, Gender, HomeArea, Meeting, Profile
from .selectors import DIMENSIONS


class MeetingSerializer(StrictModelSerializer):
    title = SafeTextField(max_length=200, allow_blank=False)
    held_on = PlausibleDateField()
    attended = serializers.SerializerMethodField(
        help_text=_("Whether you were there (a visitor's own attendance); null to other roles."))
    attendance_count = serializers.SerializerMethodField(
        help_text=_("How many volunteers were there; null to custody staff."))

    class Meta:
        model = Meeting
        fields = ["id", "scheme", "held_on", "title", "duration_hours", "format", "attended", "attendance_count"]
        read_only_fields = ["id", "scheme"]

    def get_attended(self, meeting) -> bool | None:
        user = self.context["request"].user
        return user.pk in _attendees(meeting) if user.role == Role.VISITOR else None

    def get_attendance_count(self, meeting) -> int | None:
        return None if self.context["request"].user.role == Role.CUSTODY else len(_attendees(meeting))


def _attendees(meeting) -> set[int]:
    """From the list's prefetched rows: no query per meeting."""
    return {row.volunteer_id for row in meeting.attendance.all()}

class AttendanceRowSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()
    name = serializers.CharField()
    attended = serializers.BooleanField()

class AttendanceInputSerializer(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=1000,
                                     help_text=_("The ids of every volunteer who was there (the whole list)."))

class HomeAreaSerializer(StrictModelSerializer):
    name = SafeTextField(max_length=200, allow_blank=False)

    class Meta:
        model = HomeArea
        fields = ["id", "scheme", "slug", "name"]
        read_only_fields = ["id", "scheme"]

class HomeAreaAnswerField(serializers.CharField):
    """A home area by its slug, or "prefer_not_to_say"; null or "": not answered."""

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        if value in (None, "", PREFER_NOT_TO_SAY):
            return value or None
        area = HomeArea.objects.filter(scheme_id=self.context["request"].user.scheme_id, slug=value).first()
        if area is None:
            raise serializers.ValidationError(_("Not one of your scheme's home areas."))
        return area

    def to_representation(self, value):
        return value

class ProfileSerializer(serializers.ModelSerializer):
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True, required=False)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, allow_blank=True, required=False)
    ethnic_group = serializers.ChoiceField(choices=EthnicGroup.choices, allow_blank=True, required=False)
    home_area = HomeAreaAnswerField(max_length=64, allow_blank=True, allow_null=True, required=False,
                                    help_text=_("A home area's slug (see home-areas/), or prefer_not_to_say."))
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text=_("Null: never answered."))

    class Meta:
        model = Profile
        fields = ["gender", "age_band", "ethnic_group", "home_area", "updated_at"]

    def to_representation(self, profile):
        answer = super().to_representation(profile)
        answer["home_area"] = (PREFER_NOT_TO_SAY if profile.home_area_withheld
                               else profile.home_area.slug if profile.home_area else "")
        return answer

class CohortQuerySerializer(QuerySerializer):
    scheme = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False,
                                      help_text=_("The scheme (an analyst's or a superuser's choice); default: yours."))
    on = serializers.DateField(required=False, help_text=_("The day the cohort is counted on (managers only); default: today."))

class CohortGroupSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text=_("Null when the group is suppressed."))
    share_pct = serializers.FloatField(allow_null=True)
    population_pct = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(help_text=_("Fewer than min_group volunteers (never to managers)."))

class CohortDimensionSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=list(DIMENSIONS))
    label = serializers.CharField()
    groups = CohortGroupSerializer(many=True)

class CohortSerializer(serializers.Serializer):
    scheme = serializers.IntegerField()
    on = serializers.DateField()
    volunteers = serializers.IntegerField()
    min_group = serializers.IntegerField()
    exact = serializers.BooleanField(help_text=_("True to managers: every group counted, none suppressed."))
    dimensions = CohortDimensionSerializer(many=True)

def _shares():
    return serializers.DictField(child=DecimalNumberField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
                                 required=False, help_text=_("Per group (its key in cohort/): the share, in %."))


class PopulationSerializer(serializers.Serializer):
    """The area's census shares (%), by each dimension's groups (the cohort's keys)."""

    gender = _shares()
    age_band = _shares()
    ethnic_group = _shares()
    home_area = _shares()
