from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import QuerySerializer
from visits.grids import CUSTODY_DAYS

from .models import Assignment, Availability, DeclineReason


class CellSerializer(serializers.Serializer):
    day = serializers.ChoiceField(choices=CUSTODY_DAYS)
    band = serializers.CharField(max_length=11, help_text=_("One of the scheme's custody bands, e.g. 08:00-11:59."))


class AvailabilitySerializer(serializers.ModelSerializer):
    visitor = serializers.IntegerField(
        source="visitor_id", required=False, min_value=1, max_value=2**63 - 1,
        help_text=_("The visitor (a manager gives it for any of the scheme's; a visitor's own by default)."),
    )
    visitor_name = serializers.SerializerMethodField()
    period_from = serializers.DateField(
        help_text=_("Any date of the period: the availability is for the whole period holding it (a quarter, or a "
                    "month, as the scheme collects it), whose first and last days are answered."),
    )
    cells = CellSerializer(many=True, help_text=_("The cells (custody days × bands) they can usually do."))
    leave = serializers.ListField(child=serializers.DateField(), required=False, max_length=200,
                                  help_text=_("Dates in the period they cannot go."))
    by_email = serializers.BooleanField(required=False, default=False,
                                        help_text=_("Also tell them of the visits they are given by e-mail."))

    class Meta:
        model = Availability
        fields = ["id", "visitor", "visitor_name", "period_from", "period_to", "cells", "leave", "by_email",
                  "updated_at"]
        read_only_fields = ["period_to", "updated_at"]

    @extend_schema_field(serializers.CharField())
    def get_visitor_name(self, row) -> str:
        return row.visitor.get_full_name() or row.visitor.username


class SeatSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="visitor_id")
    name = serializers.SerializerMethodField()
    accepted = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_name(self, seat) -> str:
        return seat.visitor.get_full_name() or seat.visitor.username

    @extend_schema_field(serializers.BooleanField())
    def get_accepted(self, seat) -> bool:
        return seat.accepted_at is not None


class AssignmentSerializer(serializers.ModelSerializer):
    site = serializers.IntegerField(source="site_id")
    site_name = serializers.CharField(source="site.name")
    visitors = SeatSerializer(source="seats", many=True, help_text=_("The pair, each with whether they accepted."))
    report = serializers.IntegerField(source="report_id", allow_null=True,
                                      help_text=_("The report that made the visit (a custody or animal visit)."))

    class Meta:
        model = Assignment
        fields = ["id", "site", "site_name", "date", "band", "visitors", "state", "report", "window_from",
                  "window_to"]


class RotaQuerySerializer(QuerySerializer):
    week = serializers.DateField(required=False, help_text=_("Any date of the week (Monday to Sunday) to list."))
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    visitor = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    state = serializers.ChoiceField(required=False, choices=[s for s, _ in Assignment._meta.get_field("state").choices])


class DeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)


class ReassignSerializer(serializers.Serializer):
    visitors = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                     min_length=2, max_length=2, help_text=_("The two visitors' ids."))
