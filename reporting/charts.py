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


# Okabe-Ito orange beside the blue: told apart under every common colour-vision deficiency.
SECOND_COLOUR = "#B35900"  # darkened for 4.5:1 contrast of its figures on white


def paired_bar_chart_svg(*, title: str, labels: list[str], series: list[tuple[str, list[float | None]]],
                         width: int = 360, unit: str = "%") -> SafeString:
    """Horizontal bars, a pair per label (e.g. the cohort beside the population), each label on its
    own line above its bars so that long labels need no width and the chart fits a phone unscaled;
    each bar has its value written beside it and a key above, so the figure reads without colour.
    None: no bar, written "–"."""
    line, bar, gap, key, room = 15, 13, 10, 26, 52
    plot = width - room
    top = max((value or 0 for _, values in series for value in values), default=0) or 1
    colours = (BAR_COLOUR, SECOND_COLOUR)
    keys = format_html_join("", '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
                                '<text x="{}" y="15">{}</text>',
                            ((140 * i, colours[i], 140 * i + 16, name) for i, (name, _values) in enumerate(series)))
    parts, y = [], key
    for index, label in enumerate(labels):
        for text in _wrapped(label, width // 8):
            parts.append(format_html('<text x="0" y="{}" font-weight="bold">{}</text>', y + 12, text))
            y += line
        for i, (_name, values) in enumerate(series):
            value = values[index]
            length = round(plot * (value or 0) / top)
            parts.append(format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect><text x="{}" y="{}" fill="{}">{}</text>',
                y, length, bar - 2, colours[i], length + 4, y + 10, colours[i],
                "–" if value is None else f"{value:g}{unit}"))
            y += bar
        y += gap
    height = y
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" class="chart" '
        'viewBox="0 0 {} {}" width="{}" height="{}" font-family="sans-serif" font-size="12">{}{}</svg>',
        title, width, height, width, height, keys, format_html_join("", "{}", ((part,) for part in parts)),
    )


def _wrapped(text: str, most: int) -> list[str]:
    """The label in lines of at most `most` characters (under 8 px each, bold at 12 px), broken between words."""
    lines = [""]
    for word in text.split():
        if lines[-1] and len(lines[-1]) + 1 + len(word) > most:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines
