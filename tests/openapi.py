"""Every JSON answer a test receives from /api/v1/ must be one the OpenAPI schema describes for
that path, method and status (Zulip's habit): the published description cannot drift from the code."""

from functools import cache

from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIResponse
from openapi_core.datatypes import RequestParameters
from rest_framework.test import APIClient


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(SchemaGenerator().get_schema(request=None, public=True))


class AnsweredRequest:
    """What openapi-core needs of the request to find the operation: its method and path."""

    def __init__(self, request):
        self.host_url = "http://testserver"
        self.path = request.path
        self.method = request.method.lower()
        self.parameters = RequestParameters(query=request.GET)
        self.body = b""
        self.content_type = "application/json"


# The schema itself, which describes the API but is not part of it.
UNDESCRIBED = {"/api/v1/schema/"}


class CheckedClient(APIClient):
    def generic(self, *args, **kwargs):
        response = super().generic(*args, **kwargs)
        request = getattr(response, "wsgi_request", None)
        if (request is not None and request.path.startswith("/api/v1/") and request.path not in UNDESCRIBED
                and response.status_code < 500
                and response.get("Content-Type", "").startswith("application/json")):
            openapi().validate_response(AnsweredRequest(request), DjangoOpenAPIResponse(response))
        return response
