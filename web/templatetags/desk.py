"""One way to write dates and times on every page: "1 Dec 2026", "1 Dec 2026, 14:05" in the scheme's zone."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from visits.periods import fy_label
from web.forms import LABELS

register = template.Library()

DAY = "%-d %b %Y"


@register.filter
def day(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime(DAY)


@register.filter
def when(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return timezone.localtime(value).strftime(f"{DAY}, %H:%M")


@register.filter
def clock(value) -> str:
    return "–" if value is None else timezone.localtime(value).strftime("%H:%M")


@register.filter
def field_label(name: str) -> str:
    """A report field as the forms name it: "travel_minutes" is "Travel (minutes, all visitors)"."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


@register.filter
def stored(value) -> str:
    """A value as a correction recorded it: stored times (ISO text, UTC) in the scheme's zone."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and len(value) >= 16 and value[10:11] == "T":
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


register.filter("fy_label", fy_label)


@register.filter
def pct(value) -> str:
    return "–" if value is None else f"{value:.1f}%"


@register.filter
def share(value) -> str:
    return "–" if value in (None, "") else f"{value:.0%}"
