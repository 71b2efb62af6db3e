"""Coverage heatmaps as HTML tables sharing one colour scale, so sites on a page compare by eye."""

from scheduling.heatmap import BLUES, colour_bins
from scheduling.selectors import Coverage

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
            cells.append({"count": count, "css": "gap" if not count else f"shade-{shade}",
                          "label": f"{day.capitalize()} {band}: {count} visit{'s' if count != 1 else ''}"
                                   + ("" if count else ", not visited")})
        # Weekdays shorten to three letters on small screens; a day group ("weekend") stays whole.
        short = day[:3].capitalize() if day.lower() in WEEKDAYS else day.capitalize()
        rows.append({"day": day.capitalize(), "short": short, "cells": cells, "total": coverage.day_totals[d]})
    return rows
