from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.http_errors import RETRY_AFTER_SECONDS
from visits import services

from .celery import app as celery_app


class HealthNotificationsSerializer(serializers.Serializer):
    pending = serializers.IntegerField(help_text="E-mails waiting to be sent.")
    failed = serializers.IntegerField(help_text="E-mails given up on after every retry; the managers see them.")


class HealthView(APIView):
    """For load balancers and operators: is the database answering, and is the broker reachable?"""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={
        200: inline_serializer("Health", {"database": serializers.CharField(), "broker": serializers.CharField(),
                                          "notifications": HealthNotificationsSerializer()}),
        503: OpenApiResponse(
            inline_serializer("Unhealthy", {"database": serializers.CharField(), "broker": serializers.CharField(),
                                            "notifications": HealthNotificationsSerializer(required=False)}),
            description="The database or the broker is down, as its field says."),
    })
    def get(self, request):
        status = {"database": "ok", "broker": "in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"}
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            status["database"] = f"down: {exc.__class__.__name__}"
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            try:
                with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                    conn.ensure_connection(max_retries=1, timeout=2)
            except Exception as exc:
                status["broker"] = f"down: {exc.__class__.__name__}"
        healthy = all(value in ("ok", "in-process") for value in status.values())
        if status["database"] == "ok":
            # Reported, not judged: an e-mail the force's server refused is no reason to take this instance out.
            status["notifications"] = services.notifications_health()
        if healthy:
            return Response(status)
        return Response(status, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
