"""The return's and the annual report's machine names in words people read: the workbook's sheet for
people and the report's profile of those seen. The machine names themselves never change."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The profile's groups and values in words; one not named here is shown as stored, tidied.
PROFILE_GROUPS = {"gender": _("Gender"), "age_group": _("Age group"), "ethnicity": _("Ethnicity"),
                  "vulnerability": _("Vulnerability")}
PROFILE_VALUES = {
    "gender": {"female": _("Female"), "male": _("Male"), "other": _("Other")},
    "age_group": {"adult": _("Adult"), "juvenile": _("Child (under 18)")},
}

HEADINGS = {
    "scheme": _("Scheme"), "fy": _("Financial year"), "quarter": _("Quarter"), "from": _("From"), "to": _("To"),
    "visits": _("Custody visits"), "target": _("Target"), "target_pct": _("Target met (per cent)"),
    "visits_attempted": _("Visits attempted"),
    "visits_by_outcome_completed": _("Visits completed in person"),
    "visits_by_outcome_remote": _("Visits made remotely"),
    "visits_by_outcome_access_refused": _("Visits where access was refused"),
    "visits_by_outcome_abandoned": _("Visits abandoned"),
    "access_immediate": _("Immediate access (5 minutes or less)"),
    "access_6-15": _("Access after 6 to 15 minutes"),
    "access_over-15": _("Access after more than 15 minutes"),
    "access_immediate_pct": _("Immediate access (per cent)"),
    "access_delays_authorised_below_inspector": _("Delays authorised below the rank of inspector"),
    "access_delays_without_rank": _("Delays with no authorising rank given"),
    "detainees_present": _("Detainees present"), "detainees_offered": _("Detainees offered a visit"),
    "detainees_not_offered": _("Detainees not offered a visit"),
    "detainees_unavailable": _("Detainees unavailable"), "detainees_observed": _("Detainees observed only"),
    "detainees_seen": _("Detainees seen"), "detainees_refused": _("Detainees who refused"),
    "detainees_offered_pct": _("Offered a visit (per cent of present)"),
    "detainees_not_offered_pct": _("Not offered a visit (per cent of present)"),
    "detainees_unavailable_pct": _("Unavailable (per cent of present)"),
    "detainees_observed_pct": _("Observed only (per cent of present)"),
    "detainees_seen_pct_of_offered": _("Seen (per cent of offered)"),
    "detainees_refused_pct_of_offered": _("Refused (per cent of offered)"),
    "juveniles_present": _("Children (under 18) present"),
    "vulnerable_present": _("Detainees flagged vulnerable present"),
    "custody_records_examined": _("Custody records examined"),
    "tact_visits": _("TACT visits"), "concerns_raised": _("Concerns of ill-treatment raised"),
    "concerns_open": _("Concerns of ill-treatment still open"),
    "issues_resolved_during_visit_pct": _("Issues resolved during the visit (per cent)"),
    "volunteer_hours": _("Volunteer hours"), "volunteer_value": _("Volunteer value (£)"),
    "volunteers_active": _("Volunteers during the period"), "volunteers_joined": _("Volunteers who joined"),
    "volunteers_left": _("Volunteers who left"), "volunteers_at_end": _("Volunteers at the end"),
    "volunteers_long_service": _("Volunteers with long service"),
    "volunteers_long_service_pct": _("Volunteers with long service (per cent)"),
    "volunteers_long_service_years": _("Long service (years)"),
    "animal_visits": _("Animal welfare visits"), "animal_visits_attempted": _("Animal welfare visits attempted"),
    "animal_target": _("Animal welfare target"), "animal_target_pct": _("Animal welfare target met (per cent)"),
}


def tidy(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").capitalize()


def profile_group(dimension: str) -> str:
    return str(PROFILE_GROUPS.get(dimension, tidy(dimension)))


def profile_value(dimension: str, value: str) -> str:
    return str(PROFILE_VALUES.get(dimension, {}).get(value, tidy(value)))


def heading(column: str, categories: dict[str, str]) -> str:
    """A column of the return in words: `categories` maps a category's slug to its name."""
    if column in HEADINGS:
        return str(HEADINGS[column])
    if column.startswith("issues_by_category_"):
        slug = column.removeprefix("issues_by_category_")
        return gettext("Issues: %(category)s") % {"category": categories.get(slug, tidy(slug))}
    if column.startswith("seen_profile_"):
        rest = column.removeprefix("seen_profile_")
        dimension = next((d for d in PROFILE_GROUPS if rest.startswith(f"{d}_")), rest.split("_", 1)[0])
        value = rest.removeprefix(f"{dimension}_")
        return gettext("Seen: %(group)s, %(value)s") % {"group": profile_group(dimension),
                                                        "value": profile_value(dimension, value)}
    return tidy(column)
