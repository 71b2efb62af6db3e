from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.dates import FromToMixin
from api.filters import QuerySerializer

from .models import Recommendation


class SiteQuerySerializer(QuerySerializer):
    site = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("Id of a custody suite or animal unit of your scheme."))


class WindowInputSerializer(FromToMixin, SiteQuerySerializer):
    date_from = serializers.DateField(required=False, help_text=_("First local date, inclusive (default: 1 April)."))
    date_to = serializers.DateField(required=False, help_text=_("Last local date, inclusive (default: today)."))


class CellLabelSerializer(serializers.Serializer):
    day = serializers.CharField()
    band = serializers.CharField()


class CoverageSerializer(FromToMixin, serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    site_name = serializers.CharField(source="site.name")
    site_active = serializers.BooleanField(source="site.active")
    grid = serializers.CharField(source="grid.name", help_text=_('"custody-weekly" or "animal-monthly".'))
    date_from = serializers.DateField(source="date_from", help_text=_("First local date of the window used, inclusive."))
    date_to = serializers.DateField(source="date_to", help_text=_("Last local date of the window used, inclusive."))
    days = serializers.ListField(child=serializers.CharField())
    bands = serializers.ListField(child=serializers.CharField())
    counts = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()),
                                   help_text=_("Submitted visits: one row per day, one column per band."))
    day_totals = serializers.ListField(child=serializers.IntegerField())
    band_totals = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField(help_text=_("Visits inside the grid (the sum of counts)."))
    outside = serializers.IntegerField(
        help_text=_("Visits in no cell of the grid: animal visits outside the bands, or visits recorded in a band "
                  "the scheme has removed since (run recompute_timeslots). Not part of total.")
    )
    unvisited = CellLabelSerializer(many=True, help_text=_("Cells with no visit: the gaps to fill."))
    covered_share = serializers.FloatField(help_text=_("Share of cells with at least one visit, 0 to 1."))
    unpredictability = serializers.FloatField(
        help_text=_("Normalised Shannon entropy of the visits over the cells: 1.0 is a perfectly even spread, "
                  "0.0 all visits in one cell. 0 or 1 visit scores 0.0 (no spread yet). Divided by log(cells), "
                  "so fewer visits than cells cannot reach 1.0.")
    )


class RankedCellSerializer(serializers.Serializer):
    day = serializers.CharField()
    band = serializers.CharField()
    visits_in_window = serializers.IntegerField()
    rank = serializers.IntegerField(help_text=_("1 is the cell to visit first."))
    last_visit_at = serializers.DateTimeField(allow_null=True)
    handover = serializers.BooleanField(help_text=_("The band overlaps a staff handover window."))


class PlanEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    day = serializers.CharField()
    band = serializers.CharField()
    rank = serializers.IntegerField()
    handover = serializers.BooleanField()
    probability = serializers.FloatField(
        required=False, help_text=_("The chance this cell had in the distribution the plan was drawn from.")
    )


class RecommendationSerializer(serializers.ModelSerializer):
    site = serializers.IntegerField(source="site_id")
    site_name = serializers.CharField(source="site.name")
    cells = RankedCellSerializer(many=True)
    plan = PlanEntrySerializer(many=True, help_text=_("Concrete dates and bands for the plan period, drawn at random "
                                                    "(the ranking in `cells` does not decide them)."))

    class Meta:
        model = Recommendation
        fields = ["site", "site_name", "generated_at", "window_from", "window_to", "plan_from", "plan_to",
                  "cells", "plan", "drawn_probability", "largest_probability"]


class RefreshAnswerSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_('"queued".'))
    site = serializers.IntegerField()
    window_from = serializers.DateField()
    window_to = serializers.DateField()


def coverage_answer(coverage) -> dict:
    """CoverageSerializer's answer, built directly (a test holds the two equal): the serializer stays
    for the schema, but passing each of the grid's counts through its fields took a tenth of the request."""
    site = coverage.site
    return {
        "site": site.pk, "site_name": site.name, "site_active": site.active, "grid": coverage.grid.name,
        "days": list(coverage.days), "bands": list(coverage.bands), "counts": coverage.counts,
        "day_totals": coverage.day_totals, "band_totals": coverage.band_totals, "total": coverage.total,
        "outside": coverage.outside,
        "unvisited": [{"day": cell["day"], "band": cell["band"]} for cell in coverage.unvisited],
        "covered_share": coverage.covered_share, "unpredictability": coverage.unpredictability,
        "from": coverage.date_from.isoformat(), "to": coverage.date_to.isoformat(),
    }
