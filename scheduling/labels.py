"""What people read for a grid's machine values: its days ("monday" ... "weekend") in the active language.

The API keeps the machine values (`day` is "monday" in every language); pages, pictures and files
for people show these labels instead."""

from django.utils.translation import gettext_lazy as _

DAY_LABELS = {
    "monday": _("Monday"),
    "tuesday": _("Tuesday"),
    "wednesday": _("Wednesday"),
    "thursday": _("Thursday"),
    "friday": _("Friday"),
    "saturday": _("Saturday"),
    "sunday": _("Sunday"),
    "weekend": _("Weekend"),
}


def day_label(day: str) -> str:
    """A grid day's name for people, capitalised as a table's row heading ("Monday", "Dydd Llun")."""
    label = DAY_LABELS.get(day)
    return str(label) if label is not None else day.capitalize()
