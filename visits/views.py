from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.dates import FromToMixin
from api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, ReportConflictSerializer, errors
from api.exceptions import Conflict
from api.fields import SafeTextField, StrictBooleanField
from api.filters import BooleanFilter, IdFilter, QuerySerializer
from api.permissions import RolePermission
from api.serializers import representation, validated_data

from . import access, selectors, services
from .access import WRITE
from .models import (
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    IssueStatus,
    Notification,
    Outcome,
    Report,
    ReportStatus,
    Role,
    Scheme,
    Site,
    User,
    VisitIssue,
)
from .serializers import (
    AnimalVisitInputSerializer,
    AnimalVisitOutputSerializer,
    ConcernHandledInputSerializer,
    CorrectionInputSerializer,
    CustodyVisitInputSerializer,
    CustodyVisitOutputSerializer,
    IssueCategorySerializer,
    IssueDetailSerializer,
    IssueListSerializer,
    LanguageInputSerializer,
    NotificationSerializer,
    SchemeSerializer,
    SiteSerializer,
    UserBriefSerializer,
    UserSerializer,
)

ALL_ROLES = tuple(Role.values)


def documented(serializer, *, writable=True):
    """The error answers of a plain list/read (and create/update) viewset, for the OpenAPI schema."""
    operations = {
        "list": extend_schema(responses={200: serializer(many=True), **LIST_ERRORS}),
        "retrieve": extend_schema(responses={200: serializer, **READ_ERRORS}),
    }
    if writable:
        operations.update(
            create=extend_schema(responses={201: serializer, **WRITE_ERRORS}),
            update=extend_schema(responses={200: serializer, **WRITE_ERRORS}),
            partial_update=extend_schema(responses={200: serializer, **WRITE_ERRORS}),
        )
    return extend_schema_view(**operations)


class ScopedViewSet(viewsets.GenericViewSet):
    """Rows come from a selector of what the caller may see; the schema generator, with no caller, gets none."""

    permission_classes = [RolePermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.visible(self.request.user)


@documented(SchemeSerializer)
class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, ScopedViewSet):
    """Schemes: created by a superuser; a manager tunes their own scheme's settings."""

    serializer_class = SchemeSerializer
    queryset = Scheme.objects.none()
    read_roles = access.roles("schemes")
    write_roles = access.roles("schemes", WRITE)

    def visible(self, user):
        return selectors.readable_schemes(user).order_by("name")

    def create(self, request, *args, **kwargs):
        if not access.allows(request.user, "scheme_creation", WRITE):
            raise PermissionDenied(_("Only a superuser creates schemes."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scheme = services.scheme_create(**serializer.validated_data)
        return Response(self.get_serializer(scheme).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        # A manager's queryset holds only their own scheme, so another scheme is a 404 before this.
        serializer.instance = services.scheme_update(scheme=serializer.instance, fields=serializer.validated_data)


class SiteFilter(filters.FilterSet):
    scheme = IdFilter(field_name="scheme")
    active = BooleanFilter()

    class Meta:
        model = Site
        fields = ["scheme", "kind", "active"]


@documented(SiteSerializer)
class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, ScopedViewSet):
    serializer_class = SiteSerializer
    queryset = Site.objects.none()
    read_roles = access.roles("sites")
    write_roles = access.roles("sites", WRITE)
    filterset_class = SiteFilter

    def visible(self, user):
        return selectors.sites_visible(user).order_by("scheme_id", "name")

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        if fields.get("scheme") is None:
            raise ValidationError({"scheme": [_("Name the scheme the site belongs to.")]})
        serializer.instance = services.site_save(site=Site(), by=self.request.user,
                                                 fields=fields)

    def perform_update(self, serializer):
        serializer.instance = services.site_save(site=serializer.instance, by=self.request.user,
                                                 fields=serializer.validated_data)


class UserFilter(filters.FilterSet):
    scheme = IdFilter(field_name="scheme")
    is_active = BooleanFilter()

    class Meta:
        model = User
        fields = ["role", "scheme", "is_active"]


@documented(UserSerializer)
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, ScopedViewSet):
    """People of a scheme, managed by its manager. Visitors name a partner from `partners/`."""

    queryset = User.objects.none()
    serializer_class = UserSerializer
    read_roles = access.roles("users")
    write_roles = access.roles("users", WRITE)
    filterset_class = UserFilter

    def visible(self, user):
        return selectors.users_visible(user)

    @extend_schema(responses={200: UserBriefSerializer(many=True), **LIST_ERRORS},
                   description="Fellow visitors of the scheme, by name only: whom a visitor can name on a report.")
    @action(detail=False, methods=["get"], read_roles=access.roles("partners"),
            serializer_class=UserBriefSerializer, filterset_class=None)
    def partners(self, request):
        people = self.paginate_queryset(selectors.partners_visible(request.user))
        return self.get_paginated_response(UserBriefSerializer(people, many=True).data)

    @extend_schema(methods=["GET"], responses={200: UserSerializer, **errors(401)},
                   description="The signed-in user: a phone learns its own id here, to name itself on reports.")
    @extend_schema(methods=["PATCH"], request=LanguageInputSerializer,
                   responses={200: UserSerializer, **errors(400, 401)},
                   description="Choose your language (en or cy): the desk's pages and every e-mail to you follow it.")
    @action(detail=False, methods=["get", "patch"], permission_classes=[IsAuthenticated])
    def me(self, request):
        if request.method == "PATCH":
            # A PATCH changes what it names: the schema (a PATCH's body is partial) lets an empty one through.
            chosen = LanguageInputSerializer(data=request.data, partial=True)
            chosen.is_valid(raise_exception=True)
            if "language" in chosen.validated_data:
                services.user_language_set(user=request.user, language=chosen.validated_data["language"])
        return Response(UserSerializer(request.user).data)

    def perform_create(self, serializer):
        serializer.instance = services.user_add(by=self.request.user, fields=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.user_update(user=serializer.instance, by=self.request.user,
                                                   fields=dict(serializer.validated_data))


class CategoryFilter(filters.FilterSet):
    active = BooleanFilter()

    class Meta:
        model = IssueCategory
        fields = ["active"]


@documented(IssueCategorySerializer)
class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, ScopedViewSet):
    """Issue categories are scheme data: managers add new ones and retire old ones."""

    serializer_class = IssueCategorySerializer
    queryset = IssueCategory.objects.none()
    read_roles = access.roles("issue_categories")
    write_roles = access.roles("issue_categories", WRITE)
    filterset_class = CategoryFilter

    def visible(self, user):
        return selectors.categories_visible(user)

    def perform_create(self, serializer):
        serializer.instance = services.category_add(by=self.request.user, fields=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.category_update(category=serializer.instance,
                                                       fields=dict(serializer.validated_data))


class ReportFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReportStatus.choices)
    site = IdFilter(field_name="site_id")
    visitor = IdFilter(field_name="visitors", distinct=True)

    class Meta:
        fields = ["site", "status", "visitor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the date-range filters are added here.
        self.filters["from"] = filters.DateFilter(field_name="local_date", lookup_expr="gte", label="From (local date)")
        self.filters["to"] = filters.DateFilter(field_name="local_date", lookup_expr="lte", label="To (local date)")


class CustodyVisitFilter(ReportFilter):
    concern = filters.ChoiceFilter(
        choices=[("raised", "raised"), ("open", "open"), ("handled", "handled")], method="filter_concern",
        label="Reports raising a concern: all of them, those not yet handled, or those handled",
    )
    tact = filters.BooleanFilter()
    outcome = filters.ChoiceFilter(choices=Outcome.choices)

    class Meta(ReportFilter.Meta):
        model = CustodyVisit

    def filter_concern(self, queryset, name, value):
        raised = queryset.filter(concern_raised=True)
        if value == "raised":
            return raised
        return raised.filter(concern_handled_at__isnull=value == "open")


class AnimalVisitFilter(ReportFilter):
    class Meta(ReportFilter.Meta):
        model = AnimalVisit


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Visit reports from phones. POST is idempotent on client_uuid; PATCH edits a draft or,
    for a manager, corrects a submitted report and records the correction."""

    read_roles = access.roles("reports")
    write_roles = access.roles("reports", WRITE)
    model: type[Report]
    input_serializer: type[serializers.Serializer]
    output_serializer: type[serializers.Serializer]

    def get_serializer_class(self):
        return self.output_serializer

    def create(self, request, *args, **kwargs):
        # Each report through the same bound fields (api.serializers): the phones' hot path.
        data = validated_data(self.input_serializer, request.data)
        try:
            report, created = services.report_submit(model=self.model, sender=request.user, data=data)
        except services.DuplicateConflict:
            raise Conflict({"client_uuid": [
                _("A different report was already stored with this client_uuid. Make a new UUID for a new report.")
            ]}) from None
        # The service gives the report with its related rows, so the answer reads nothing again.
        return Response(representation(self.output_serializer, report),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request, *args, partial=False, **kwargs):
        report = self.get_object()
        # A locked report is refused whatever the body says, before the body is judged.
        if (locked := services.report_lock_reason(report=report, editor=request.user)) is not None:
            raise PermissionDenied(locked)
        serializer = self.input_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        new_uuid = changes.pop("client_uuid", report.client_uuid)
        if new_uuid != report.client_uuid:
            raise ValidationError({"client_uuid": [_("The client_uuid of a stored report cannot change.")]})
        correction = CorrectionInputSerializer(data=request.data)
        correction.is_valid(raise_exception=True)
        reason = correction.validated_data.get("correction_reason", "")
        try:
            services.report_update(report=report, editor=request.user, changes=changes, reason=reason)
        except services.ReportLocked as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self.output_serializer(self.get_queryset().get(pk=report.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


def _report_docs(output_serializer, input_serializer, label):
    """The schema of a kind's report endpoints: a POST answered 201, or 200 for a retry, 409 for a key reused."""
    create = extend_schema(
        request=input_serializer,
        responses={
            201: output_serializer,
            200: OpenApiResponse(output_serializer, description="Already stored with the same content (a retry)."),
            409: OpenApiResponse(ReportConflictSerializer, description="client_uuid already stored with other content."),
            **WRITE_ERRORS,
        },
        description=f"Submit {label}. Idempotent on client_uuid.",
    )
    update = extend_schema(
        request=input_serializer,
        responses={200: output_serializer, **WRITE_ERRORS},
        description="Edit your own draft, or (manager) correct a submitted report. "
                    "A manager may add `correction_reason`; the change is recorded with who and when.",
    )
    return extend_schema_view(
        list=extend_schema(responses={200: output_serializer(many=True), **LIST_ERRORS}),
        retrieve=extend_schema(responses={200: output_serializer, **READ_ERRORS}),
        create=create, update=update, partial_update=update,
    )


@_report_docs(CustodyVisitOutputSerializer, CustodyVisitInputSerializer, "a custody visit report")
class CustodyVisitViewSet(ReportViewSet):
    model = CustodyVisit
    queryset = CustodyVisit.objects.none()
    input_serializer = CustodyVisitInputSerializer
    output_serializer = CustodyVisitOutputSerializer
    filterset_class = CustodyVisitFilter

    def visible(self, user):
        return selectors.custody_visits_visible(user)


@_report_docs(AnimalVisitOutputSerializer, AnimalVisitInputSerializer, "an animal welfare visit report")
class AnimalVisitViewSet(ReportViewSet):
    model = AnimalVisit
    queryset = AnimalVisit.objects.none()
    input_serializer = AnimalVisitInputSerializer
    output_serializer = AnimalVisitOutputSerializer
    filterset_class = AnimalVisitFilter

    def visible(self, user):
        return selectors.animal_visits_visible(user)


class IssueFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=IssueStatus.choices)
    category = filters.CharFilter(field_name="category__slug")
    site = filters.NumberFilter(field_name="site_id", min_value=1, max_value=2**63 - 1)
    awaiting_force = filters.BooleanFilter(method="filter_awaiting_force",
                                           label="Only issues still awaiting the force's response")

    class Meta:
        model = VisitIssue
        fields = ["status", "category", "site", "awaiting_force"]

    def filter_awaiting_force(self, queryset, name, value):
        return queryset.filter(selectors.awaiting_force_q()) if value else queryset.exclude(selectors.awaiting_force_q())


@extend_schema_view(list=extend_schema(responses={200: IssueListSerializer(many=True), **LIST_ERRORS}),
                    retrieve=extend_schema(responses={200: IssueDetailSerializer, **READ_ERRORS}))
class IssueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Issues raised on submitted reports: the manager follows the scheme's, custody staff those of
    the sites they answer for. One issue's answer holds its history."""

    queryset = VisitIssue.objects.none()
    read_roles = access.roles("issues")
    write_roles = access.roles("issues", WRITE)
    filterset_class = IssueFilter

    def get_serializer_class(self):
        return IssueDetailSerializer if self.action == "retrieve" else IssueListSerializer

    def visible(self, user):
        issues = selectors.issues_visible(user)
        return issues.prefetch_related("history") if self.action == "retrieve" else issues


class IssueOperationView(APIView):
    """One operation on one issue. The role decides first (403); then the issue must be one the
    caller follows (404 for another scheme's, or a site a custody user does not answer for)."""

    permission_classes = [RolePermission]
    read_roles = ()

    def issue(self, request, pk: int) -> VisitIssue:
        if pk > 2**63 - 1:
            raise NotFound()
        return get_object_or_404(selectors.issues_visible(request.user), pk=pk)

    def answer(self, request, issue: VisitIssue) -> Response:
        issue = selectors.issues_visible(request.user).prefetch_related("history").get(pk=issue.pk)
        return Response(IssueDetailSerializer(issue).data)


class IssueResponseView(IssueOperationView):
    write_roles = access.roles("issue_responses", WRITE)

    @extend_schema_serializer(component_name="IssueResponseInput")
    class InputSerializer(serializers.Serializer):
        force_response = SafeTextField(allow_blank=False)
        by_telephone = StrictBooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses={200: IssueDetailSerializer, **WRITE_ERRORS},
                   description="The force's response: custody staff of the issue's site, or the manager for "
                               "a response the force gave by telephone (`by_telephone` true).")
    def post(self, request, pk: int):
        issue = self.issue(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = services.issue_respond(issue=issue, by=request.user,
                                       response=serializer.validated_data["force_response"],
                                       by_telephone=serializer.validated_data["by_telephone"])
        return self.answer(request, issue)


class IssueCloseView(IssueOperationView):
    write_roles = access.roles("issue_decisions", WRITE)

    @extend_schema_serializer(component_name="IssueCloseInput")
    class InputSerializer(serializers.Serializer):
        note = SafeTextField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: IssueDetailSerializer, **WRITE_ERRORS},
                   description="The manager closes the issue, with an optional note.")
    def post(self, request, pk: int):
        issue = self.issue(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = services.issue_close(issue=issue, by=request.user, note=serializer.validated_data["note"])
        return self.answer(request, issue)


class IssueReopenView(IssueOperationView):
    write_roles = access.roles("issue_decisions", WRITE)

    @extend_schema_serializer(component_name="IssueReopenInput")
    class InputSerializer(serializers.Serializer):
        note = SafeTextField(allow_blank=False, help_text="What the force still needs to answer; sent to them.")

    @extend_schema(request=InputSerializer, responses={200: IssueDetailSerializer, **WRITE_ERRORS},
                   description="The response was not good enough: the issue goes back to the force (`referred`), "
                               "due again within the scheme's `issue_response_days`, and its custody staff are told.")
    def post(self, request, pk: int):
        issue = self.issue(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = services.issue_reopen(issue=issue, by=request.user, note=serializer.validated_data["note"])
        return self.answer(request, issue)


class IssueTrendsView(APIView):
    """Themes and trends for the quarterly team meeting; custody staff see their sites' figures only."""

    permission_classes = [RolePermission]
    read_roles = access.roles("issue_trends")
    write_roles = access.roles("issue_trends", WRITE)

    @extend_schema_serializer(component_name="IssueTrendsQuery")
    class QuerySerializer(FromToMixin, QuerySerializer):
        date_from = serializers.DateField(required=False, help_text="First visit date (local); default 1 April of this financial year.")
        date_to = serializers.DateField(required=False, help_text="Last visit date (local), inclusive; default today.")
        site = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

        def validate(self, attrs):
            if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
                raise serializers.ValidationError({"to": [_("The end of the window is before its start.")]})
            return attrs

    @extend_schema_serializer(component_name="IssueTrends")
    class OutputSerializer(FromToMixin, serializers.Serializer):
        date_from = serializers.DateField()
        date_to = serializers.DateField()
        site = serializers.IntegerField(allow_null=True)
        total = serializers.IntegerField()
        by_category = serializers.DictField(child=serializers.IntegerField(), help_text="Issues per category slug.")
        by_month = inline_serializer("IssueTrendsMonth", {
            "month": serializers.CharField(help_text="YYYY-MM"), "total": serializers.IntegerField(),
            "by_category": serializers.DictField(child=serializers.IntegerField()),
        }, many=True)
        by_site = inline_serializer("IssueTrendsSite", {
            "site": serializers.IntegerField(), "name": serializers.CharField(), "total": serializers.IntegerField(),
            "by_category": serializers.DictField(child=serializers.IntegerField()),
            "open": serializers.IntegerField(), "overdue": serializers.IntegerField(),
            "median_days_to_response": serializers.FloatField(allow_null=True),
        }, many=True)
        open = serializers.IntegerField(help_text="Not yet closed.")
        overdue = serializers.IntegerField(help_text="Past the due date, still awaiting the force's response.")
        median_days_to_response = serializers.FloatField(
            allow_null=True, help_text="From the visit to the force's first response; null when none responded.")

    @extend_schema(parameters=[QuerySerializer], responses={200: OutputSerializer, **LIST_ERRORS})
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        site = None
        if "site" in query.validated_data:
            site = get_object_or_404(selectors.sites_visible(request.user), pk=query.validated_data["site"])
        scheme = site.scheme if site else request.user.scheme
        if scheme is None and not {"from", "to"} <= set(query.validated_data):
            raise ValidationError({"from": [_("Give the window (from and to), or a site.")]})
        default_from, default_to = scheme.financial_year_to_date() if scheme else (None, None)
        trends = selectors.issue_trends(user=request.user, site=site,
                                        date_from=query.validated_data.get("from", default_from),
                                        date_to=query.validated_data.get("to", default_to))
        return Response(self.OutputSerializer(trends).data)


class NotificationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=[("pending", "pending"), ("sent", "sent"), ("failed", "failed")],
                                  method="by_status")

    class Meta:
        model = Notification
        fields = ["status", "kind"]

    def by_status(self, queryset, name, value):
        if value == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset.filter(sent_at__isnull=True, failed_at__isnull=(value == "pending"))


@documented(NotificationSerializer, writable=False)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The scheme's outbox for its manager: `?status=failed` lists the e-mails given up on after every retry."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    read_roles = access.roles("notifications")
    write_roles = access.roles("notifications", WRITE)
    filterset_class = NotificationFilter

    def visible(self, user):
        return selectors.notifications_visible(user).prefetch_related("issues")


class ConcernHandledView(APIView):
    """A manager marks a raised concern handled, with a note of what was done; it then leaves the open list."""

    permission_classes = [RolePermission]
    read_roles = access.roles("concerns")
    write_roles = access.roles("concerns", WRITE)

    @extend_schema(request=ConcernHandledInputSerializer, responses={200: CustodyVisitOutputSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        visit = get_object_or_404(selectors.custody_visits_visible(request.user), pk=pk)
        serializer = ConcernHandledInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.concern_mark_handled(visit=visit, by=request.user, note=serializer.validated_data["note"])
        visit = selectors.custody_visits_visible(request.user).get(pk=pk)
        return Response(CustodyVisitOutputSerializer(visit, context={"request": request}).data)


class TactReportView(APIView):
    """The report of a visit to detainees held under the Terrorism Act, printable, to send to the commissioner
    with a copy to the Independent Reviewer of Terrorism Legislation. It names no visitor."""

    permission_classes = [RolePermission]
    read_roles = access.roles("tact_reports")
    write_roles = access.roles("tact_reports", WRITE)

    @extend_schema(responses={(200, "text/html"): OpenApiTypes.STR, **READ_ERRORS},
                   description="Printable HTML (print to PDF from the browser). 404 for a visit that is not TACT.")
    def get(self, request, pk):
        visit = get_object_or_404(
            selectors.custody_visits_visible(request.user).filter(tact=True, status=ReportStatus.SUBMITTED), pk=pk
        )
        return HttpResponse(render_to_string("visits/tact_report.html", selectors.tact_report(visit=visit)))
