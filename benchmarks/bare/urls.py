from django.urls import path
from rest_framework import generics, serializers

from .models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "text"]


class NoteCreate(generics.CreateAPIView):
    serializer_class = NoteSerializer


urlpatterns = [path("notes/", NoteCreate.as_view())]
