"""The figures the API gives are on the desk's pages: the KPIs of a period, one report's contents and
the analyst's table, each figure in the page's own words and written one way ("1,160", "£7,491.29")."""

import html
import re
from datetime import timedelta

import pytest

from tests.factories import animal_visit, custody_visit, train
from tests.web.conftest import at, signed_in
from visits.models import CHECK_FIELDS, COUNT_FIELDS, WELFARE_NEEDS, AnimalVisit, CustodyVisit

# Scheme figures the desk shows on other pages: the volunteers' counts on Volunteers, the seen profile in the
# annual report; and the answer's own identity.
ELSEWHERE = {"scheme", "from", "to", "sites", "seen_profile", "volunteers"}


def flat(figures: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in figures.items():
        if not prefix and key in ELSEWHERE:
            continue
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def written(path: str, value) -> str:
    """How a reader expects the figure, worked out here independently of the page's filters."""
    if value is None:
        return "–"
    if path.endswith("_pct") or path.endswith("pct_of_offered"):
        return f"{value:,.1f}%"
    if path == "volunteer_value":
        return f"£{value:,.2f}"
    if path == "volunteer_hours":
        return f"{value:,.1f}"
    return f"{value:,}"


def cells(page: str) -> dict:
    """Each figure cell of the page by the figure it holds, as its text reads."""
    return {m.group(1): html.unescape(re.sub(r"<[^>]+>", "", m.group(2)).strip())
            for m in re.finditer(r'data-figure="([^"]+)"[^>]*>(.*?)</(?:td|dd)>', page, re.S)}


@pytest.fixture
def code_visits(desk, scheme, suite, bob, bella):
    """Reports with the Code of Practice's parts: other outcomes, TACT, children, a delay by a sergeant, a concern."""
    train(bob, "tact")
    start = desk["start"]
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=at(start + timedelta(days=4), 11, scheme=scheme),
                  outcome="remote", outcome_reason="Suite closed for cleaning; spoke by video", admitted_at=None)
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=at(start + timedelta(days=5), 15, scheme=scheme),
                  outcome="access_refused", outcome_reason="Critical incident in the suite", admitted_at=None)
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=at(start + timedelta(days=6), 16, scheme=scheme),
                  outcome="abandoned", outcome_reason="Fire alarm")
    return custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=at(start + timedelta(days=7), 10, scheme=scheme),
                         tact=True, juveniles_present=2, vulnerable_present=1, custody_records_examined=1,
                         detainees_present=4, detainees_offered=3, detainees_seen=2, detainees_refused=1,
                         detainees_observed=1, minutes_to_admission=25, delay_authorised_by_rank="sergeant",
                         cells_clean=True, kitchen_clean=False,
                         concern={"raised": True, "details": "Bruising on a detainee's arm"})


def test_the_kpis_page_shows_every_figure_the_api_gives_for_the_period(api, desk, code_visits, scheme, alice):
    asked = {"fy": desk["start"].year}
    answer = api(alice).get("/api/v1/kpis/", {"scheme": scheme.pk, **asked}).json()
    page = signed_in(alice).get("/kpis/", asked).content.decode()
    shown = cells(page)
    figures = flat(answer)
    assert answer["visits_by_outcome"]["remote"] == 1 and answer["tact_visits"] == 1 and answer["concerns_open"] == 1
    missing = {path: (written(path, value), shown.get(path)) for path, value in figures.items()
               if shown.get(path) != written(path, value)}
    assert not missing
    # In words a manager reads, not the API's names.
    for words in ("Remote monitoring (telephone or video)", "Access refused", "Abandoned", "TACT visits",
                  "Delays authorised below the rank of inspector", "Hygiene", "Concerns still open"):
        assert words in page


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_numbers_are_written_one_way_in_either_language(language):
    from django.utils import translation

    from web.templatetags.desk import money, num
    with translation.override(language):
        assert (num(1160), num(442.4, 1), money(7491.29), num(None)) == ("1,160", "442.4", "£7,491.29", "–")


def in_words(model, name: str, value) -> str:
    """A stored choice as the model names it; a check as yes, no or not checked."""
    if isinstance(value, bool) or value is None:
        return {True: "Yes", False: "No", None: "Not checked"}[value]
    if isinstance(value, int):
        return f"{value:,}"
    choices = dict(model._meta.get_field(name).choices or [])
    return str(choices.get(value, value))


def test_the_report_page_shows_every_figure_and_choice_the_api_gives_for_a_custody_visit(api, code_visits, alice):
    answer = api(alice).get(f"/api/v1/visits/{code_visits.pk}/").json()
    page = signed_in(alice).get(f"/reports/custody/{code_visits.pk}/").content.decode()
    shown = cells(page)
    names = [*COUNT_FIELDS, "juveniles_present", "vulnerable_present", "custody_records_examined", "outcome", "tact",
             "delay_authorised_by_rank", *CHECK_FIELDS]
    expected = {name: in_words(CustodyVisit, name, answer[name]) for name in names}
    assert expected["delay_authorised_by_rank"] == "Sergeant" and expected["kitchen_clean"] == "No"
    assert {name: shown.get(name) for name in names} == expected
    assert answer["concern"]["details"] in html.unescape(page)


def test_the_report_page_says_why_a_visit_was_not_completed(api, code_visits, scheme, alice):
    remote = CustodyVisit.objects.get(scheme=scheme, outcome="remote")
    shown = cells(signed_in(alice).get(f"/reports/custody/{remote.pk}/").content.decode())
    assert shown["outcome"] == "Remote monitoring (telephone or video)"
    assert shown["outcome_reason"] == "Suite closed for cleaning; spoke by video"


def test_the_report_page_shows_an_animal_welfare_visits_five_needs(api, desk, scheme, animal_unit, bob, bella, alice):
    visit = animal_visit(site=animal_unit, sender=bob, visitors=[bob, bella], arrived_at=at(desk["start"] + timedelta(days=9), 10, scheme=scheme),
                         animals_seen=12, records_checked=True,
                         welfare_needs={"environment": "met", "diet": "concern", "health": "met"},
                         issues=[{"category": "other", "description": "Dog food out of date"}])
    answer = api(alice).get(f"/api/v1/animal-visits/{visit.pk}/").json()
    shown = cells(signed_in(alice).get(f"/reports/animal/{visit.pk}/").content.decode())
    expected = {f"welfare_needs.{need}": in_words(AnimalVisit, f"welfare_{need}", answer["welfare_needs"][need])
                for need in WELFARE_NEEDS}
    expected.update({name: in_words(AnimalVisit, name, answer[name])
                     for name in ("animals_seen", "outcome", "records_checked", "kennels_observed",
                                  "vehicles_observed", "training_observed")})
    assert expected["welfare_needs.diet"] == "Concern"
    assert {name: shown.get(name) for name in expected} == expected
    alice.language = "cy"
    alice.save()
    welsh = cells(signed_in(alice).get(f"/reports/animal/{visit.pk}/").content.decode())
    assert (welsh["welfare_needs.environment"], welsh["welfare_needs.diet"], welsh["records_checked"]) == (
        "Wedi'i diwallu", "Pryder", "Ie")


def test_the_forces_response_on_a_report_is_body_text_not_a_hint(desk, scheme, alice):
    from visits.models import VisitIssue
    issue = VisitIssue.objects.get(scheme=scheme, description="No soap at the basin")
    issue.force_response, issue.status = "Soap restocked on every shift", "responded"
    issue.save()
    page = signed_in(alice).get(f"/reports/custody/{issue.custody_visit_id}/").content.decode()
    block = re.search(r'<div class="response">(.*?)</div>', page, re.S)
    assert block and "Soap restocked on every shift" in block.group(1)
    assert 'class="hint"' not in page.split(f'id="issue-{issue.pk}"')[1].split("</div>")[0]


def test_the_analysts_table_shows_the_outcome_tact_and_issue_figures_of_the_api(api, desk, code_visits, scheme, dave):
    asked = {"fy": desk["start"].year}
    answer = api(dave).get("/api/v1/kpis/", {"scheme": scheme.pk, **asked}).json()
    page = signed_in(dave).get("/returns/", asked).content.decode()
    shown = {path.split(":", 1)[1]: text for path, text in cells(page).items() if path.startswith(f"{scheme.pk}:")}
    wanted = {path: written(path, value) for path, value in flat(answer).items()
              if path.startswith(("visits", "tact_visits", "issues_", "target"))}
    assert wanted["visits_by_outcome.access_refused"] == "1" and wanted["issues_by_category.hygiene"] == "1"
    assert {path: shown.get(path) for path in wanted} == wanted
    # Every figure the table shows is the API's.
    figures = {**flat(answer), **flat(answer["volunteers"], "volunteers.")}
    assert all(text == written(path, figures[path]) for path, text in shown.items())
    # No wider than its content, and the annual reports the analyst may read one click away.
    assert '<table class="wide">' not in page
    assert f'href="/reports/annual/{scheme.pk}/{desk["start"].year}/"' in page
    assert signed_in(dave).get(f"/reports/annual/{scheme.pk}/{desk['start'].year}/").status_code == 200


V11_CUSTODY = ("outcome", "outcome_reason", "delay_authorised_by_rank", "tact", "juveniles_present",
               "vulnerable_present", "custody_records_examined", "concern_raised", "concern_details")


def form_data(page: str) -> dict:
    """What the browser would send: each input's value, each select's chosen option, each textarea's text,
    a checkbox only when ticked."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and ('type="checkbox"' not in tag or "checked" in tag):
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(text).strip()
    return data


def test_the_correction_form_offers_every_version_1_1_field_and_saves_them(desk, scheme, alice):
    report = desk["visits"][0]  # 12 minutes to admission: a delay
    client = signed_in(alice)
    page = client.get(f"/reports/custody/{report.pk}/correct/").content.decode()
    data = form_data(page)
    offered = set(re.findall(r'name="([^"]+)"', page))
    assert set(V11_CUSTODY) <= offered, set(V11_CUSTODY) - offered
    data.update(outcome="abandoned", outcome_reason="Fire alarm part way through", delay_authorised_by_rank="inspector",
                juveniles_present="1", vulnerable_present="1", custody_records_examined="1", concern_raised="on",
                concern_details="Detainee said he was pushed", reason="The visitors' notes came late")
    answer = client.post(f"/reports/custody/{report.pk}/correct/", data)
    assert answer.status_code == 302, form_data(answer.content.decode())
    report.refresh_from_db()
    assert (report.outcome, report.outcome_reason, report.delay_authorised_by_rank, report.juveniles_present,
            report.vulnerable_present, report.custody_records_examined) == (
        "abandoned", "Fire alarm part way through", "inspector", 1, 1, 1)
    assert report.concern == {"raised": True, "details": "Detainee said he was pushed"}
    assert set(report.corrections.get().changes) >= {"outcome", "concern", "juveniles_present"}


def test_the_correction_form_of_an_animal_welfare_visit_offers_its_outcome_and_the_five_needs(desk, scheme, animal_unit,
                                                                                           alice):
    from visits.models import AnimalVisit as Animal
    report = Animal.objects.get(scheme=scheme)
    client = signed_in(alice)
    data = form_data(client.get(f"/reports/animal/{report.pk}/correct/").content.decode())
    assert {"outcome", "outcome_reason", *(f"welfare_{need}" for need in WELFARE_NEEDS)} <= set(data)
    data.update(welfare_diet="met", welfare_health="met", reason="Checked with the handler")
    assert client.post(f"/reports/animal/{report.pk}/correct/", data).status_code == 302
    report.refresh_from_db()
    assert report.welfare_needs == {"environment": "not_checked", "diet": "met", "behaviour": "not_checked",
                                    "company": "not_checked", "health": "met"}
