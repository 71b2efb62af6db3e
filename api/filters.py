"""Query-string filters shared by the API's lists."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

ID_MAX = 2**63 - 1  # the database's keys: a larger number is a 400, not an overflow in the driver


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(filters.NumberFilter):
    """An object's id: finds nothing for an id that does not exist (an empty page, not a 400)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class _TrueOrFalse(forms.NullBooleanField):
    """`true` or `false`, as the schema's boolean is written in a query string; absent is no filter."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError("Give true or false.", code="invalid")
        return value == "true"

    def validate(self, value):
        pass


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    field_class = _TrueOrFalse

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # the raw value, for the field to judge
        super().__init__(*args, **kwargs)
