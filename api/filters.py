"""Query-string filters shared by the API's lists."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

# A form's unset field and a JavaScript null written into a URL: a caller's mistake, which would
# otherwise pass for "no filter" (django-filter and DRF skip an empty value) and answer the wrong list.
BLANK_VALUES = ("", "null")
BLANK_MESSAGE = _("Give a value, or leave the parameter out.")


def refuse_blank_parameters(query_params, names) -> None:
    """A 400 naming each of `names` given empty or as `null`; left out is fine."""
    blank = {name: [BLANK_MESSAGE] for name in names
             if any(value.strip() in BLANK_VALUES for value in query_params.getlist(name))}
    if blank:
        raise ValidationError(blank)


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, refusing a filter given empty or as `null` (every list's filters)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            refuse_blank_parameters(request.query_params, filterset.filters)
        return filterset


# Input read from a query string (a window, a period, a site): a parameter given empty or as `null`
# is refused, where DRF would take an empty optional one for absent. (A comment: the schema would
# show a docstring as the description of every serializer built on it.)
class QuerySerializer(serializers.Serializer):

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            refuse_blank_parameters(data, self.fields)
        return super().to_internal_value(data)


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
            raise forms.ValidationError(_("Give true or false."), code="invalid")
        return value == "true"

    def validate(self, value):
        pass


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    field_class = _TrueOrFalse

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # the raw value, for the field to judge
        super().__init__(*args, **kwargs)
