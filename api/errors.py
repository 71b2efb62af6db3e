"""The shape of every error answer, and its documentation in the OpenAPI schema."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """400: one list of messages per field, as DRF gives them; 401/403/404/409: a detail."""

    detail = serializers.CharField(required=False)
    field_name = serializers.ListField(child=serializers.CharField(), required=False)  # type: ignore[assignment]


DESCRIPTIONS = {
    400: "Invalid input: a list of messages for each field.",
    401: "Not signed in.",
    403: "Your role may not do this.",
    404: "No such object in your scheme.",
    409: "This conflicts with what is already stored.",
    503: "The task queue is down: nothing was queued.",
}


def error(code: int, description: str | None = None) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description or DESCRIPTIONS[code])


def errors(*codes: int, media_type: str | None = None, **descriptions: str) -> dict:
    """The documented error answers of an operation; `e403="..."` words one of them for it.
    With a media type the keys are (code, media type), for views that also answer files."""
    answers = {code: error(code, descriptions.get(f"e{code}")) for code in codes}
    return answers if media_type is None else {(code, media_type): answer for code, answer in answers.items()}


READ_ERRORS = errors(401, 403, 404)
LIST_ERRORS = errors(400, 401, 403, 404)  # 400: a bad filter value; 404: an unknown ?format=
WRITE_ERRORS = errors(400, 401, 403, 404)


def document_unsupported_media_type(result, generator, request, public):
    """drf-spectacular hook: every operation that takes a body answers 415 to one that is not JSON."""
    for operations in result["paths"].values():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                operation["responses"].setdefault("415", {
                    "description": "The body is not JSON.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
