"""The quarterly return as CSV, XLSX and JSON, straight back or through an export job."""

import csv
import io
import time
from datetime import datetime

import pytest
from django.db import connection
from openpyxl import load_workbook

from reporting import services
from reporting.models import ExportJob, ExportStatus
from reporting.tasks import export_job_build
from visits.periods import fy_of, quarters_begun

URL = "/api/v1/kpis/export/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEADING = ["scheme", "fy", "quarter", "from", "to", "visits", "target", "target_pct", "visits_attempted",
           "visits_by_outcome_completed", "visits_by_outcome_remote", "visits_by_outcome_access_refused",
           "visits_by_outcome_abandoned", "access_immediate", "access_6-15", "access_over-15", "access_immediate_pct",
           "access_delays_authorised_below_inspector", "access_delays_without_rank", "detainees_present",
           "detainees_offered", "detainees_not_offered", "detainees_unavailable", "detainees_observed",
           "detainees_seen", "detainees_refused", "detainees_offered_pct", "detainees_not_offered_pct",
           "detainees_unavailable_pct", "detainees_observed_pct", "detainees_seen_pct_of_offered",
           "detainees_refused_pct_of_offered", "juveniles_present", "vulnerable_present", "custody_records_examined",
           "tact_visits", "concerns_raised", "concerns_open", "issues_resolved_during_visit_pct"]


def parse_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def identities(response, fmt: str) -> list[tuple]:
    """(fy, quarter, from, to) of each row, read back from the file as its reader would."""
    if fmt == "json":
        rows = response.json()
    elif fmt == "csv":
        rows = [{**r, "fy": int(r["fy"]), "quarter": int(r["quarter"]) if r["quarter"] else None}
                for r in parse_csv(response.content)]
    else:
        sheet = load_workbook(io.BytesIO(response.content))["data"]
        header = [cell.value for cell in sheet[1]]
        rows = [{**dict(zip(header, values)), "from": values[header.index("from")].date().isoformat(),
                 "to": values[header.index("to")].date().isoformat()}
                for values in sheet.iter_rows(min_row=2, values_only=True)]
    return [(r["fy"], r["quarter"], r["from"], r["to"]) for r in rows]


def test_it_exports_a_years_four_quarters_as_csv(api, alice, scheme, year):
    response = api(alice).get(URL, {"fy": 2023, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="icv-quarterly-return-fy2023.csv"' in response["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert header[:len(LEADING)] == LEADING
    assert "issues_by_category_food-and-drink" in header and "seen_profile_gender_female" in header
    # Profile values differ by quarter; their columns stay together, in name order.
    assert [name for name in header if name.startswith("seen_profile_")] == [
        "seen_profile_age_group_adult", "seen_profile_age_group_juvenile", "seen_profile_ethnicity_white",
        "seen_profile_gender_female", "seen_profile_gender_male",
    ]
    rows = parse_csv(response.content)
    assert [(r["scheme"], r["fy"], r["quarter"], r["from"], r["to"]) for r in rows] == [
        (str(scheme.pk), "2023", "1", "2023-04-01", "2023-06-30"),
        (str(scheme.pk), "2023", "2", "2023-07-01", "2023-09-30"),
        (str(scheme.pk), "2023", "3", "2023-10-01", "2023-12-31"),
        (str(scheme.pk), "2023", "4", "2024-01-01", "2024-03-31"),
    ]
    q1, q2, q3, q4 = rows
    # Q1: v1 and v3; target 13 weeks (Central) + 10 (Harbour, 70 days): 2 / 23 = 8.70 %.
    assert (q1["visits"], q1["target"], q1["target_pct"]) == ("2", "23", "8.7")
    assert (q1["access_immediate"], q1["access_6-15"], q1["access_over-15"]) == ("1", "0", "1")
    assert (q1["detainees_present"], q1["detainees_seen_pct_of_offered"]) == ("12", "75.0")  # 3 seen of 4 offered
    # 126 + 40 (v1) + 180 + 30 (v3) + 180 + 20 (a1) = 576 minutes = 9.6 h, × 18.37 = 176.352.
    assert (q1["volunteer_hours"], q1["volunteer_value"]) == ("9.6", "176.35")
    assert (q1["animal_visits"], q1["animal_target"], q1["volunteers_joined"]) == ("1", "3", "1")
    # Q2: nothing visited; a share of no visits is empty, not 0.
    assert (q2["visits"], q2["target"], q2["target_pct"], q2["access_immediate_pct"]) == ("0", "16", "0.0", "")
    assert q3["issues_by_category_health-care"] == "1" and q3["volunteer_hours"] == "4.0"  # v2: 120 min × 2
    assert q4["animal_visits"] == "1" and q4["volunteer_hours"] == "2.0"


def test_an_explicit_format_wins_over_the_accept_header(api, alice, scheme, year):
    response = api(alice).get(URL, {"fy": 2023, "format": "csv"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_an_unknown_format_is_still_not_found(api, alice, scheme, year):
    assert api(alice).get(URL, {"fy": 2023, "format": "pdf"}, HTTP_ACCEPT="application/json").status_code == 404


def test_it_exports_xlsx_with_header_frozen_pane_and_number_formats(api, alice, year):
    response = api(alice).get(URL, {"fy": 2023, "quarter": 1}, HTTP_ACCEPT=XLSX)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content))["data"]
    header = [cell.value for cell in sheet[1]]
    assert header[:len(LEADING)] == LEADING
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "F2"
    assert sheet.max_row == 2
    cell = {name: sheet.cell(row=2, column=index + 1) for index, name in enumerate(header)}
    assert (cell["fy"].value, cell["quarter"].value) == (2023, 1)
    assert cell["from"].value == datetime(2023, 4, 1) and cell["from"].number_format == "yyyy-mm-dd"
    assert cell["to"].value == datetime(2023, 6, 30)
    assert (cell["visits"].value, cell["visits"].number_format) == (2, "0")
    assert (cell["target_pct"].value, cell["target_pct"].number_format) == (8.7, "0.0")
    assert cell["detainees_seen_pct_of_offered"].number_format == "0.0"
    assert (cell["volunteer_hours"].value, cell["volunteer_hours"].number_format) == (9.6, "0.0")
    assert (cell["volunteer_value"].value, cell["volunteer_value"].number_format) == (176.35, "#,##0.00")


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook(api, alice, scheme, year):
    """A scheme named by someone mischievous is shown as written, never run by the spreadsheet."""
    scheme.name = '=HYPERLINK("http://example.org","Open")'
    scheme.save(update_fields=["name"])
    response = api(alice).get(URL, {"fy": 2023, "quarter": 1, "format": "xlsx"})
    cell = load_workbook(io.BytesIO(response.content))["Quarterly return"]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org","Open")', "s")


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def test_the_workbooks_first_sheet_is_for_people_and_its_data_sheet_is_the_csv(api, alice, scheme, year):
    response = api(alice).get(URL, {"fy": 2023, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Quarterly return", "data"]
    people, data = book.worksheets
    header = [cell.value for cell in people[1]]
    assert header[:6] == ["Scheme", "Financial year", "Quarter", "From", "To", "Custody visits"]
    assert "Access after 6 to 15 minutes" in header and "Issues: Food and drink" in header
    assert not [name for name in header if "_" in name or name in [cell.value for cell in data[1]]]  # no machine names
    assert {row[0] for row in people.iter_rows(min_row=2, values_only=True)} == {scheme.name}
    # The data sheet is the CSV, column for column and value for value.
    table = list(csv.reader(io.StringIO(api(alice).get(URL, {"fy": 2023, "format": "csv"}).content.decode())))
    values = list(data.iter_rows(values_only=True))
    assert list(values[0]) == table[0]
    as_text = [["" if v is None else v.date().isoformat() if isinstance(v, datetime) else str(v) for v in row]
               for row in values[1:]]
    assert [[_number(v) for v in row] for row in as_text] == [[_number(v) for v in row] for row in table[1:]]
    # The people's sheet holds the same figures.
    assert [row[1:] for row in people.iter_rows(min_row=2, values_only=True)] == [row[1:] for row in values[1:]]


def test_it_exports_json_rows_with_the_same_columns(api, alice, year):
    response = api(alice).get(URL, {"fy": 2023, "quarter": 3, "format": "json"})
    rows = response.json()
    assert len(rows) == 1 and list(rows[0])[:len(LEADING)] == LEADING
    assert rows[0]["visits"] == 1 and rows[0]["access_6-15"] == 1 and rows[0]["volunteers_at_end"] == 5


def test_an_analyst_exports_every_granted_scheme_when_none_is_named(api, dave, scheme, other_scheme, year):
    dave.schemes.add(other_scheme)
    rows = parse_csv(api(dave).get(URL, {"fy": 2023, "quarter": 1, "format": "csv"}).content)
    assert [r["scheme"] for r in rows] == [str(scheme.pk), str(other_scheme.pk)]  # Northshire, Southshire
    rows = parse_csv(api(dave).get(URL, {"fy": 2023, "quarter": 1, "format": "csv", "scheme": other_scheme.pk}).content)
    assert [r["scheme"] for r in rows] == [str(other_scheme.pk)]


def test_it_exports_only_schemes_the_caller_may_read(api, alice, charlie, dave, bob, scheme, other_scheme):
    rows = parse_csv(api(charlie).get(URL, {"fy": 2023, "format": "csv"}).content)
    assert {r["scheme"] for r in rows} == {str(other_scheme.pk)}
    assert api(alice).get(URL, {"fy": 2023, "scheme": other_scheme.pk, "format": "csv"}).status_code == 404
    assert api(dave).get(URL, {"fy": 2023, "scheme": other_scheme.pk}).status_code == 404
    assert api(bob).get(URL, {"fy": 2023, "format": "csv"}).status_code == 403


def test_it_answers_errors_as_json_whatever_the_format(api, alice, scheme):
    response = api(alice).get(URL, {"quarter": 2, "format": "csv"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["fy"]
    assert api(alice).get(URL, {"fy": 2023, "quarter": 7, "format": "xlsx"}).json()["quarter"]


# --- periods: every form the KPIs take -----------------------------------------------------------


def test_it_exports_a_period_of_the_callers_own_as_one_row_per_scheme(api, alice, scheme, year):
    response = api(alice).get(URL, {"from": "2023-04-01", "to": "2023-12-31", "format": "csv"})
    assert response.status_code == 200
    assert 'filename="icv-quarterly-return-2023-04-01-to-2023-12-31.csv"' in response["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert header[:len(LEADING)] == LEADING
    rows = parse_csv(response.content)
    # The financial year the period starts in; no quarter, as it is no quarter.
    assert [(r["scheme"], r["fy"], r["quarter"], r["from"], r["to"]) for r in rows] == [
        (str(scheme.pk), "2023", "", "2023-04-01", "2023-12-31")]
    kpis = api(alice).get("/api/v1/kpis/", {"from": "2023-04-01", "to": "2023-12-31"}).json()
    # Q1's two visits and Q3's one; the same figures as the KPIs of the same dates.
    assert (rows[0]["visits"], rows[0]["target"], rows[0]["volunteer_hours"]) == (
        "3", str(kpis["target"]), str(kpis["volunteer_hours"]))
    assert kpis["visits"] == 3


def test_a_period_spanning_two_financial_years_takes_the_year_it_starts_in(api, alice, year):
    rows = api(alice).get(URL, {"from": "2023-03-01", "to": "2023-04-30", "format": "json"}).json()
    assert [(r["fy"], r["quarter"], r["from"], r["to"]) for r in rows] == [(2022, None, "2023-03-01", "2023-04-30")]
    assert rows[0]["visits"] == 2  # "before" (31 March, local) and v1 (1 April, local)


def test_it_exports_a_period_of_the_callers_own_as_xlsx(api, alice, year):
    response = api(alice).get(URL, {"from": "2023-10-01", "to": "2023-10-31"}, HTTP_ACCEPT=XLSX)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert 'filename="icv-quarterly-return-2023-10-01-to-2023-10-31.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["data"]
    header = [cell.value for cell in sheet[1]]
    cell = {name: sheet.cell(row=2, column=index + 1) for index, name in enumerate(header)}
    assert sheet.max_row == 2
    assert (cell["fy"].value, cell["quarter"].value) == (2023, None)
    assert (cell["from"].value, cell["to"].value) == (datetime(2023, 10, 1), datetime(2023, 10, 31))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_with_no_period_it_exports_the_quarters_of_the_year_begun_the_last_to_date(api, alice, scheme, fmt):
    today = scheme.local_today()
    fy = fy_of(today)
    response = api(alice).get(URL, {"format": fmt})
    assert response.status_code == 200
    assert f'filename="icv-quarterly-return-fy{fy}-to-{today.isoformat()}.{fmt}"' in response["Content-Disposition"]
    begun = quarters_begun(fy, today=today)
    expected = [(fy, q, dates.date_from.isoformat(), dates.date_to.isoformat()) for q, dates, _ in begun]
    assert expected[-1][3] == today.isoformat()
    assert identities(response, fmt) == expected


def test_a_from_after_to_is_refused_with_a_field_message(api, alice, scheme):
    response = api(alice).get(URL, {"from": "2023-06-30", "to": "2023-04-01", "format": "csv"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["to"] == ["The last day cannot be before the first."]


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2023-04-01"}, "to"),
    ({"to": "2023-04-01"}, "from"),
    ({"fy": 2023, "from": "2023-04-01", "to": "2023-04-30"}, "fy"),
    ({"from": "2010-01-01", "to": "2023-12-31"}, "to"),
])
def test_it_refuses_a_half_or_mixed_period_as_the_kpis_do(api, alice, scheme, params, field):
    response = api(alice).get(URL, {**params, "format": "json"})
    assert response.status_code == 400
    assert response.json()[field]


def test_an_async_job_for_a_period_of_the_callers_own_downloads_the_same_rows(api, alice, year,
                                                                             django_capture_on_commit_callbacks):
    period = {"from": "2023-04-01", "to": "2023-06-30", "format": "csv"}
    direct = parse_csv(api(alice).get(URL, period).content)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(alice).get(URL, {**period, "async": "1"})
    assert response.status_code == 202
    job = api(alice).get(response.json()["status_url"]).json()
    assert (job["status"], job["rows"], job["fy"], job["quarter"], job["from"], job["to"]) == (
        "done", 1, None, None, "2023-04-01", "2023-06-30")
    download = api(alice).get(job["url"])
    assert download.status_code == 200
    assert 'filename="icv-quarterly-return-2023-04-01-to-2023-06-30.csv"' in download["Content-Disposition"]
    assert parse_csv(body(download)) == direct


def test_an_async_job_with_no_period_downloads_the_year_to_date(api, alice, scheme,
                                                                django_capture_on_commit_callbacks):
    direct = parse_csv(api(alice).get(URL, {"format": "csv"}).content)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(alice).get(URL, {"format": "csv", "async": "1"})
    assert response.status_code == 202
    job = api(alice).get(response.json()["status_url"]).json()
    assert (job["fy"], job["quarter"], job["from"], job["to"]) == (None, None, None, None)
    download = api(alice).get(job["url"])
    today = scheme.local_today()
    assert f'filename="icv-quarterly-return-fy{fy_of(today)}-to-{today.isoformat()}.csv"' in (
        download["Content-Disposition"])
    assert parse_csv(body(download)) == direct


def test_a_large_export_runs_as_a_job_and_its_owner_downloads_it(api, alice, charlie, year, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "EXPORT_SYNC_MAX_ROWS", 3)
    direct = api(alice).get(URL, {"fy": 2023, "quarter": 1, "format": "csv"})
    assert direct.status_code == 200  # one row: small enough to stream back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(alice).get(URL, {"fy": 2023, "format": "csv"})  # four rows
    assert response.status_code == 202 and len(callbacks) == 1
    assert {"id", "status", "progress", "url"} <= set(response.json())
    job = api(alice).get(response.json()["status_url"]).json()
    assert (job["status"], job["progress"], job["rows"]) == ("done", 100, 4)
    assert job["url"].endswith(f"/api/v1/kpis/exports/{job['id']}/download/")
    download = api(alice).get(job["url"])
    assert download.status_code == 200
    assert 'filename="icv-quarterly-return-fy2023.csv"' in download["Content-Disposition"]
    rows = parse_csv(body(download))
    assert [r["quarter"] for r in rows] == ["1", "2", "3", "4"] and rows[0]["visits"] == "2"
    stored = ExportJob.objects.get(pk=job["id"])
    assert stored.file.name == f"exports/{job['id']}.csv"
    # Someone else: neither the job nor the file exists for them.
    assert api(charlie).get(response.json()["status_url"]).status_code == 404
    assert api(charlie).get(job["url"]).status_code == 404


def test_async_asks_for_a_job_even_when_small_and_the_task_runs_once(api, alice, year,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(alice).get(URL, {"fy": 2023, "quarter": 3, "async": "1", "format": "xlsx"})
    assert response.status_code == 202 and response["Content-Type"] == "application/json"
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.format, job.rows) == (ExportStatus.DONE, "xlsx", 1)
    name, finished = job.file.name, job.finished_at
    # A redelivered task finds the job done and leaves it be.
    assert export_job_build.apply(args=[str(job.pk)]).get() == ExportStatus.DONE
    job.refresh_from_db()
    assert (job.file.name, job.finished_at) == (name, finished)
    sheet = load_workbook(io.BytesIO(body(api(alice).get(f"/api/v1/kpis/exports/{job.pk}/download/"))))["data"]
    assert sheet["F2"].value == 1  # visits in Q3


def test_a_job_not_yet_built_cannot_be_downloaded(api, alice, scheme):
    job = ExportJob.objects.create(owner=alice, fy=2023, quarter=1, format="csv")
    job.schemes.set([scheme])
    status = api(alice).get(f"/api/v1/kpis/exports/{job.pk}/").json()
    assert (status["status"], status["progress"], status["url"]) == ("queued", 0, None)
    assert api(alice).get(f"/api/v1/kpis/exports/{job.pk}/download/").status_code == 409


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_export_through_redis(api, alice, scheme, suite, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app

    # The worker thread closes its connection after each task, so the test database can be dropped.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = api(alice).get(URL, {"fy": 2023, "quarter": 2, "async": "1", "format": "csv"})
        assert response.status_code == 202
        job = ExportJob.objects.get(pk=response.json()["id"])
        deadline = time.monotonic() + 30
        while job.status != ExportStatus.DONE and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    assert (job.status, job.progress, job.rows) == (ExportStatus.DONE, 100, 1)
    rows = parse_csv(body(api(alice).get(f"/api/v1/kpis/exports/{job.pk}/download/")))
    assert rows[0]["quarter"] == "2" and rows[0]["target"] == "13"  # 92 days, one suite
