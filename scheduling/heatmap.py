"""The coverage heatmap as a self-contained SVG: days down, bands across, the count in each cell.

Colours run light to dark blue (ColorBrewer "Blues", safe for colour-blind readers and in grey
print); a cell with no visit is white, hatched and outlined with a dashed line, so a gap is
told apart by pattern and by its written 0, never by hue alone.
"""

import hashlib
import math
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext

from .labels import day_label
from .selectors import Coverage

BLUES = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
INK = "#1a1a1a"
TOTAL_FILL = "#f0f0f0"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

LABEL_W, CELL_W, TOTAL_W, CELL_H = 112, 104, 72, 34
TOP = 70  # below the title and the band headers


def colour_bins(max_count: int) -> list[tuple[int, int, str]]:
    """(lowest, highest, colour) for up to 7 equal-width bins of counts 1..max_count."""
    if max_count <= 0:
        return []
    k = min(len(BLUES), max_count)
    bins = []
    for i in range(k):
        shade = BLUES[round(i * (len(BLUES) - 1) / (k - 1))] if k > 1 else BLUES[3]
        bins.append((math.floor(i * max_count / k) + 1, math.floor((i + 1) * max_count / k), shade))
    return bins


def _shade(count: int, bins) -> str:
    return next(colour for low, high, colour in bins if low <= count <= high)


def _text_on(fill: str) -> str:
    return "#ffffff" if BLUES.index(fill) >= 4 else INK


def _text(x, y, content, *, anchor="middle", weight="normal", size=13, fill=INK) -> str:
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" dominant-baseline="middle" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(str(content))}</text>')


def render_heatmap_svg(coverage: Coverage, *, title: str, top: int | None = None) -> str:
    """The picture in the active language: day names, totals, legend and summary (bands are times, 24-hour).
    `top`: the largest count of every grid drawn beside it, so that they share one colour scale."""
    days, bands = coverage.days, coverage.bands
    ident = hashlib.sha1(f"{title}{coverage.counts}".encode()).hexdigest()[:8]
    gap = f"gap-{ident}"
    bins = colour_bins(top if top is not None else max((n for row in coverage.counts for n in row), default=0))
    legend = [(low, high, shade, str(low) if low == high else f"{low}-{high}") for low, high, shade in bins]
    gap_label = gettext("0 (no visit: a gap to fill)")
    # Room for the gap's swatch and its words (7px a character at 12px), whatever their language.
    gap_w = max(200, 50 + 7 * len(gap_label))
    legend_w = gap_w + 10 + sum(40 + 8 * len(label) for *_, label in legend)
    spread = gettext("Share of cells visited: %(share)s%%; unpredictability %(score)s (1 = even spread).") % {
        "share": number_format(round(coverage.covered_share * 100)),
        "score": number_format(coverage.unpredictability, decimal_pos=2)}
    grid_bottom = TOP + CELL_H * (len(days) + 1)
    legend_y = grid_bottom + (50 if coverage.grid.has_outside else 28)
    height = legend_y + 60
    n_cells = len(days) * len(bands)
    summary = gettext("%(visits)s visits in %(cells)s cells; %(gaps)s cells with no visit") % {
        "visits": coverage.total, "cells": n_cells, "gaps": len(coverage.unvisited)}
    if coverage.grid.has_outside:
        summary += gettext("; %(outside)s outside the bands") % {"outside": coverage.outside}
    summary += "."
    total = gettext("Total")
    # The day names and "Total" are longer in Welsh ("Dydd Mercher", "Cyfanswm"): the label column and
    # the totals' column widen to fit them (9px a bold character at 13px), never narrower than in English.
    day_names = [day_label(day) for day in days]
    label_w = max(LABEL_W, 20 + 9 * max((len(name) for name in (*day_names, total)), default=0))
    total_w = max(TOTAL_W, 16 + 9 * len(total))
    # The closing line is the longest words in the picture: room for them in any language (7px a character).
    width = max(label_w + CELL_W * len(bands) + total_w + 20, legend_w, 560, 20 + 7 * len(spread))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="title-{ident} desc-{ident}" font-family="{FONT}">',
        f'<title id="title-{ident}">{escape(title)}</title>',
        f'<desc id="desc-{ident}">{escape(summary)}</desc>',
        f'<defs><pattern id="{gap}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="#bdbdbd" stroke-width="3"/></pattern></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _text(10, 22, title, anchor="start", weight="bold", size=16),
    ]
    for b, band in enumerate(bands):
        out.append(_text(label_w + CELL_W * b + CELL_W / 2, TOP - CELL_H / 2, band, weight="bold"))
    total_x = label_w + CELL_W * len(bands)
    out.append(_text(total_x + total_w / 2, TOP - CELL_H / 2, total, weight="bold"))

    def cell(x, y, count, *, fill, w=CELL_W, text_fill=INK, dashed=False, weight="normal"):
        stroke = ('stroke="#333333" stroke-width="1.5" stroke-dasharray="4 3"' if dashed
                  else 'stroke="#ffffff" stroke-width="2"')
        out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{CELL_H}" fill="{fill}" {stroke}/>')
        out.append(_text(x + w / 2, y + CELL_H / 2, count, weight=weight, fill=text_fill))

    for d, name in enumerate(day_names):
        y = TOP + CELL_H * d
        out.append(_text(10, y + CELL_H / 2, name, anchor="start", weight="bold"))
        for b in range(len(bands)):
            count = coverage.counts[d][b]
            x = label_w + CELL_W * b
            if count:
                shade = _shade(count, bins)
                cell(x, y, count, fill=shade, text_fill=_text_on(shade))
            else:
                cell(x, y, 0, fill=f"url(#{gap})", dashed=True, weight="bold")
        cell(total_x, y, coverage.day_totals[d], fill=TOTAL_FILL, w=total_w, weight="bold")
    y = TOP + CELL_H * len(days)
    out.append(_text(10, y + CELL_H / 2, total, anchor="start", weight="bold"))
    for b, band_total in enumerate(coverage.band_totals):
        cell(label_w + CELL_W * b, y, band_total, fill=TOTAL_FILL, weight="bold")
    cell(total_x, y, coverage.total, fill=TOTAL_FILL, w=total_w, weight="bold")
    if coverage.grid.has_outside:
        outside = gettext("Outside the bands: %(outside)s") % {"outside": coverage.outside}
        out.append(_text(10, grid_bottom + 18, outside, anchor="start"))

    out.append(_text(10, legend_y, gettext("Visits per cell:"), anchor="start", weight="bold"))
    x = 10
    swatch_y = legend_y + 14
    out.append(f'<rect x="{x}" y="{swatch_y}" width="28" height="18" fill="url(#{gap})" stroke="#333333" '
               f'stroke-width="1.5" stroke-dasharray="4 3"/>')
    out.append(_text(x + 34, swatch_y + 9, gap_label, anchor="start", size=12))
    x += gap_w
    for _, _, shade, label in legend:
        out.append(f'<rect x="{x}" y="{swatch_y}" width="28" height="18" fill="{shade}" stroke="#999999"/>')
        out.append(_text(x + 34, swatch_y + 9, label, anchor="start", size=12))
        x += 40 + 8 * len(label)
    out.append(_text(10, swatch_y + 36, spread, anchor="start", size=12))
    out.append("</svg>")
    return "\n".join(out)
