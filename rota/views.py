"""The rota over the API: availability, and the visits given to pairs. Custody staff and analysts get 404
on every path here, as if the rota did not exist; a visitor sees only their own availability and the
visits they are on."""

from datetime import date

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.permissions import RolePermission
from visits import access
from visits.models import Role, User
from visits.views import ScopedViewSet

from . import selectors, services
from .models import Assignment, Availability
from .serializers import (
    AssignmentSerializer,
    AvailabilitySerializer,
    DeclineSerializer,
    ReassignSerializer,
    RotaQuerySerializer,
)


class HiddenPermission(RolePermission):
    """The view's `resource` is secret: a role without a grant gets 404 before anything else."""

    def has_permission(self, request, view):
        user = request.user
        if user.is_authenticated and access.is_hidden_from(user, view.resource):
            raise NotFound()
        return super().has_permission(request, view)


@extend_schema_view(
    list=extend_schema(responses={200: AvailabilitySerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: AvailabilitySerializer, **READ_ERRORS}),
    create=extend_schema(responses={200: AvailabilitySerializer, 201: AvailabilitySerializer, **WRITE_ERRORS},
                         description="Gives (201) or replaces (200) a visitor's availability for a period."),
    update=extend_schema(responses={200: AvailabilitySerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: AvailabilitySerializer, **WRITE_ERRORS}),
)
class AvailabilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """When visitors can usually go (cells of the custody grid) in a period, and their leave: a visitor's
    own; a manager's for any visitor of the scheme."""

    permission_classes = [HiddenPermission]
    resource = "availability"
    serializer_class = AvailabilitySerializer
    queryset = Availability.objects.none()
    read_roles = access.roles("availability")
    write_roles = access.roles("availability", access.WRITE)

    def visible(self, user):
        return selectors.availability_for(user)

    def _visitor(self, data) -> User:
        user = self.request.user
        visitor_id = data.get("visitor_id")
        if user.role == Role.VISITOR:
            if visitor_id not in (None, user.pk):
                raise ValidationError({"visitor": [_("You give only your own availability.")]})
            return user
        visitor = User.objects.filter(pk=visitor_id, role=Role.VISITOR).first() if visitor_id else None
        if visitor is None or not (user.is_superuser or visitor.scheme_id == user.scheme_id):
            raise ValidationError({"visitor": [_("Name a visitor of your scheme.")]})
        return visitor

    def _save(self, visitor: User, data, day):
        row, created = services.availability_save(
            visitor=visitor, day=day, cells=data.get("cells", []), leave=data.get("leave", []),
            by_email=data.get("by_email", False))
        row = self.visible(self.request.user).get(pk=row.pk)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._save(self._visitor(data), data, data["period_from"])

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = {"cells": row.cells, "leave": [date.fromisoformat(d) for d in row.leave],
                "by_email": row.by_email, **serializer.validated_data}
        return self._save(row.visitor, data, row.period_from)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


@extend_schema_view(
    list=extend_schema(parameters=[RotaQuerySerializer], responses={200: AssignmentSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: AssignmentSerializer, **READ_ERRORS}),
)
class RotaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Planned visits given to pairs: the manager sees the scheme's rota, a visitor the visits they are on.
    Filter by `week` (any date of it), `site`, `visitor` and `state`."""

    permission_classes = [HiddenPermission]
    resource = "rota"
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    read_roles = access.roles("rota")
    write_roles = access.roles("rota", access.WRITE)

    def visible(self, user):
        qs = selectors.assignments_for(user)
        if self.action != "list":
            return qs
        query = RotaQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        if "week" in given:
            qs = qs.filter(date__range=selectors.week_of(given["week"]))
        if "site" in given:
            qs = qs.filter(site_id=given["site"])
        if "visitor" in given:
            qs = qs.filter(seats__visitor_id=given["visitor"])
        if "state" in given:
            qs = qs.filter(state=given["state"])
        return qs.distinct()


class RotaOperationView(APIView):
    """One answer to one visit on the rota, by the caller (404 for a visit they are not shown)."""

    permission_classes = [HiddenPermission]
    resource = "rota"
    read_roles = ()
    write_roles = access.roles("rota", access.WRITE)

    def assignment(self, request, pk: int) -> Assignment:
        if pk > 2**63 - 1:
            raise NotFound()
        return get_object_or_404(selectors.assignments_for(request.user), pk=pk)

    def answer(self, request, assignment: Assignment) -> Response:
        return Response(AssignmentSerializer(selectors.assignments_for(request.user).get(pk=assignment.pk)).data)


class AcceptView(RotaOperationView):
    @extend_schema(request=None, responses={200: AssignmentSerializer, **WRITE_ERRORS},
                   description="The caller, one of the pair, accepts; the visit is `accepted` once both have.")
    def post(self, request, pk: int):
        assignment = services.assignment_accept(assignment=self.assignment(request, pk), visitor=request.user)
        return self.answer(request, assignment)


class DeclineView(RotaOperationView):
    @extend_schema(request=DeclineSerializer, responses={200: AssignmentSerializer, **WRITE_ERRORS},
                   description="The caller, one of the pair, cannot go (a reason from the list): they leave the visit "
                               "and a replacement is drawn within a minute; the pair is told, or the manager if "
                               "nobody can go. The caller no longer sees the visit afterwards.")
    def post(self, request, pk: int):
        assignment = self.assignment(request, pk)
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assignment_decline(assignment=assignment, visitor=request.user,
                                    reason=serializer.validated_data["reason"])
        return Response(AssignmentSerializer(Assignment.objects.select_related("site").prefetch_related(
            "seats__visitor").get(pk=assignment.pk)).data)


class ReassignView(RotaOperationView):
    write_roles = access.roles("rota_reassign", access.WRITE)

    @extend_schema(request=ReassignSerializer, responses={200: AssignmentSerializer, **WRITE_ERRORS},
                   description="The manager gives the visit to two visitors (keeping one of the pair swaps the other).")
    def post(self, request, pk: int):
        assignment = self.assignment(request, pk)
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["visitors"]
        found = {v.pk: v for v in User.objects.filter(pk__in=ids, scheme_id=assignment.scheme_id, role=Role.VISITOR)}
        if len(found) != len(set(ids)):
            raise ValidationError({"visitors": [_("Name two visitors of the scheme.")]})
        services.assignment_reassign(assignment=assignment, visitors=[found[i] for i in ids])
        return self.answer(request, assignment)
