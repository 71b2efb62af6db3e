"""Serializer fields that hold the contract's input rules for phones' reports."""

import re
from datetime import UTC, date
from decimal import Decimal

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

MAX_TEXT = 5000
# Control characters other than tab and newline, bidirectional overrides and isolates, lone surrogates.
FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same rule for the schema, lone surrogates aside (JSON Schema's text is always valid Unicode).
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]*$"


class SafeTextField(serializers.CharField):
    default_error_messages = {
        "forbidden": _("Remove control or text-direction characters (only tab and newline are allowed)."),
        "not_string": _("Give text, not a number or an object."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        # A phone may send null for an optional text it left empty: that is the empty text.
        if data is None and self.allow_blank and not self.required:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_string")
        if FORBIDDEN_TEXT.search(data):
            self.fail("forbidden")
        return super().to_internal_value(data)


class PlausibleDateField(serializers.DateField):
    """A date of the service's era, 2000 to 2100: outside it a date is a slip of the keyboard, and near
    the calendar's ends the arithmetic of weeks and periods would overflow."""

    EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
    default_error_messages = {"implausible": _("Give a date between 2000-01-01 and 2100-12-31.")}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not self.EARLIEST <= day <= self.LATEST:
            self.fail("implausible")
        return day


class CountField(serializers.IntegerField):
    """A whole number of people or animals: a JSON integer, not a string, float or boolean."""

    default_error_messages = {"invalid": _("Give a whole number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 1000)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(CountField):
    """An object's id: a JSON integer that fits the database's 64-bit keys (beyond them the
    database driver raises instead of finding nothing)."""

    default_error_messages = {"invalid": _("Give the id as a whole number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its offset; a naive time is ambiguous on a phone and is refused."""

    default_error_messages = {
        "naive": _("Give the time with its offset, e.g. 2024-02-06T21:40:00+00:00."),
        "invalid": _("Give an ISO 8601 time with its offset, e.g. 2024-02-06T21:40:00+00:00."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail("naive")
        try:
            # Stored and compared in UTC: a time near year 1 or 9999 may not exist there.
            parsed.astimezone(UTC)
        except OverflowError:
            self.fail("invalid")
        return parsed


class _TextOnly:
    """Refuses a number or an object where the schema says text (DRF's own fields would turn 0 into "0")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(_TextOnly, serializers.CharField):
    pass


class StrictSlugField(_TextOnly, serializers.SlugField):
    pass


class StrictEmailField(_TextOnly, serializers.EmailField):
    pass


class DecimalNumberField(serializers.DecimalField):
    """A JSON number with at most `decimal_places` decimals (an amount of money); the schema states
    the step, so a client knows 12.345 is refused before sending it."""


class StrictModelSerializer(serializers.ModelSerializer):
    """A model serializer that takes only what the schema says: booleans are true or false (DRF's
    own would take 0, 1, "yes" and more), and text is text."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.BooleanField: StrictBooleanField, models.CharField: StrictCharField,
                                models.TextField: StrictCharField, models.SlugField: StrictSlugField,
                                models.EmailField: StrictEmailField, models.DecimalField: DecimalNumberField}


class SafeTextFieldExtension(OpenApiSerializerFieldExtension):
    """The schema states the free-text rule as a pattern, so a client knows what is refused."""

    target_class = SafeTextField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = TEXT_PATTERN
        return schema


class DecimalNumberFieldExtension(OpenApiSerializerFieldExtension):
    target_class = DecimalNumberField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        # Input only: an answer's number (18.55) is no exact multiple of 0.01 in binary floating point,
        # so a validator of answers would refuse it; what is sent is judged as decimal text.
        if direction == "request":
            schema["multipleOf"] = float(Decimal(1).scaleb(-self.target.decimal_places))
        return schema
