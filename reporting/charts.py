"""Inline SVG for the printable annual report: no script, no external file, prints as drawn."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Okabe-Ito blue: distinguishable under every common colour-vision deficiency, and printed in grey it stays dark.
BAR_COLOUR = "#0072B2"


def bar_chart_svg(*, title: str, bars: list[tuple[str, int]], width: int = 640) -> SafeString:
    """Horizontal bars with their value written beside each, so the figure reads without colour."""
    # Room for the longest label (7px a character at 12px), whatever its language: none is clipped.
    label_width, row, pad = max(120, 16 + 7 * max((len(label) for label, _ in bars), default=0)), 22, 8
    width = max(width, label_width + 250)
    plot = width - label_width - 50
    top = max((value for _, value in bars), default=0) or 1
    height = pad * 2 + row * len(bars)
    rows = format_html_join(
        "", '<g transform="translate(0,{})"><text x="{}" y="15" text-anchor="end">{}</text>'
            '<rect x="{}" y="3" width="{}" height="15" fill="{}"></rect>'
            '<text x="{}" y="15">{}</text></g>',
        (
            (pad + index * row, label_width - 6, label, label_width, round(plot * value / top), BAR_COLOUR,
             label_width + round(plot * value / top) + 4, value)
            for index, (label, value) in enumerate(bars)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" class="chart" '
        'viewBox="0 0 {} {}" width="{}" height="{}" font-family="sans-serif" font-size="12">'
        '<title id="chart-title">{}</title>{}</svg>',
        width, height, width, height, title, rows,
    )
