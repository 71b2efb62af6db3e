"""The volunteer register's API beside the core record: team meetings and who attended, home areas,
a volunteer's own profile, the cohort beside the population."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import READ_ERRORS, WRITE_ERRORS, errors
from api.permissions import RolePermission
from visits import access
from visits.access import WRITE
from visits.models import Role, Scheme
from visits.selectors import scoped
from visits.views import ScopedViewSet, documented

from . import selectors, services
from .models import Attendance, HomeArea, Meeting
from .serializers import (
    AttendanceInputSerializer,
    AttendanceRowSerializer,
    CohortQuerySerializer,
    CohortSerializer,
    HomeAreaSerializer,
    MeetingSerializer,
    PopulationSerializer,
    ProfileSerializer,
)


@documented(MeetingSerializer)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, ScopedViewSet):
    """The scheme's team meetings: managers arrange them and record who attended; visitors read them
    and their own attendance; custody staff read the dates only."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()
    read_roles = access.roles("meetings")
    write_roles = access.roles("meetings", WRITE)

    def visible(self, user):
        return selectors.meetings_visible(user).prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.only("meeting_id", "volunteer_id")))

    def perform_create(self, serializer):
        scheme = self.request.user.scheme
        if scheme is None:
            raise ValidationError({"non_field_errors": [_("Only a scheme's manager arranges its meetings.")]})
        serializer.instance = services.meeting_save(meeting=Meeting(scheme=scheme),
                                                    fields=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.meeting_save(meeting=serializer.instance, fields=dict(serializer.validated_data))

    @extend_schema(methods=["GET"], responses={200: AttendanceRowSerializer(many=True), **READ_ERRORS},
                   description="Who attended: to a manager every volunteer of the scheme on the day, to a visitor "
                               "only their own row. Custody staff and analysts: never.")
    @extend_schema(methods=["PUT"], request=AttendanceInputSerializer,
                   responses={200: AttendanceRowSerializer(many=True), **WRITE_ERRORS},
                   description="Record who attended, as the whole list of volunteers' ids (manager).")
    @action(detail=True, methods=["get", "put"], read_roles=access.roles("meeting_attendance"),
            write_roles=access.roles("meeting_attendance", WRITE), serializer_class=AttendanceRowSerializer,
            pagination_class=None)
    def attendance(self, request, pk=None):
        meeting = self.get_object()
        if request.method == "PUT":
            body = AttendanceInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.attendance_set(meeting=meeting, attended=body.validated_data["attended"])
        rows = selectors.attendance_for(meeting=meeting, user=request.user)
        return Response(AttendanceRowSerializer(rows, many=True).data)


@documented(HomeAreaSerializer)
class HomeAreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, ScopedViewSet):
    """The scheme's home areas (e.g. Leicester, Leicestershire, Rutland): managers set them; a visitor
    picks one in their profile."""

    serializer_class = HomeAreaSerializer
    queryset = HomeArea.objects.none()
    read_roles = access.roles("home_areas")
    write_roles = access.roles("home_areas", WRITE)

    def visible(self, user):
        return selectors.home_areas_visible(user)

    def perform_create(self, serializer):
        scheme = self.request.user.scheme
        if scheme is None:
            raise ValidationError({"non_field_errors": [_("Only a scheme's manager sets its home areas.")]})
        serializer.instance = services.home_area_save(area=HomeArea(scheme=scheme),
                                                      fields=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.home_area_save(area=serializer.instance, fields=dict(serializer.validated_data))


class ProfileView(APIView):
    """Your own answers for the cohort: each optional, "prefer_not_to_say" allowed. Only you and your
    scheme's managers ever see them; everyone else sees aggregates (cohort/)."""

    permission_classes = [RolePermission]
    read_roles = access.roles("profile")
    write_roles = access.roles("profile", WRITE)
    serializer_class = ProfileSerializer

    @extend_schema(responses={200: ProfileSerializer, **READ_ERRORS})
    def get(self, request):
        return Response(ProfileSerializer(services.profile_for(request.user), context={"request": request}).data)

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer, **WRITE_ERRORS},
                   description="Every answer at once; one left out is cleared.")
    def put(self, request):
        return self._save(request, partial=False)

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer, **WRITE_ERRORS},
                   description="The answers given; the rest as they were.")
    def patch(self, request):
        return self._save(request, partial=True)

    def _save(self, request, *, partial):
        body = ProfileSerializer(data=request.data, partial=partial, context={"request": request})
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        if not partial:
            fields = {"gender": "", "age_band": "", "ethnic_group": "", "home_area": None, **fields}
        profile = services.profile_save(user=request.user, fields=fields)
        return Response(ProfileSerializer(profile, context={"request": request}).data)


def _scheme(user, resource: str, asked: int | None) -> Scheme:
    if asked is None:
        if user.scheme_id is None:
            raise ValidationError({"scheme": [_("Name the scheme (scheme=ID).")]})
        asked = user.scheme_id
    scheme = scoped(Scheme.objects.all(), user, resource, scheme="pk").filter(pk=asked).first()
    if scheme is None:
        raise NotFound(_("No such scheme among those you may read."))
    return scheme


class CohortView(APIView):
    permission_classes = [RolePermission]
    read_roles = access.roles("cohort")

    @extend_schema(parameters=[CohortQuerySerializer], responses={200: CohortSerializer, **errors(400, 401, 403, 404)},
                   description="The scheme's volunteers on a day by gender, age band, ethnic group (the 2021 Census "
                               "groups) and home area, as counts and shares of the volunteers, beside the area's "
                               "population share. To everyone but the scheme's managers a group of fewer than the "
                               "scheme's `cohort_min_group` is suppressed (count null, `suppressed` true), and when it "
                               "alone would be, the next smallest group too, so the total cannot give it away. "
                               "Only managers may ask for another day (`on`): to others it is always today.")
    def get(self, request):
        query = CohortQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scheme = _scheme(request.user, "cohort", query.validated_data.get("scheme"))
        exact = request.user.is_superuser or request.user.role == Role.MANAGER
        if not exact and "on" in query.validated_data:
            # Two days' aggregates side by side would tell who joined or left with which answers.
            raise ValidationError({"on": [_("Only a manager counts the cohort on another day than today.")]})
        on = query.validated_data.get("on") or scheme.local_today()
        return Response(selectors.cohort(scheme=scheme, on=on, exact=exact))


class PopulationView(APIView):
    """The area's population shares by the cohort's groups, entered once by a manager from the census."""

    permission_classes = [RolePermission]
    read_roles = access.roles("population")
    write_roles = access.roles("population", WRITE)

    @extend_schema(responses={200: PopulationSerializer, **errors(400, 401, 403, 404)},
                   description="Your scheme's (400 to a superuser, who has none).")
    def get(self, request):
        return Response(selectors.population(_scheme(request.user, "population", None)))

    @extend_schema(request=PopulationSerializer, responses={200: PopulationSerializer, **WRITE_ERRORS},
                   description="Each dimension given is replaced whole; its groups are the cohort's keys and its "
                               "shares add up to at most 100.")
    def put(self, request):
        body = PopulationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scheme = _scheme(request.user, "population", None)
        services.population_set(scheme=scheme, shares=body.validated_data)
        return Response(selectors.population(scheme), status=status.HTTP_200_OK)
