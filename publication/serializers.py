import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from visits.models import Scheme

from .models import YEAR, Release

PERIOD = re.compile(r"^(?P<fy>20[0-9][0-9])(-Q(?P<quarter>[1-4]))?$")


@extend_schema_field({"type": "string", "pattern": "^20[0-9][0-9](-Q[1-4])?$", "example": "2024-Q1"})
class PeriodField(serializers.RegexField):
    """A period as the API names it; its pattern stated in the schema."""


class ReleaseInputSerializer(serializers.Serializer):
    period = PeriodField(
        PERIOD, max_length=8, error_messages={"invalid": _("Give a financial year as 2024, or a quarter as 2024-Q1.")},
        help_text="A financial year by the year it starts in (\"2024\" is 2024/25) or one of its quarters "
                  "(\"2024-Q1\" is April-June 2024). Only a period that has ended.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                 help_text="What a correction changes; required once the period has a release.")
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all(), required=False,
                                                help_text="Superusers only: the scheme (a manager's own otherwise).")

    def validate_period(self, value):
        match = PERIOD.match(value)
        return int(match["fy"]), int(match["quarter"] or YEAR)


class FigureSerializer(serializers.Serializer):
    measure = serializers.CharField()
    item = serializers.CharField(help_text="Empty: the scheme's; else a suite, an outcome or a category's slug.")
    value = serializers.FloatField(allow_null=True, help_text="Null when the figure is not shown.")
    status = serializers.ChoiceField(choices=["shown", "small", "secondary", "withheld"],
                                     help_text="small: fewer than the threshold; secondary: hidden so that a small "
                                               "count cannot be worked out; withheld: computed from one of those.")


class ReleaseSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()
    period_label = serializers.CharField(read_only=True)
    threshold = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["id", "scheme", "period", "period_label", "fy", "quarter", "date_from", "date_to", "version",
                  "published_at", "note", "threshold", "figures", "public_url"]
        # An answer only (releases are published through ReleaseInputSerializer), so its integers carry
        # no database's range and the schema is the same on PostgreSQL and SQLite.
        read_only_fields = fields

    def get_period(self, release) -> str:
        return str(release.fy) if release.quarter == YEAR else f"{release.fy}-Q{release.quarter}"

    def get_threshold(self, release) -> int:
        return release.figures["threshold"]

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, release) -> list:
        return release.figures["rows"]

    def get_public_url(self, release) -> str:
        return reverse("public-release", args=[release.scheme.publication.slug, release.pk])
