"""The volunteer register over the API: `volunteers/` (a visitor's record), `volunteers/{id}/training/`
and `training-courses/`. Managers keep their scheme's; a visitor reads only their own record; custody
staff and analysts learn nothing of anyone's (404)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.fields import PlausibleDateField, SafeTextField, StrictModelSerializer
from api.permissions import RolePermission

from . import access, selectors, services
from .access import WRITE
from .eligibility import is_trained, on_probation, refusal
from .models import Stage, TrainingCourse, TrainingRecord, User
from .views import ScopedViewSet, documented


def _today(user: User):
    return user.scheme.local_today() if user.scheme is not None else timezone.localdate()


class RegisterPermission(RolePermission):
    """Roles with no grant on the register (custody staff, analysts) get 404, not 403."""

    resource = "volunteers"

    def has_permission(self, request, view):
        if request.user.is_authenticated and access.is_hidden_from(request.user, self.resource):
            raise NotFound()
        return super().has_permission(request, view)


class SchemeVisitorField(serializers.PrimaryKeyRelatedField):
    """Another visitor of the same scheme as the record's (the buddy)."""

    def get_queryset(self):
        record = self.parent.instance
        if record is None or isinstance(record, list):
            return User.objects.none()
        return User.objects.filter(scheme_id=record.scheme_id, role=record.role)


class VolunteerSerializer(StrictModelSerializer):
    state = serializers.ChoiceField(source="stage", choices=Stage.choices, required=False,
                                    help_text="applicant → in_checks → probation → appointed → left.")
    buddy = SchemeVisitorField(required=False, allow_null=True,
                               help_text="The experienced visitor who accompanies one on probation.")
    may_visit_today = serializers.SerializerMethodField()
    refused_because = serializers.SerializerMethodField()
    on_probation_today = serializers.SerializerMethodField()
    trained_today = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "username", "first_name", "last_name", "state", "joined_on", "left_on", "probation_ends_on", "buddy",
            "probation_signed_off_on", "probation_signed_off_by", "term_starts_on", "term_ends_on", "review_on",
            "vetting_cleared_on", "vetting_expires_on", "leaving_reason", "exit_interview_held",
            "may_visit_today", "refused_because", "on_probation_today", "trained_today",
        ]
        read_only_fields = ["id", "username", "first_name", "last_name", "probation_signed_off_on",
                            "probation_signed_off_by"]

    def get_may_visit_today(self, record: User) -> bool:
        return refusal(record, _today(record)) is None

    def get_refused_because(self, record: User) -> str | None:
        """Why the register would refuse them on a report of today; null when it would not."""
        return refusal(record, _today(record))

    def get_on_probation_today(self, record: User) -> bool:
        return on_probation(record, _today(record))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_trained_today(self, record: User) -> list[str]:
        """The keys of the courses they hold a valid record of today (e.g. tact, animal_welfare)."""
        day = _today(record)
        keys = sorted({row[0] for row in getattr(record, "training_rows", None) or ()})
        return [key for key in keys if is_trained(record, key, day)]


class VolunteerFilter(filters.FilterSet):
    state = filters.ChoiceFilter(field_name="stage", choices=Stage.choices)

    class Meta:
        model = User
        fields = ["state"]


class CourseField(serializers.SlugRelatedField):
    """A course of the record's scheme, by its key."""

    def get_queryset(self):
        volunteer = self.context.get("volunteer")
        return TrainingCourse.objects.filter(scheme_id=volunteer.scheme_id) if volunteer else TrainingCourse.objects.none()


class TrainingRecordSerializer(serializers.ModelSerializer):
    course = CourseField(slug_field="key", help_text="The course's key, e.g. tact.")
    course_name = serializers.SerializerMethodField()
    valid_today = serializers.SerializerMethodField()

    completed_on = PlausibleDateField()

    class Meta:
        model = TrainingRecord
        fields = ["id", "course", "course_name", "completed_on", "expires_on", "valid_today", "recorded_by"]
        read_only_fields = ["id", "expires_on", "recorded_by"]

    def get_course_name(self, record: TrainingRecord) -> str:
        return record.course.display_name()

    def get_valid_today(self, record: TrainingRecord) -> bool:
        return record.is_valid_on(_today(record.volunteer))


@extend_schema_view(
    list=extend_schema(responses={200: VolunteerSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: VolunteerSerializer, **READ_ERRORS}),
    update=extend_schema(responses={200: VolunteerSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: VolunteerSerializer, **WRITE_ERRORS}),
)
class VolunteerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    """The register: each visitor's stage, probation, term, vetting and leaving. Managers keep their
    scheme's; a visitor reads their own record only."""

    permission_classes = [RegisterPermission]
    queryset = User.objects.none()
    serializer_class = VolunteerSerializer
    read_roles = access.roles("volunteers")
    write_roles = access.roles("volunteers", WRITE)
    filterset_class = VolunteerFilter

    def visible(self, user):
        return selectors.with_training(selectors.volunteers_visible(user))

    def perform_update(self, serializer):
        serializer.instance = services.volunteer_update(volunteer=serializer.instance, by=self.request.user,
                                                        fields=dict(serializer.validated_data))

    @extend_schema(methods=["GET"], responses={200: TrainingRecordSerializer(many=True), **LIST_ERRORS},
                   description="A visitor's training records, latest first.")
    @extend_schema(methods=["POST"], request=TrainingRecordSerializer,
                   responses={201: TrainingRecordSerializer, 200: TrainingRecordSerializer, **WRITE_ERRORS},
                   description="Record a course the visitor completed (a manager); it is valid for the course's "
                               "validity from that day. The same course on the same day again (a retry) answers "
                               "200 with the record already kept.")
    @action(detail=True, methods=["get", "post"], read_roles=access.roles("volunteers"),
            write_roles=access.roles("volunteers", WRITE), serializer_class=TrainingRecordSerializer,
            filterset_class=None)
    def training(self, request, pk=None):
        volunteer = self.get_object()
        context = {**self.get_serializer_context(), "volunteer": volunteer}
        if request.method == "POST":
            given = TrainingRecordSerializer(data=request.data, context=context)
            given.is_valid(raise_exception=True)
            record, created = services.training_record_add(volunteer=volunteer, by=request.user, **given.validated_data)
            return Response(TrainingRecordSerializer(record, context=context).data,
                            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        records = self.paginate_queryset(selectors.training_of(volunteer))
        return self.get_paginated_response(TrainingRecordSerializer(records, many=True, context=context).data)


class TrainingCourseSerializer(StrictModelSerializer):
    name = SafeTextField(max_length=200, allow_blank=False)

    class Meta:
        model = TrainingCourse
        fields = ["id", "key", "name", "validity_months", "hours"]
        read_only_fields = ["id"]

    def validate_key(self, value):
        request = self.context["request"]
        scheme_id = self.instance.scheme_id if self.instance else request.user.scheme_id
        if TrainingCourse.objects.filter(scheme_id=scheme_id, key=value).exclude(
                pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError(_("The scheme has a course with this key already."))
        return value

    def to_representation(self, instance):
        answer = super().to_representation(instance)
        answer["name"] = instance.display_name()
        return answer


@documented(TrainingCourseSerializer)
class TrainingCourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            mixins.UpdateModelMixin, ScopedViewSet):
    """The scheme's training courses (scheme data): managers add and rename them; visitors read them."""

    serializer_class = TrainingCourseSerializer
    queryset = TrainingCourse.objects.none()
    read_roles = access.roles("training_courses")
    write_roles = access.roles("training_courses", WRITE)

    def visible(self, user):
        return selectors.courses_visible(user).order_by("id")

    def perform_create(self, serializer):
        if self.request.user.scheme is None:
            raise serializers.ValidationError({"scheme": [_("Courses belong to a scheme: sign in as its manager.")]})
        serializer.instance = services.course_save(course=TrainingCourse(scheme=self.request.user.scheme),
                                                   fields=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.course_save(course=serializer.instance, fields=dict(serializer.validated_data))
