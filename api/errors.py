"""The shape of every error answer, and its documentation in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """401, 403, 404, 415, 429, 503 and a 409 about the request as a whole: one message."""

    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """400 (DRF's shape): each field or query parameter named with its list of messages; a nested
    object's or list's messages nest the same way. `non_field_errors`: what no one field is to blame for."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    detail = serializers.CharField(required=False, help_text="A request refused whole, before its fields were read.")


class ReportConflictSerializer(serializers.Serializer):
    """409 on a report: its client_uuid is stored with other content."""

    client_uuid = serializers.ListField(child=serializers.CharField())


# A field's messages (a list of text); a nested object's are an object of the same, and a list of
# nested objects' a list of them, one per item ({} for an item without fault).
FIELD_MESSAGES = {"anyOf": [
    {"type": "array", "items": {"type": "string"}},
    {"type": "object", "additionalProperties": True},
    {"type": "array", "items": {"type": "object", "additionalProperties": True}},
]}


class ValidationErrorExtension(OpenApiSerializerExtension):
    """Every other key of a 400 is a field's or parameter's name: the schema says so, so a generated
    client reads each message rather than dropping it as an unknown property."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = FIELD_MESSAGES
        return schema


DESCRIPTIONS = {
    400: "Invalid input: a list of messages for each field.",
    401: "Not signed in.",
    403: "Your role may not do this.",
    404: "No such object in your scheme.",
    409: "This conflicts with what is already stored.",
    503: "The task queue is down: nothing was queued.",
}


def error(code: int, description: str | None = None) -> OpenApiResponse:
    shape = ValidationErrorSerializer if code == 400 else ErrorSerializer
    return OpenApiResponse(shape, description=description or DESCRIPTIONS[code])


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
