"""The quarterly return as a file: one row per scheme and quarter (or per scheme for a period of the
caller's own), one column per scheme-level KPI, nested names joined by "_" (`access_immediate`,
`detainees_present`, `issues_by_category_other`)."""

import csv
import io
import json
from datetime import date

import xlsxwriter
from django.utils.translation import gettext

from visits.models import IssueCategory, Scheme
from visits.periods import Period, fy_of, fy_period

from . import selectors, words

IDENTITY = ("scheme", "fy", "quarter", "from", "to")
GROUPED = ("seen_profile_", "issues_by_category_")


def flatten(values: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}_"))
        else:
            flat[name] = value
    return flat


def quarters_of(quarter: int | None) -> list[int]:
    return [quarter] if quarter else [1, 2, 3, 4]


def return_periods(*, scheme: Scheme, fy: int | None, quarter: int | None,
                   period: Period | None) -> list[tuple[int, int | None, Period]]:
    """The (fy, quarter, dates) of the scheme's rows, each to date by the one rule
    (`selectors.reported_period`): a period that has not begun is never a row, a running one ends
    on the scheme's today. `fy` (with an optional quarter): its quarters. A period of the caller's
    own: one row of it, in the financial year it starts in, no quarter. Neither: the quarters of the
    scheme's current financial year."""
    if fy is not None:
        asked = [(fy, q, fy_period(fy, q)) for q in quarters_of(quarter)]
    elif period is not None:
        asked = [(fy_of(period.date_from), None, period)]
    else:
        current = fy_of(scheme.local_today())
        asked = [(current, q, fy_period(current, q)) for q in quarters_of(None)]
    rows = []
    for row_fy, row_quarter, dates in asked:
        clipped = selectors.reported_period(scheme=scheme, period=dates)
        if clipped is not None:
            rows.append((row_fy, row_quarter, clipped[0]))
    return rows


def quarterly_return(*, schemes: list[Scheme], fy: int | None = None, quarter: int | None = None,
                     period: Period | None = None, on_row=None) -> list[dict]:
    """The rows of the return, schemes in the order given; `on_row(done, total)` follows progress."""
    plan = [(scheme, *row) for scheme in schemes
            for row in return_periods(scheme=scheme, fy=fy, quarter=quarter, period=period)]
    rows, known = [], {}
    for scheme, row_fy, row_quarter, dates in plan:
        if scheme.pk not in known:  # its sites, their history and its categories, once for all its quarters
            known[scheme.pk] = selectors.scheme_sites(scheme)
        kpis = selectors.scheme_kpis(scheme=scheme, period=dates, with_sites=False, known=known[scheme.pk])
        rows.append({"scheme": kpis.pop("scheme"), "fy": row_fy, "quarter": row_quarter, **flatten(kpis)})
        if on_row is not None:
            on_row(len(rows), len(plan))
    return rows


def row_count(*, schemes: list[Scheme], fy: int | None, quarter: int | None, period: Period | None) -> int:
    return sum(len(return_periods(scheme=scheme, fy=fy, quarter=quarter, period=period)) for scheme in schemes)


def file_name(*, fy: int | None, quarter: int | None, period: Period | None, today: date, format: str) -> str:
    """What the file is called: its year (and quarter), its dates, or its year to `today`."""
    if fy is not None:
        span = f"fy{fy}{f'-q{quarter}' if quarter else ''}"
    elif period is not None:
        span = f"{period.date_from.isoformat()}-to-{period.date_to.isoformat()}"
    else:
        span = f"fy{fy_of(today)}-to-{today.isoformat()}"
    return f"icv-quarterly-return-{span}.{format}"


def columns(rows: list[dict]) -> list[str]:
    """Every column any row has: categories and profile values differ by scheme and quarter.
    A group's columns stay together where the group first appears; profile columns in name order,
    categories in the scheme's order."""
    names = list({**dict.fromkeys(IDENTITY), **{name: None for row in rows for name in row}})
    first = {}
    for position, name in enumerate(names):
        first.setdefault(_group(name), position)
    return sorted(names, key=lambda name: (first[_group(name)], name if _group(name) == "seen_profile_" else ""))


def _group(name: str) -> str:
    return next((prefix for prefix in GROUPED if name.startswith(prefix)), name)


def to_json(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode()


def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(rows), restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    # No byte-order mark: the first column must read "scheme" to every CSV reader (Excel users have XLSX).
    return out.getvalue().encode("utf-8")


def number_format(column: str) -> str:
    if column in ("from", "to"):
        return "yyyy-mm-dd"
    if column == "volunteer_value":
        return "#,##0.00"
    if column.endswith("_pct") or "_pct_" in column or column == "volunteer_hours":
        return "0.0"
    return "0"


def to_xlsx(rows: list[dict]) -> bytes:
    """The workbook: its first sheet for people, named in the active language ("Quarterly return",
    "Ffurflen chwarterol"), with the scheme's name and headers in words; its second sheet, `data`, the
    CSV's columns and values in every language, for machines. Written by XlsxWriter, which made it in
    a third of openpyxl's time; a text is always a text, never a formula or a link."""
    names = columns(rows)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    schemes = dict(Scheme.objects.filter(pk__in={row["scheme"] for row in rows}).values_list("pk", "name"))
    categories = {c.slug: c.display_name() for c in IssueCategory.objects.filter(scheme__in=schemes).order_by("id")}
    _fill(book, gettext("Quarterly return"), [words.heading(name, categories) for name in names], names,
          [{**row, "scheme": schemes.get(row["scheme"], row["scheme"])} for row in rows])
    _fill(book, "data", names, names, rows)
    book.close()
    return out.getvalue()


def _fill(book, title: str, header: list[str], names: list[str], rows: list[dict]) -> None:
    sheet = book.add_worksheet(title)
    sheet.write_row(0, 0, header, book.add_format({"bold": True}))
    formats = {fmt: book.add_format({"num_format": fmt}) for fmt in {number_format(name) for name in names}}
    cell_formats = [formats[number_format(name)] for name in names]
    for number, row in enumerate(rows, start=1):
        for column, (name, fmt) in enumerate(zip(names, cell_formats)):
            value = row.get(name)
            if name in ("from", "to") and value is not None:
                sheet.write_datetime(number, column, date.fromisoformat(value), fmt)
            else:
                sheet.write(number, column, value, fmt)
    # Keep the header and the scheme/quarter columns in view while scrolling.
    sheet.freeze_panes(1, 5)
    for column, text in enumerate(header):
        sheet.set_column(column, column, max(10, min(len(text) + 2, 40)))


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}
