"""Query-string filters shared by the API's lists."""

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
