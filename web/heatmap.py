"""Coverage heatmaps as HTML tables sharing one colour scale, so sites on a page compare by eye."""

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext, ngettext

from scheduling.heatmap import BLUES, colour_bins
from scheduling.selectors import Coverage
from web.templatetags.desk import weekday

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def shared_scale(coverages: list[Coverage]) -> list[dict]:
    """The legend: the bins of counts 1..the largest count on the page, each with its shade class."""
    top = max((n for coverage in coverages for row in coverage.counts for n in row), default=0)
    return [{"low": low, "high": high, "shade": BLUES.index(colour),
             "label": str(low) if low == high else f"{low}–{high}"} for low, high, colour in colour_bins(top)]


def heatmap_rows(coverage: Coverage, scale: list[dict]) -> list[dict]:
    rows = []
    for d, day in enumerate(coverage.days):
        cells = []
        for b, band in enumerate(coverage.bands):
            count = coverage.counts[d][b]
            shade = next((s["shade"] for s in scale if s["low"] <= count <= s["high"]), None) if count else None
            names = {"day": weekday(day), "band": band, "count": count}
            label = (ngettext("%(day)s %(band)s: %(count)s visit", "%(day)s %(band)s: %(count)s visits", count)
                     if count else gettext("%(day)s %(band)s: 0 visits, not visited")) % names
            cells.append({"count": count, "css": "gap" if not count else f"shade-{shade}", "label": label})
        # Weekdays shorten on small screens ("Mon", "Llun"); a day group ("weekend") stays whole.
        short = str(WEEKDAYS_ABBR[WEEKDAYS.index(day.lower())]) if day.lower() in WEEKDAYS else weekday(day)
        rows.append({"day": weekday(day), "short": short, "cells": cells, "total": coverage.day_totals[d]})
    return rows
