"""One way to write dates, times and numbers on every page, in the page's language and the scheme's zone:
"1 Dec 2026, 14:05" in English, "1 Rhagfyr 2026, 14:05" in Welsh (the formats in web/formats/)."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format

from scheduling.labels import day_label
from visits.periods import fy_label
from web.forms import LABELS
from web.language import offers_welsh as welsh_offered

register = template.Library()

# The grids name their days in English ("monday", or "weekend" on the animal unit's grid).


@register.filter
def day(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "DATE_FORMAT")


@register.filter
def when(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


@register.filter
def clock(value) -> str:
    return "–" if value is None else time_format(timezone.localtime(value), "TIME_FORMAT")


@register.filter
def weekday(name: str) -> str:
    """A grid's day ("monday", "weekend") as a heading writes it, in the page's language: "Monday", "Dydd Llun"."""
    return day_label(name.lower())


@register.filter
def field_label(name: str) -> str:
    """A report field as the forms name it: "travel_minutes" is "Travel (minutes, all visitors)"."""
    return str(LABELS.get(name, name.replace("_", " ").capitalize()))


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
    return "–" if value is None else f"{number_format(round(value, 1), 1)}%"


@register.filter
def num(value, places=None) -> str:
    """A count or measure, grouped by thousands in the page's language: "1,160", or "442.4" with places=1."""
    if value in (None, ""):
        return "–"
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def money(value) -> str:
    """Pounds to the penny, grouped: "£7,491.29"."""
    return "–" if value in (None, "") else f"£{num(value, 2)}"


@register.filter
def share(value) -> str:
    return "–" if value in (None, "") else f"{number_format(round(value * 100), 0)}%"


@register.filter
def share_takes_an(value) -> bool:
    """Whether the share as `share` writes it is said after "an" in English: an 8%, an 11%, an 18%,
    an 80-89%; a 1%, a 50%, a 100%."""
    if value in (None, ""):
        return False
    n = round(value * 100)
    return n in (8, 11, 18) or 80 <= n <= 89


@register.filter
def html_lang(language_code: str) -> str:
    """Django's language code as <html lang> writes it: "en-gb" is "en-GB"."""
    language, _, region = (language_code or "en-gb").partition("-")
    return f"{language}-{region.upper()}" if region else language


@register.filter
def offers_welsh(user) -> bool:
    """Whether the header offers the other language: always before signing in (the scheme is not known
    yet), then on a scheme that offers Welsh, or to anyone who chose Welsh (so they can always go back)."""
    return welsh_offered(user)


@register.filter
def get(mapping: dict, key: str):
    """A figure whose key a template cannot spell ("6-15")."""
    return mapping.get(key) if mapping else None
