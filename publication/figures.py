"""A release's figures, from the service's own figures (reporting.selectors): the same KPIs the API,
the desk and the annual report show, laid out as cells (measure, item) for disclosure control and
then as the rows every public form of a release shares (page, CSV, JSON)."""

from statistics import median

from django.utils import translation

from reporting import selectors as reporting
from reporting.selectors import ACCESS_BANDS, OUTCOMES, pct
from visits.models import DETAINEES, IssueCategory, Scheme, SiteKind
from volunteers import selectors as register
from volunteers.models import PopulationShare

from . import disclosure
from .models import YEAR, release_period

ACCESS_MEASURES = dict(zip(ACCESS_BANDS, ("access_immediate", "access_6_15", "access_over_15")))
DETAINEE_MEASURES = tuple(f"detainees_{name}" for name in DETAINEES)
# Counts of people, and of the issues raised about them: shown only when not small. Counts of
# visits and hours are of the scheme's work, not of any person, and are shown as they are.
CONTROLLED = (*DETAINEE_MEASURES, "juveniles_present", "vulnerable_present", "issues_raised",
              "volunteers_active", "volunteers_at_end", "volunteers_joined", "volunteers_left",
              "volunteers_long_service")
# Counts of a year that are the sums of its quarters' (flows, not head counts on a day).
ADDITIVE = (*DETAINEE_MEASURES, "juveniles_present", "vulnerable_present", "issues_raised",
            "volunteers_joined", "volunteers_left")
# Percentages and medians, each from its counts: withheld when one of them is not shown.
PERCENTAGES = {
    "detainees_offered_pct_of_present": ("detainees_offered", "detainees_present"),
    "detainees_seen_pct_of_offered": ("detainees_seen", "detainees_offered"),
    "detainees_refused_pct_of_offered": ("detainees_refused", "detainees_offered"),
    "volunteers_long_service_pct": ("volunteers_long_service", "volunteers_at_end"),
}
SHOWN, SMALL, SECONDARY, WITHHELD = "shown", "small", "secondary", "withheld"
STATUS_OF_STATE = {disclosure.SHOWN: SHOWN, disclosure.SMALL: SMALL, disclosure.SECONDARY: SECONDARY}
STATE_OF_STATUS = {status: state for state, status in STATUS_OF_STATE.items()}


def is_controlled(measure: str) -> bool:
    """A count of people: the fixed ones, and the volunteers' cohort by each of its dimensions."""
    return measure in CONTROLLED or measure.startswith("cohort_")


def controlled(cells: dict) -> list[str]:
    return [measure for measure in cells if is_controlled(measure)]


def within_groups(cells: dict[str, dict[str, int]], column: str) -> list[disclosure.Group]:
    """The sums inside one release: present = offered + not offered + unavailable + observed;
    offered = seen + refused; all issues = those of each category; the volunteers of the period =
    those still members at its end + those who left."""
    def key(measure, item=""):
        return (column, measure, item)
    groups = [
        (key("detainees_present"), [key(f"detainees_{n}") for n in ("offered", "not_offered", "unavailable",
                                                                        "observed")]),
        (key("detainees_offered"), [key("detainees_seen"), key("detainees_refused")]),
        (key("volunteers_active"), [key("volunteers_at_end"), key("volunteers_left")]),
    ]
    categories = [item for item in cells["issues_raised"] if item]
    if categories:
        groups.append((key("issues_raised"), [key("issues_raised", item) for item in categories]))
    # Each dimension of the cohort adds up to the volunteers it counts.
    for measure in controlled(cells):
        if measure.startswith("cohort_") and measure != "cohort_volunteers":
            groups.append((key("cohort_volunteers"), [key(measure, item) for item in cells[measure]]))
    return groups


def across_groups(columns: dict[str, dict]) -> list[disclosure.Group]:
    """A year's flows are the sums of its four quarters'."""
    if "Y" not in columns or any(f"Q{q}" not in columns for q in (1, 2, 3, 4)):
        return []
    groups = []
    for measure in ADDITIVE:
        for item in columns["Y"][measure]:
            if all(item in columns[f"Q{q}"][measure] for q in (1, 2, 3, 4)):
                groups.append((("Y", measure, item), [(f"Q{q}", measure, item) for q in (1, 2, 3, 4)]))
    return groups


def column_name(quarter: int) -> str:
    return "Y" if quarter == YEAR else f"Q{quarter}"


def compute(*, scheme: Scheme, fy: int, quarter: int) -> dict:
    """The period's figures as the service computes them, before disclosure control: `cells`
    (measure -> item -> number; item "" is the scheme's, else a suite's name, an outcome, a
    category's slug), the words to label them in each language, and for a year the timeslot grids."""
    period = release_period(fy, quarter)
    grids = None
    if quarter == YEAR:
        report = reporting.annual_report(scheme=scheme, period=period)
        kpis = report["kpis"]
        grids = [{"suite": row["name"], "bands": row["grid"]["bands"],
                  "days": [r["day"] for r in row["grid"]["rows"]], "counts": [r["cells"] for r in row["grid"]["rows"]]}
                 for row in report["suites"]]
    else:
        kpis = reporting.scheme_kpis(scheme=scheme, period=period)
    cells = {**_visits(kpis), **_people(kpis), **_issues(kpis, reporting.issue_response_days(scheme=scheme,
                                                                                              period=period))}
    categories = IssueCategory.objects.filter(scheme=scheme, slug__in=list(kpis["issues_by_category"]))
    labels, cohort = {}, None
    with_cohort = PopulationShare.objects.filter(scheme=scheme).exists()
    for language in ("en-gb", "cy"):
        with translation.override(language):
            labels[language] = {c.slug: c.display_name() for c in categories}
            if with_cohort:
                cohort = register.cohort(scheme=scheme, on=period.date_to, exact=True)
                labels[language].update(_cohort_labels(cohort))
    if cohort is not None:
        cells.update(_cohort(cohort))
    return {"cells": cells, "categories": labels, "grids": grids,
            "period": {"from": period.date_from.isoformat(), "to": period.date_to.isoformat()}}


def _visits(kpis: dict) -> dict:
    suites = [row for row in kpis["sites"] if row["kind"] == SiteKind.CUSTODY_SUITE]
    cells: dict[str, dict] = {"visits_made": {}, "visits_target": {}, "visits_target_pct": {},
                              **{m: {} for m in ACCESS_MEASURES.values()}, "access_immediate_pct": {}}
    for item, row in [*((suite["name"], suite) for suite in suites), ("", kpis)]:
        cells["visits_made"][item] = row["visits"]
        cells["visits_target"][item] = row["target"]
        cells["visits_target_pct"][item] = row["target_pct"]
        for band, measure in ACCESS_MEASURES.items():
            cells[measure][item] = row["access"][band]
        cells["access_immediate_pct"][item] = row["access"]["immediate_pct"]
    cells["visits_by_outcome"] = {o: kpis["visits_by_outcome"][o] for o in OUTCOMES}
    cells["animal_visits_made"] = {"": kpis["animal_visits"]}
    cells["animal_visits_target"] = {"": kpis["animal_target"]}
    return cells


def _people(kpis: dict) -> dict:
    cells = {f"detainees_{name}": {"": kpis["detainees"][name]} for name in DETAINEES}
    cells["juveniles_present"] = {"": kpis["juveniles_present"]}
    cells["vulnerable_present"] = {"": kpis["vulnerable_present"]}
    volunteers = kpis["volunteers"]
    for name in ("active", "at_end", "joined", "left", "long_service"):
        cells[f"volunteers_{name}"] = {"": volunteers[name]}
    cells["volunteers_long_service_years"] = {"": volunteers["long_service_years"]}
    cells["volunteer_hours"] = {"": kpis["volunteer_hours"]}
    cells["volunteer_value"] = {"": kpis["volunteer_value"]}
    return cells


def _issues(kpis: dict, days: dict[str, list[int]]) -> dict:
    """Issues raised per category and in all, and the force's median days to answer those it answered."""
    slugs = list(kpis["issues_by_category"])
    every = [d for by_category in days.values() for d in by_category]
    return {
        "issues_raised": {"": sum(kpis["issues_by_category"].values()), **kpis["issues_by_category"]},
        "issues_answered": {"": len(every), **{slug: len(days.get(slug, [])) for slug in slugs}},
        "issue_response_median_days": {"": median(every) if every else None,
                                       **{slug: median(days[slug]) if days.get(slug) else None for slug in slugs}},
    }


def _cohort(cohort: dict) -> dict:
    """The volunteers at the period's end by each dimension's groups (self-declared), and the area's
    population share of each group (the census's, not a count of anyone)."""
    cells = {"cohort_volunteers": {"": cohort["volunteers"]}}
    for dimension in cohort["dimensions"]:
        name = dimension["dimension"]
        cells[f"cohort_{name}"] = {row["group"]: row["count"] for row in dimension["groups"]}
        cells[f"population_pct_{name}"] = {row["group"]: row["population_pct"] for row in dimension["groups"]}
    return cells


def _cohort_labels(cohort: dict) -> dict:
    """Labels of the dimensions and their groups, keyed as `dimension:` and `dimension:group`."""
    labels = {}
    for dimension in cohort["dimensions"]:
        labels[f"{dimension['dimension']}:"] = dimension["label"]
        for row in dimension["groups"]:
            labels[f"{dimension['dimension']}:{row['group']}"] = row["label"]
    return labels


def public_rows(raw: dict, states: dict[tuple[str, str], str], threshold: int) -> list[dict]:
    """The release's figures as every public form shows them: one row per figure, in a fixed order,
    its value null whenever it is not shown and its status saying why."""
    cells = raw["cells"]
    rows = []

    def add(measure, item, value, status=SHOWN):
        rows.append({"measure": measure, "item": item, "value": value if status == SHOWN else None, "status": status})

    def status_of(measure, item=""):
        return states.get((measure, item), SHOWN)

    for measure in ("visits_made", "visits_target", "visits_target_pct", *ACCESS_MEASURES.values(),
                    "access_immediate_pct", "visits_by_outcome", "animal_visits_made", "animal_visits_target"):
        for item, value in cells[measure].items():
            add(measure, item, value)
    for measure in (*DETAINEE_MEASURES, "juveniles_present", "vulnerable_present"):
        add(measure, "", cells[measure][""], status_of(measure))
    for measure in ("detainees_offered_pct_of_present", "detainees_seen_pct_of_offered",
                    "detainees_refused_pct_of_offered"):
        add(measure, "", *_percentage(measure, cells, status_of))
    for item, value in cells["issues_raised"].items():
        add("issues_raised", item, value, status_of("issues_raised", item))
    for item, value in cells["issue_response_median_days"].items():
        # A median of one or two answers is those answers: shown only from `threshold` of them.
        shown = status_of("issues_raised", item) == SHOWN and cells["issues_answered"][item] >= threshold
        # None answered: there is no median to hide, and the page says so ("–").
        add("issue_response_median_days", item, value, SHOWN if shown or value is None else WITHHELD)
    for name in ("active", "at_end", "joined", "left", "long_service"):
        add(f"volunteers_{name}", "", cells[f"volunteers_{name}"][""], status_of(f"volunteers_{name}"))
    add("volunteers_long_service_pct", "", *_percentage("volunteers_long_service_pct", cells, status_of))
    for measure in ("volunteers_long_service_years", "volunteer_hours", "volunteer_value"):
        add(measure, "", cells[measure][""])
    _cohort_rows(cells, add, status_of)
    for grid in raw["grids"] or ():
        for day, counts in zip(grid["days"], grid["counts"]):
            for band, n in zip(grid["bands"], counts):
                add("timeslot_visits", f"{grid['suite']}|{day}|{band}", n)
    return rows


def _cohort_rows(cells, add, status_of) -> None:
    """Each group's count and its share of the cohort (withheld when either is hidden) beside the
    population's share."""
    if "cohort_volunteers" not in cells:
        return
    total = cells["cohort_volunteers"][""]
    add("cohort_volunteers", "", total, status_of("cohort_volunteers"))
    for measure in [m for m in cells if m.startswith("cohort_") and m != "cohort_volunteers"]:
        name = measure.removeprefix("cohort_")
        for item, value in cells[measure].items():
            add(measure, item, value, status_of(measure, item))
            shown = status_of(measure, item) == SHOWN and status_of("cohort_volunteers") == SHOWN
            add(f"share_of_cohort_pct_{name}", item, pct(value, total) if shown else None, SHOWN if shown else WITHHELD)
            add(f"population_pct_{name}", item, cells[f"population_pct_{name}"][item])


def _percentage(measure, cells, status_of) -> tuple:
    part, whole = PERCENTAGES[measure]
    if status_of(part) != SHOWN or status_of(whole) != SHOWN:
        return None, WITHHELD
    return pct(cells[part][""], cells[whole][""]), SHOWN
