"""The API: a manager publishes a completed period, or a correction of it, and lists the releases."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.permissions import RolePermission
from visits import access

from . import selectors, services
from .models import Release
from .serializers import ReleaseInputSerializer, ReleaseSerializer


class ReleaseListView(generics.ListAPIView):
    """The scheme's releases, every version, the latest period first."""

    permission_classes = [RolePermission]
    serializer_class = ReleaseSerializer
    read_roles = access.roles("releases")
    write_roles = access.roles("releases", access.WRITE)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Release.objects.none()
        return selectors.releases_visible(self.request.user)

    @extend_schema(responses={200: ReleaseSerializer(many=True), **LIST_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ReleaseInputSerializer, responses={201: ReleaseSerializer, **WRITE_ERRORS},
                   description="Publish a completed quarter or financial year: its figures are frozen, "
                               "disclosure-controlled, as its next version. A period not ended answers 400; "
                               "a correction (the period already has a release) needs `note`.")
    def post(self, request):
        data = ReleaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fy, quarter = data.validated_data["period"]
        scheme = data.validated_data.get("scheme")
        if not request.user.is_superuser:
            scheme = request.user.scheme
        elif scheme is None:
            raise ValidationError({"scheme": [_("Name the scheme.")]})
        release = services.release_publish(scheme=scheme, fy=fy, quarter=quarter, user=request.user,
                                           note=data.validated_data["note"])
        release = selectors.releases_visible(request.user).get(pk=release.pk)
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class ReleaseDetailView(generics.RetrieveAPIView):
    """One version of a release, with its figures as published."""

    permission_classes = [RolePermission]
    serializer_class = ReleaseSerializer
    read_roles = access.roles("releases")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Release.objects.none()
        return selectors.releases_visible(self.request.user)

    @extend_schema(responses={200: ReleaseSerializer, **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
