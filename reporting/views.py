from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer, errors
from api.exceptions import Conflict, QueueDown
from api.permissions import RolePermission
from api.renderers import JSONRenderer
from visits import access
from visits.models import Role
from visits.periods import Period

from . import exports, selectors, services
from .exports import file_name, quarterly_return
from .models import ExportJob, ExportStatus
from .renderers import CSVRenderer, XLSXRenderer
from .serializers import ExportInputSerializer, ExportJobSerializer, KpiSerializer, PeriodInputSerializer

KPI_ROLES = access.roles("kpis")


def query_params(request):
    """Query parameters without DRF's own `format` override (each value kept, for the blank check)."""
    params = request.query_params.copy()
    params.pop("format", None)
    return params


class KpiPermission(RolePermission):
    """A visitor or custody user asking for their own scheme's KPIs gets 403 (the figures are not
    secret, the endpoint is simply not theirs); for a scheme they may not read, 404, as for anyone."""

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated or user.is_superuser or user.role in KPI_ROLES:
            return super().has_permission(request, view)
        asked = request.query_params.get("scheme")
        if asked not in (None, "") and str(user.scheme_id) != asked:
            raise NotFound(_("No such scheme among those you may read."))
        return super().has_permission(request, view)


class KpiView(APIView):
    """KPIs of one scheme and each of its sites over a period."""

    permission_classes = [KpiPermission]
    read_roles = KPI_ROLES

    @extend_schema(parameters=[PeriodInputSerializer], responses={200: KpiSerializer, **errors(400, 401, 403, 404)},
                   description="Only submitted reports count. Percentages have one decimal, null when "
                               "their denominator is 0. With no period given: the financial year to date. "
                               "A period still running is counted to date (`to` is today, the targets "
                               "those of its days so far); one not begun answers 400.")
    def get(self, request):
        params = PeriodInputSerializer(data=query_params(request))
        params.is_valid(raise_exception=True)
        scheme = _scheme_for(request.user, params.validated_data.get("scheme"))
        period = params.validated_data["period"] or Period(*scheme.financial_year_to_date())
        # The selector's answer is already in the serializer's shape (a test holds them equal), so it is
        # sent as it is: serializing 200 sites' figures field by field took most of the answer's time.
        try:
            return Response(selectors.scheme_kpis(scheme=scheme, period=period))
        except selectors.PeriodNotBegun:
            raise not_begun(params.validated_data) from None


def not_begun(asked: dict) -> ValidationError:
    """A period that has not begun has no figures and is never in a return: 400, on the field asked."""
    return ValidationError({"fy" if asked.get("fy") is not None else "from": [_("That period has not begun.")]})


def _scheme_for(user, scheme_id):
    if scheme_id is None:
        if user.is_superuser or user.role == Role.ANALYST:
            raise ValidationError({"scheme": [_("Name the scheme (scheme=ID).")]})
        scheme_id = user.scheme_id
    scheme = selectors.kpi_scheme(user, scheme_id)
    if scheme is None:
        raise NotFound(_("No such scheme among those you may read."))
    return scheme


ROWS = "one row per scheme and quarter (per scheme for from-to)"
CSV_ANSWER = OpenApiResponse(OpenApiTypes.STR, description=f"format=csv: UTF-8 text, a header row, then {ROWS}.")
XLSX_ANSWER = OpenApiResponse(OpenApiTypes.BINARY, description="format=xlsx: a workbook; its sheet `data` holds "
                                                               "the CSV's columns, the first sheet the same in words.")
JSON_ROWS = OpenApiResponse({"type": "array", "items": {"type": "object", "additionalProperties": True}},
                            description=f"format=json: a list of rows, {ROWS}; columns are the KPI names, "
                                        "nested ones joined by '_'.")
# The files first: a generated client reads every answer as the first media type it knows, and a
# CSV or a workbook read as JSON fails in it, where any file read as bytes (or as text) does not.
FILE_ANSWERS = {(200, XLSXRenderer.media_type): XLSX_ANSWER, (200, CSVRenderer.media_type): CSV_ANSWER,
                (200, "application/json"): JSON_ROWS}


class KpiExportView(APIView):
    """The quarterly return, one row per scheme and quarter (or per scheme for from-to), as CSV, XLSX or JSON."""

    permission_classes = [KpiPermission]
    read_roles = KPI_ROLES
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        description="The quarterly return as CSV, XLSX or JSON; the period as for the KPIs. fy: one row per "
                    "scheme and quarter of the year that has begun (or of the quarter given), a running one to "
                    "date; a period not begun answers 400. from and to: one row per scheme "
                    "for exactly that period, its fy the financial year the period starts in, its quarter empty. "
                    "No period: the quarters of the current financial year that have begun, the last one to date.",
        parameters=[
            ExportInputSerializer,
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"],
                             description="Or send Accept: text/csv, application/vnd.openxmlformats-"
                                         "officedocument.spreadsheetml.sheet or application/json."),
        ],
        responses={
            **FILE_ANSWERS,
            (202, "application/json"): OpenApiResponse(
                ExportJobSerializer, description=f"More than {services.EXPORT_SYNC_MAX_ROWS} rows, or async=1: "
                                                 "built by a worker; follow status_url, then download url."),
            **{(code, "application/json"): response for code, response in errors(400, 401, 403, 404).items()},
            (503, "application/json"): OpenApiResponse(ErrorSerializer, description="The task queue is down: "
                                                                                     "the large export was not queued."),
        },
    )
    def get(self, request):
        params = ExportInputSerializer(data=query_params(request))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        schemes = selectors.kpi_schemes(request.user).order_by("name")
        if data.get("scheme") is not None:
            schemes = schemes.filter(pk=data["scheme"])
        schemes = list(schemes)
        if not schemes:
            raise NotFound(_("No such scheme among those you may read."))
        fmt = request.accepted_renderer.format
        # fy (and quarter) stand as they are; only dates of the caller's own are a period.
        asked = {"fy": data.get("fy"), "quarter": data.get("quarter"),
                 "period": None if data.get("fy") is not None else data["period"]}
        if not exports.row_count(schemes=schemes, **asked):
            raise not_begun(data)
        if data["async"] or services.export_is_large(schemes=schemes, **asked):
            try:
                job = services.export_job_create(owner=request.user, schemes=schemes, format=fmt, **asked)
            except services.QueueUnavailable:
                raise QueueDown() from None
            job.refresh_from_db()  # a worker may have finished it already (eager mode does at once)
            return Response(ExportJobSerializer(job, context={"request": request}).data,
                            status=status.HTTP_202_ACCEPTED)
        rows = quarterly_return(schemes=schemes, **asked)
        name = file_name(**asked, today=schemes[0].local_today(), format=fmt)
        return Response(rows, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and job answers are objects, not rows: they go out as JSON whatever format was asked.
        if isinstance(response, Response) and not isinstance(response.data, list):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ExportJobView(APIView):
    """An export job's status and progress; only its owner sees it (anyone else: 404)."""

    permission_classes = [RolePermission]
    read_roles = KPI_ROLES
    lookup_url_kwarg = "pk"  # an object's route: the owner decides, whatever the caller's role

    @extend_schema(responses={200: ExportJobSerializer, **errors(401, 404)})
    def get(self, request, pk):
        job = get_object_or_404(ExportJob, pk=pk, owner=request.user)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportDownloadView(APIView):
    """The finished file, to its owner only (anyone else: 404)."""

    permission_classes = [RolePermission]
    read_roles = KPI_ROLES
    lookup_url_kwarg = "pk"  # an object's route: the owner decides, whatever the caller's role
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(responses={
        **FILE_ANSWERS,
        (409, "application/json"): OpenApiResponse(ErrorSerializer, description="Not built yet: poll the job."),
        **{(code, "application/json"): response for code, response in errors(401, 404).items()},
    })
    def get(self, request, pk):
        job = get_object_or_404(ExportJob, pk=pk, owner=request.user)
        if job.status != ExportStatus.DONE or not job.file:
            raise Conflict(_("The export is %(status)s, not ready to download yet.") % {"status": job.get_status_display().lower()})
        # A year to date is named for the day it was asked, in the first scheme's zone.
        first = job.schemes.order_by("name").first()
        asked_on = job.created_at.astimezone(first.zone).date() if first else job.created_at.date()
        name = file_name(fy=job.fy, quarter=job.quarter, period=job.period, today=asked_on, format=job.format)
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
