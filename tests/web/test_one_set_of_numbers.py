"""One set of numbers: a period's target, and so its percentage, is the same on the desk's KPIs page,
in the API, in the CSV, XLSX and JSON downloads and in the annual report, for a quarter still
running, a finished one and a financial year to date; a running period says "to date" wherever it is
shown in words, and a period that has not begun is never a row of a return."""

import csv
import html
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from tests.factories import custody_visit
from tests.web.conftest import signed_in
from visits.periods import Period, fy_of, fy_period, quarters_begun

EXPORT = "/api/v1/kpis/export/"


def quarter_of(day: date) -> tuple[int, int]:
    fy = fy_of(day)
    return fy, next(q for q in (1, 2, 3, 4) if fy_period(fy, q).date_from <= day <= fy_period(fy, q).date_to)


def previous_quarter(fy: int, quarter: int) -> tuple[int, int]:
    return (fy, quarter - 1) if quarter > 1 else (fy - 1, 4)


@pytest.fixture
def visited(scheme, suite, bob, bella):
    """Visits to Central on the first days of the running quarter and of the one before it."""
    today = scheme.local_today()
    fy, quarter = quarter_of(today)
    for q_fy, q in ((fy, quarter), previous_quarter(fy, quarter)):
        start = fy_period(q_fy, q).date_from
        for n in range(3):
            day = min(start + timedelta(days=n), today)
            custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime.combine(day, time(0, 10 * n), tzinfo=scheme.zone))
    return today


def expected(period_from: date, period_to: date, today: date) -> tuple[str, int, bool]:
    """The one rule: up to today, complete weeks of the days so far (Central, weekly target 1)."""
    end = min(period_to, today)
    return end.isoformat(), ((end - period_from).days + 1) // 7, period_to > today


def export_rows(client, scheme, fmt: str, **period) -> list[dict]:
    response = client.get(EXPORT, {"scheme": scheme.pk, "format": fmt, **period})
    assert response.status_code == 200, response.content
    if fmt == "json":
        return [{"quarter": r["quarter"], "to": r["to"], "target": r["target"], "target_pct": r["target_pct"]}
                for r in response.json()]
    if fmt == "csv":
        return [{"quarter": int(r["quarter"]) if r["quarter"] else None, "to": r["to"], "target": int(r["target"]),
                 "target_pct": float(r["target_pct"]) if r["target_pct"] else None}
                for r in csv.DictReader(io.StringIO(response.content.decode("utf-8")))]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["data"] if "data" in book.sheetnames else book.active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, values)) for values in sheet.iter_rows(min_row=2, values_only=True)]
    return [{"quarter": r["quarter"], "to": r["to"].date().isoformat(), "target": r["target"],
             "target_pct": r["target_pct"]} for r in rows]


def page_text(client, url: str, query: dict) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())))


def percentage(value) -> str:
    return "–" if value is None else f"{value:.1f}"


@pytest.mark.parametrize("which", ["running quarter", "finished quarter", "financial year to date"])
def test_every_surface_gives_a_period_the_same_target(api, scheme, alice, visited, which):
    today = visited
    fy, quarter = quarter_of(today)
    if which == "finished quarter":
        fy, quarter = previous_quarter(fy, quarter)
    if which == "financial year to date":
        quarter = None
    period = fy_period(fy, quarter)
    to, target, running = expected(period.date_from, period.date_to, today)
    asked = {"fy": fy, **({"quarter": quarter} if quarter else {})}

    kpis = api(alice).get("/api/v1/kpis/", {"scheme": scheme.pk, **asked}).json()
    assert (kpis["to"], kpis["target"]) == (to, target)
    pct = kpis["target_pct"]

    # The files: the quarter's own row, or (for the year) one row of exactly the year to date.
    for fmt in ("json", "csv", "xlsx"):
        period_asked = asked if quarter else {"from": period.date_from.isoformat(), "to": to}
        [row] = export_rows(api(alice), scheme, fmt, **period_asked)
        assert (row["to"], row["target"], row["target_pct"]) == (to, target, pct), fmt

    # The desk's KPIs page: its sentence, with "to date" where the period is running.
    text = page_text(signed_in(alice), "/kpis/", asked)
    words = "target to date" if running else "target"
    assert f"{kpis['visits']} custody visits, {words} {target} ({percentage(pct)}%)" in text
    if not running:
        assert "to date" not in text.split("custody visits")[1].split(")")[0]

    if quarter is None:
        report = page_text(signed_in(alice), f"/reports/annual/{scheme.pk}/{fy}/", {})
        assert f"{kpis['visits']} custody visits, {words} {target} ({percentage(pct)}%)" in report


def test_the_years_return_has_each_quarter_begun_to_date_and_none_not_begun(api, scheme, alice, visited):
    today = visited
    fy = fy_of(today)
    begun = quarters_begun(fy, today=today)
    for fmt in ("json", "csv", "xlsx"):
        rows = export_rows(api(alice), scheme, fmt, fy=fy)
        assert [row["quarter"] for row in rows] == [q for q, _dates, _running in begun], fmt
        for row, (q, dates, _running) in zip(rows, begun):
            kpis = api(alice).get("/api/v1/kpis/", {"scheme": scheme.pk, "fy": fy, "quarter": q}).json()
            assert (row["to"], row["target"], row["target_pct"]) == (dates.date_to.isoformat(), kpis["target"],
                                                                   kpis["target_pct"]), fmt


def not_begun(today: date) -> dict:
    """A year and quarter a form could be sent that has not begun: a later quarter of this year, or
    (in its last quarter) the first of the next."""
    fy, quarter = quarter_of(today)
    return {"fy": fy, "quarter": quarter + 1} if quarter < 4 else {"fy": fy + 1, "quarter": 1}


@pytest.mark.parametrize("who, url", [("alice", "/kpis/"), ("dave", "/returns/"), ("alice", "/coverage/"),
                                      ("alice", "/volunteers/")])
def test_a_period_not_begun_is_refused_on_the_form_not_with_a_404(request, scheme, visited, who, url):
    client = signed_in(request.getfixturevalue(who))
    today = visited
    answer = client.get(url, not_begun(today))
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'role="alert"' in body and "The financial year to date is shown instead." in html.unescape(body)
    assert 'name="fy"' in body  # the form, to choose again
    # What is shown is the year to date, as with no choice at all.
    fy = fy_of(today)
    assert answer.context["chosen"].period == Period(fy_period(fy).date_from, today)


def test_the_form_offers_only_quarters_that_have_begun(scheme, alice, dave, visited):
    today = visited
    fy = fy_of(today)
    for client, url in ((signed_in(alice), "/kpis/"), (signed_in(dave), "/returns/")):
        body = client.get(url, {"fy": fy}).content.decode()
        select = re.search(r'<select name="quarter"[^>]*>(.*?)</select>', body, re.S).group(1)
        offered = [int(v) for v in re.findall(r'value="(\d)"', select)]
        assert offered == [q for q, _dates, _running in quarters_begun(fy, today=today)]
        assert f'<option value="{fy + 1}"' not in body


def test_the_api_answers_400_for_a_period_not_begun(api, scheme, alice, visited):
    asked = {"scheme": scheme.pk, **not_begun(visited)}
    assert api(alice).get("/api/v1/kpis/", asked).status_code == 400
    assert api(alice).get(EXPORT, {**asked, "format": "csv"}).status_code == 400
