"""What people read for a grid's machine values: its days ("monday" ... "weekend") in the active language.

The API keeps the machine values (`day` is "monday" in every language); pages, pictures and files
for people show these labels instead."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

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
    # A heading starts with a capital; in a sentence Welsh writes "dydd Llun" (the glossary).
    return capfirst(str(label)) if label is not None else day.capitalize()

# Django's own Welsh catalogue spells July "Gorffenaf"; it is "Gorffennaf". A catalogue of ours wins
# over Django's, so this entry corrects every date written in Welsh ("1 Gorffennaf 2024"), the
# heatmap's title included. Better moved to the project's catalogue (LOCALE_PATHS) once it has one.
MONTH_SPELLING_FIXES = (gettext_noop("July"),)
