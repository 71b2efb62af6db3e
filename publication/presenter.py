"""A release's rows as the public page lays them out: sections of tables, each figure in words
("12", "fewer than 3", "not shown"), with the bars' lengths. Read from the frozen rows only."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reporting.words import HEADINGS
from scheduling.labels import day_label
from visits.models import AccessBand, Outcome

from .figures import ACCESS_MEASURES, SHOWN, SMALL


def in_words(row: dict | None, threshold: int, *, suffix: str = "", prefix: str = "", places: int | None = None) -> str:
    if row is None or row["status"] == SHOWN and row["value"] is None:
        return "–"
    if row["status"] == SMALL:
        return _("fewer than %(n)s") % {"n": threshold}
    if row["status"] != SHOWN:
        return pgettext("figure", "not shown")
    value = row["value"]
    if places is None:
        places = 1 if isinstance(value, float) and not value.is_integer() else 0
    return f"{prefix}{number_format(value, decimal_pos=places, force_grouping=True)}{suffix}"


def bar(value, top) -> int | None:
    """A bar's length in per cent of the longest; none for a figure not shown."""
    if value is None or not top:
        return None
    return max(1, round(100 * value / top)) if value else 0


class View:
    def __init__(self, figures: dict):
        self.threshold = figures["threshold"]
        self.rows = {(row["measure"], row["item"]): row for row in figures["rows"]}
        self.items: dict[str, list[str]] = {}
        for row in figures["rows"]:
            self.items.setdefault(row["measure"], []).append(row["item"])

    def cell(self, measure: str, item: str = "", suffix: str = "", **style) -> dict:
        row = self.rows.get((measure, item))
        return {"text": in_words(row, self.threshold, suffix=suffix, **style), "key": f"{measure}|{item}",
                "value": row["value"] if row else None, "status": row["status"] if row else SHOWN}

    def with_bars(self, rows: list[dict], key: str = "value") -> list[dict]:
        # Scaled to the largest part: a total row has no bar.
        top = max((row[key]["value"] or 0 for row in rows if not row.get("total")), default=0)
        for row in rows:
            row["bar"] = bar(row[key]["value"], top)
        return rows


def sections(figures: dict, categories: dict[str, str]) -> dict:
    """Everything the page shows of a release, in the active language."""
    view = View(figures)
    suites = [item for item in view.items["visits_made"] if item]
    # The bar is the share of the target met (a full bar: the target reached), not the raw count.
    visits = [{"name": name or _("All custody suites"), "total": not name, "value": view.cell("visits_made", name),
               "target": view.cell("visits_target", name), "pct": view.cell("visits_target_pct", name, "%"),
               "bar": bar(min(100.0, view.cell("visits_target_pct", name)["value"] or 0), 100)}
              for name in [*suites, ""]]
    access = [{"name": name or _("All custody suites"), "total": not name,
               "bands": [view.cell(measure, name) for measure in ACCESS_MEASURES.values()],
               "pct": view.cell("access_immediate_pct", name, "%")} for name in [*suites, ""]]
    outcomes = view.with_bars([{"name": Outcome(o).label, "value": view.cell("visits_by_outcome", o)}
                               for o in view.items["visits_by_outcome"]])
    people = _people(view)
    issues = view.with_bars([
        {"name": categories.get(slug, slug) if slug else _("All issues"), "total": not slug,
         "value": view.cell("issues_raised", slug), "median": view.cell("issue_response_median_days", slug)}
        for slug in [*(i for i in view.items["issues_raised"] if i), ""]])
    return {
        "threshold": view.threshold, "visits": visits, "access": access, "outcomes": outcomes,
        "access_bands": [AccessBand(band).label for band in ACCESS_MEASURES],
        "animal": {"value": view.cell("animal_visits_made"), "target": view.cell("animal_visits_target")},
        **people, "issues": issues, "long_service_years": view.cell("volunteers_long_service_years")["text"],
        "grids": grids(figures.get("grids")), "cohort": _cohort(view, categories),
        "has_hidden": any(row["status"] != SHOWN for row in figures["rows"]),
    }


def _people(view: View) -> dict:
    """The detainees (present, offered, seen, refused, and why the others were not seen) and the volunteers."""
    detainees = [
        {"name": HEADINGS[f"detainees_{name}"], "value": view.cell(f"detainees_{name}"),
         "pct": view.cell(pct_measure, suffix="%") if pct_measure else None}
        for name, pct_measure in (("present", None), ("offered", "detainees_offered_pct_of_present"),
                                  ("seen", "detainees_seen_pct_of_offered"),
                                  ("refused", "detainees_refused_pct_of_offered"))]
    not_seen = view.with_bars([{"name": HEADINGS[f"detainees_{name}"], "value": view.cell(f"detainees_{name}")}
                               for name in ("not_offered", "unavailable", "observed", "refused")])
    others = [{"name": HEADINGS[m], "value": view.cell(m)} for m in ("juveniles_present", "vulnerable_present")]
    volunteers = [{"name": HEADINGS[m], "value": view.cell(m, suffix="%" if m.endswith("pct") else "")}
                  for m in ("volunteers_active", "volunteers_at_end", "volunteers_joined", "volunteers_left",
                            "volunteers_long_service", "volunteers_long_service_pct", "volunteer_hours")]
    volunteers.append({"name": _("Value of the hours given"), "value": view.cell("volunteer_value", prefix="£",
                                                                                  places=2)})
    return {"detainees": detainees, "not_seen": not_seen, "others": others, "volunteers": volunteers}


def _cohort(view: View, labels: dict[str, str]) -> list[dict]:
    """The volunteers at the period's end by each dimension, beside the area's population; none when
    the scheme keeps no population figures."""
    dimensions = [m.removeprefix("cohort_") for m in view.items if m.startswith("cohort_") and m != "cohort_volunteers"]
    return [{"label": labels.get(f"{d}:", d), "rows": [
        {"name": labels.get(f"{d}:{item}", item), "value": view.cell(f"cohort_{d}", item),
         "share": view.cell(f"share_of_cohort_pct_{d}", item, "%"),
         "population": view.cell(f"population_pct_{d}", item, "%")} for item in view.items[f"cohort_{d}"]]}
        for d in dimensions]


def grids(raw: list | None) -> list[dict]:
    """The year's timeslot grids, each cell shaded in one of five steps on the suites' shared scale."""
    if not raw:
        return []
    top = max((n for grid in raw for counts in grid["counts"] for n in counts), default=0) or 1
    return [{"suite": grid["suite"], "bands": [band.split("-", 1) for band in grid["bands"]],
             "rows": [{"day": day_label(day), "total": sum(counts), "cells": [
                 {"n": n, "step": 0 if not n else 1 + min(3, 4 * n // (top + 1)),
                  "key": f"timeslot_visits|{grid['suite']}|{day}|{band}"} for band, n in zip(grid["bands"], counts)]}
                      for day, counts in zip(grid["days"], grid["counts"])]}
            for grid in raw]
