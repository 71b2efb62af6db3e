"""Reporting in Welsh: the annual report page, the workbook's sheet for people, the API's messages, and
an export built by a worker in the language of whoever asked. The machine-readable columns of the CSV,
the JSON and the workbook never change with the language."""

import io

from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from reporting import services
from reporting.models import ExportJob, ExportStatus
from reporting.tasks import export_job_build

URL = "/api/v1/kpis/export/"
ENGLISH_HEADINGS = ["Summary", "Custody suites", "Timeslot coverage", "Issues raised and the force's responses",
                    "Volunteers", "Animal welfare visits"]
WELSH_HEADINGS = ["Crynodeb", "Dalfeydd", "Cwmpas y slotiau amser", "Materion a godwyd ac ymatebion yr heddlu",
                  "Gwirfoddolwyr", "Ymweliadau lles anifeiliaid"]


def annual_report(user, scheme_id, *, language: str, fy=2023):
    client = Client()
    client.force_login(user)
    return client.get(f"/reports/annual/{scheme_id}/{fy}/", HTTP_ACCEPT_LANGUAGE=language)


def sheet_of(content: bytes):
    """The workbook's first sheet, the one for people."""
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[1:] == ["data"]
    return book.worksheets[0]


def data_of(content: bytes):
    return load_workbook(io.BytesIO(content))["data"]


def rows_of(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_a_welsh_speaking_manager_reads_the_annual_report_in_welsh(alice, scheme, year):
    alice.language = "cy"
    alice.save(update_fields=["language"])
    response = annual_report(alice, scheme.pk, language="cy")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy">' in html
    assert "<title>Northshire: adroddiad blynyddol ymweld annibynnol â'r ddalfa 2023/24</title>" in html
    for welsh, english in zip(WELSH_HEADINGS, ENGLISH_HEADINGS, strict=True):
        assert f"<h2>{welsh}</h2>" in html and f"<h2>{english}</h2>" not in html
    # Dates in Welsh, day-month-year; the days of the grids in Welsh, in the table and the heatmap.
    assert "Blwyddyn ariannol 1 Ebr 2023 i 31 Maw 2024." in html
    assert '<td class="label">Dydd Llun</td>' in html and '<td class="label">Monday</td>' not in html
    assert ">Dydd Sul</text>" in html and ">Penwythnos</text>" in html
    assert "Materion a godwyd fesul categori, blwyddyn ariannol 2023/24" in html
    assert "Argraffu neu gadw fel PDF" in html and "Print or save as PDF" not in html
    # The same figures as in English.
    assert "<td>52</td></tr>" in html and "<td>3.8</td></tr>" in html
    assert "88.9 o'r rhai a gafodd gynnig" in html


def test_the_annual_report_says_which_language_it_is_in(alice, scheme, year):
    html = annual_report(alice, scheme.pk, language="en-GB").content.decode()
    assert '<html lang="en-gb">' in html and "<h2>Summary</h2>" in html
    assert '<td class="label">Monday</td>' in html and "Financial year 1 Apr 2023 to 31 Mar 2024." in html


def test_the_workbook_asked_for_in_welsh_names_its_sheet_in_welsh_and_keeps_its_columns(api, alice, year):
    english = api(alice).get(URL, {"fy": 2023, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en-GB")
    welsh = api(alice).get(URL, {"fy": 2023, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="cy")
    assert english.status_code == welsh.status_code == 200
    english_sheet, welsh_sheet = sheet_of(english.content), sheet_of(welsh.content)
    assert (english_sheet.title, welsh_sheet.title) == ("Quarterly return", "Ffurflen chwarterol")
    # People read headers in their language; the figures are the same.
    assert rows_of(english_sheet)[0][:3] == ("Scheme", "Financial year", "Quarter")
    assert rows_of(welsh_sheet)[0][:3] == ("Cynllun", "Blwyddyn ariannol", "Chwarter")
    assert rows_of(welsh_sheet)[1:] == rows_of(english_sheet)[1:]
    # What machines read is the same in both: the header row of column names, every value, its formats.
    english_data, welsh_data = data_of(english.content), data_of(welsh.content)
    assert rows_of(welsh_data) == rows_of(english_data)
    assert rows_of(welsh_data)[0][:3] == ("scheme", "fy", "quarter")
    assert [c.number_format for c in welsh_data[2]] == [c.number_format for c in english_data[2]]
    assert welsh_data.freeze_panes == english_data.freeze_panes == welsh_sheet.freeze_panes == "F2"


def test_the_csv_and_the_json_are_the_same_bytes_in_welsh(api, alice, year):
    for fmt in ("csv", "json"):
        english = api(alice).get(URL, {"fy": 2023, "format": fmt}, HTTP_ACCEPT_LANGUAGE="en-GB")
        welsh = api(alice).get(URL, {"fy": 2023, "format": fmt}, HTTP_ACCEPT_LANGUAGE="cy")
        assert english.status_code == welsh.status_code == 200
        assert welsh.content == english.content
        assert welsh["Content-Disposition"] == english["Content-Disposition"]


def test_the_apis_messages_follow_accept_language(api, alice, scheme):
    welsh = api(alice).get("/api/v1/kpis/", {"quarter": 2}, HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.status_code == 400
    assert "Mae angen ei flwyddyn ariannol ar chwarter, e.e. fy=2023&quarter=3." in welsh.content.decode()
    english = api(alice).get("/api/v1/kpis/", {"quarter": 2}, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert "A quarter needs its financial year" in english.content.decode()
    missing = api(alice).get("/api/v1/kpis/", {"scheme": 999999}, HTTP_ACCEPT_LANGUAGE="cy")
    assert missing.status_code == 404
    assert "Nid oes cynllun o'r fath ymhlith y rhai y cewch eu darllen." in missing.content.decode()


def test_an_export_asked_for_in_welsh_is_built_in_welsh_by_the_worker(api, alice, year,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(alice).get(URL, {"fy": 2023, "async": "1", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 202
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.language) == (ExportStatus.DONE, "cy")
    download = api(alice).get(f"/api/v1/kpis/exports/{job.pk}/download/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert sheet_of(b"".join(download.streaming_content)).title == "Ffurflen chwarterol"


def test_the_task_builds_in_the_askers_language_whatever_language_the_worker_runs_in(alice, scheme, year):
    with translation.override("cy"):
        job = services.export_job_create(owner=alice, schemes=[scheme], fy=2023, quarter=1, format="xlsx")
    with translation.override("en-gb"):  # the worker's own language: the settings' default
        assert export_job_build.apply(args=[str(job.pk)]).get() == ExportStatus.DONE
        assert translation.get_language() == "en-gb"
    job.refresh_from_db()
    with job.file.open("rb") as file:
        assert sheet_of(file.read()).title == "Ffurflen chwarterol"
    with translation.override("en-gb"):
        english = services.export_job_create(owner=alice, schemes=[scheme], fy=2023, quarter=1, format="xlsx")
    with translation.override("cy"):
        export_job_build.apply(args=[str(english.pk)]).get()
    english.refresh_from_db()
    with english.file.open("rb") as file:
        assert sheet_of(file.read()).title == "Quarterly return"
