import os

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "text"]


class NoteCreate(generics.CreateAPIView):
    serializer_class = NoteSerializer


class Coverage(APIView):
    """The service's own coverage statement (given by the benchmark, the site's id its one
    parameter), its rows returned as JSON: the floor of an authenticated DRF read of that SQL."""

    def get(self, request):
        try:
            site = int(request.query_params["site"])
        except (KeyError, ValueError):
            raise ValidationError({"site": ["A number."]}) from None
        with connection.cursor() as cursor:
            cursor.execute(os.environ["BARE_COVERAGE_SQL"], [site])
            names = [column.name for column in cursor.description]
            return Response([dict(zip(names, row)) for row in cursor.fetchall()])


def fixed(request):
    """The floor of any page: a bare Django view answering a fixed text."""
    return HttpResponse("A fixed page of the same size as nothing at all.", content_type="text/html; charset=utf-8")


urlpatterns = [path("notes/", NoteCreate.as_view()), path("coverage/", Coverage.as_view()), path("fixed/", fixed)]
