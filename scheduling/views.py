"""Coverage and recommendations, for a scheme's manager and visitors.

Custody staff must never learn when visits are planned, so to them (and to analysts) these
endpoints answer 404, as if the feature did not exist.
"""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from api.errors import errors as edge_errors
from api.exceptions import QueueDown
from api.permissions import RolePermission
from api.serializers import validated_data
from visits import access

from . import selectors, services
from .heatmap import render_heatmap_svg
from .serializers import (
    CoverageSerializer,
    RecommendationSerializer,
    RefreshAnswerSerializer,
    SiteQuerySerializer,
    WindowInputSerializer,
    coverage_answer,
)

WORDING = {"e403": "Only a manager may do this.",
           "e404": "No such site in your scheme (custody staff and analysts always get 404 here)."}


def errors(*codes, **kwargs):
    return edge_errors(*codes, **WORDING, **kwargs)


class SchedulingPermission(RolePermission):
    """Managers and visitors of the scheme read; managers refresh. Other roles get 404, not 403."""

    def has_permission(self, request, view):
        user = request.user
        if user.is_authenticated and access.is_hidden_from(user, "coverage"):
            raise NotFound()
        return super().has_permission(request, view)


class SchedulingView(APIView):
    permission_classes = [SchedulingPermission]
    read_roles = access.roles("coverage")
    write_roles = access.roles("coverage", access.WRITE)

    def window_input(self, data) -> tuple:
        """The site (404 outside the caller's scheme) and the window, defaulting to the financial year to date."""
        window = validated_data(WindowInputSerializer, data)
        site = selectors.site_schedulable(self.request.user, window["site"])
        if site is None:
            raise NotFound()
        date_from, date_to = selectors.coverage_window(
            scheme=site.scheme, date_from=window.get("from"), date_to=window.get("to"),
        )
        return site, date_from, date_to

    def coverage(self, request) -> selectors.Coverage:
        site, date_from, date_to = self.window_input(request.query_params)
        return selectors.coverage_for_site(site=site, date_from=date_from, date_to=date_to)


COVERAGE_DESCRIPTION = (
    "Submitted visits to one site per cell of its timeslot grid, over an inclusive window of local dates "
    "(default: the UK financial year to date, 1 April to today, in the scheme's time zone). A visit falls in "
    "the cell of its arrival in local time. `covered_share` is the share of cells with at least one visit; "
    "`unpredictability` is the normalised Shannon entropy of the visits over the cells (1.0 perfectly even, "
    "0.0 all in one cell; 0 or 1 visit scores 0.0)."
)


class CoverageView(SchedulingView):
    @extend_schema(parameters=[WindowInputSerializer], responses={200: CoverageSerializer, **errors(400, 401, 404)},
                   description=COVERAGE_DESCRIPTION)
    def get(self, request):
        return Response(coverage_answer(self.coverage(request)))


class SVGRenderer(renderers.BaseRenderer):
    media_type = "image/svg+xml"
    format = "svg"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset)


class PictureOnly(BaseContentNegotiation):
    """The heatmap is a picture whatever the client accepts (a browser's <img> asks for image/*)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _long_date(day: date) -> str:
    """A date as people write it in the active language: "1 April 2023", "1 Ebrill 2023"."""
    return date_format(day, "j F Y")


class HeatmapView(SchedulingView):
    renderer_classes = [SVGRenderer]
    content_negotiation_class = PictureOnly

    @extend_schema(
        parameters=[WindowInputSerializer],
        responses={
            (200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.STR, description="The heatmap as an SVG picture."),
            **{(code, "application/json"): response for code, response in errors(400, 401, 404).items()},
        },
        operation_id="coverage_heatmap_retrieve",
        description="The coverage (same parameters) as a days × bands heatmap with totals and a legend; "
                    "errors answer JSON.",
    )
    def get(self, request):
        coverage = self.coverage(request)
        title = _("%(site)s: visits %(from)s to %(to)s") % {
            "site": coverage.site.name, "from": _long_date(coverage.date_from), "to": _long_date(coverage.date_to)}
        return Response(render_heatmap_svg(coverage, title=title), content_type="image/svg+xml")

    def finalize_response(self, request, response, *args, **kwargs):
        # Anything but the picture (an error, or the description OPTIONS gives) goes out as JSON.
        if not isinstance(getattr(response, "data", None), str):
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class RecommendationView(SchedulingView):
    @extend_schema(
        parameters=[SiteQuerySerializer],
        responses={200: RecommendationSerializer, **errors(400, 401, 404)},
        description="The latest recommendation for the site: every cell of its grid ranked (unvisited cells "
                    "first, then fewer visits, then the least recent last visit, then a fresh random draw), "
                    "and a plan of dates and bands for the coming week (a month for an animal unit). "
                    "404 with a detail when none has been made yet: a manager asks for one with "
                    "POST /api/v1/recommendations/refresh/, and one is made for every active site each Monday.",
    )
    def get(self, request):
        serializer = SiteQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        site = get_object_or_404(selectors.sites_schedulable(request.user), pk=serializer.validated_data["site"])
        recommendation = selectors.recommendation_latest(site=site)
        if recommendation is None:
            raise NotFound(_("No recommendation has been made for this site yet. A manager can ask for one with "
                             "POST /api/v1/recommendations/refresh/; one is also made every Monday morning."))
        return Response(RecommendationSerializer(recommendation).data)


class RecommendationRefreshView(SchedulingView):
    @extend_schema(
        request=WindowInputSerializer,
        responses={202: RefreshAnswerSerializer, **errors(400, 401, 403, 404),
                   503: OpenApiResponse(ErrorSerializer, description="The task queue is down: nothing was queued.")},
        description="Queue the recommender for the site over the window (default: the financial year to date). "
                    "The result appears at GET /api/v1/recommendations/?site= once the task has run. Managers only.",
    )
    def post(self, request):
        site, date_from, date_to = self.window_input(request.data)
        try:
            services.recommendation_request(site=site, date_from=date_from, date_to=date_to,
                                            requested_by=request.user)
        except services.QueueUnavailable:
            raise QueueDown(_("The task queue is not answering, so the refresh was not queued. Try again in a few "
                              "minutes; the weekly refresh still runs on its own.")) from None
        answer = {"status": "queued", "site": site.pk, "window_from": date_from, "window_to": date_to}
        return Response(RefreshAnswerSerializer(answer).data, status=status.HTTP_202_ACCEPTED)
