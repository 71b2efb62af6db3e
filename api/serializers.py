"""Serializers whose fields are built once per class, for a hot path. DRF builds every field of a
serializer anew for each instance (deep copies of the declared ones, the model's read again for
a ModelSerializer): for a report's forty fields, more CPU than the rest of the request but its
queries. Fields keep no state from one call to the next, so one bound set serves every call that
needs no context and is not a partial update."""

from functools import cache

from rest_framework import serializers


@cache
def _bound(serializer_class) -> serializers.Serializer:
    serializer = serializer_class()
    serializer.fields  # noqa: B018 (built and bound here, once)
    return serializer


def validated_data(serializer_class, data) -> dict:
    """As `serializer_class(data=data)` after `is_valid(raise_exception=True)`: the same errors, the same data."""
    serializer = serializer_class(data=data)
    serializer.fields = _bound(serializer_class).fields
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def representation(serializer_class, instance) -> dict:
    """As `serializer_class(instance).data`."""
    return _bound(serializer_class).to_representation(instance)
