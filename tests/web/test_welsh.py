"""The desk in Welsh (Welsh Language Standards): a Welsh-speaking manager's every page speaks Welsh,
a first sign-in on a bilingual scheme asks the language once, one tap switches it, and an English-only
scheme never asks."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD
from tests.web.conftest import signed_in
from visits.models import AccessBand, IssueStatus, Language, ReportStatus, SchemeLanguages

# The English interface's most common words: none may be left on a page served in Welsh.
ENGLISH = ["Sign out", "Sign in", "Password", "Coverage", "Recommendations", "Reports", "Issues", "Volunteers",
           "KPIs", "Submit", "Search", "Show", "Date", "Day", "Visits", "Visit", "Status", "Site", "Target",
           "Detainees", "Period", "Download", "Total", "Quarter", "Financial year", "Previous", "Next", "Monday",
           "Weekend", "visited", "Arrival", "Departure", "Comments", "Cancel", "Save", "Skip", "Plan", "Drawn",
           "Rank", "Chance", "Hours", "Joined", "Probation", "Recommendation", "Refresh", "Clear", "Anyone",
           "the", "and", "of", "to"]


@pytest.fixture
def bilingual(scheme):
    scheme.languages = SchemeLanguages.BILINGUAL
    scheme.save()
    return scheme


@pytest.fixture
def welsh(bilingual, alice, carol, dave):
    for person in (alice, carol, dave):
        person.language = Language.WELSH
        person.save()


class Words(HTMLParser):
    """What a person reads or hears on a page: its text, its title and its labels for screen readers."""

    def __init__(self):
        super().__init__()
        self.words, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.words += [value for name, value in attrs if name in ("aria-label", "title", "placeholder") and value]

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.words.append(data)


def readable(html: str, *, data: list[str]) -> str:
    parser = Words()
    parser.feed(html)
    text = " ".join(parser.words)
    for value in sorted(data, key=len, reverse=True):  # the scheme's own data (names, what visitors wrote)
        text = text.replace(value, " ")
    return text


def english_left(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text)]


@pytest.mark.parametrize(("url", "heading", "welsh_words"), [
    ("/coverage/", "Cwmpas: Blwyddyn ariannol", ["Dydd Llun", "Cyfanswm", "o'r blychau wedi cael ymweliad"]),
    ("/recommendations/", "Argymhellion", ["Cynllun,", "Dyddiad", "Cyfnod amser"]),
    ("/reports/", "Adroddiadau", ["Canfuwyd 8 adroddiad", "Chwilio", "Cyrraedd"]),
    ("/issues/", "Materion", ["Yn aros am yr heddlu", "Ymateb yr heddlu", "Oed (dyddiau)"]),
    ("/kpis/", "DPA: Blwyddyn ariannol", ["ymweliad â'r ddalfa, targed", "Ffurflen chwarterol i ICVA", "Lawrlwytho"]),
    ("/volunteers/", "Gwirfoddolwyr: Blwyddyn ariannol", ["ar gyfnod prawf", "Oriau ar ymweliadau"]),
])
def test_a_welsh_speaking_manager_reads_each_page_in_welsh(desk, welsh, alice, url, heading, welsh_words):
    html = signed_in(alice).get(url).content.decode()
    assert '<html lang="cy">' in html
    assert re.search(rf"<h1>{re.escape(heading)}", html.replace("&#x27;", "'")), html[:3000]
    for words in welsh_words:
        assert words in html.replace("&#x27;", "'"), words
    assert "Allgofnodi" in html and ">Cwmpas</a>" in html


def test_dates_and_times_follow_the_language_day_month_year_on_the_24_hour_clock(desk, welsh, alice, suite):
    report = desk["visits"][0]
    welsh_page = signed_in(alice).get(f"/reports/custody/{report.pk}/").content.decode()
    local = report.arrived_at.astimezone(suite.scheme.zone)
    months = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
              "Tachwedd", "Rhagfyr"]
    assert f"{local.day} {months[local.month - 1]} {local.year}, {local:%H:%M}" in welsh_page
    alice.language = Language.ENGLISH
    alice.save()
    english_page = signed_in(alice).get(f"/reports/custody/{report.pk}/").content.decode()
    assert '<html lang="en-GB">' in english_page and f"{local.day} {local:%b %Y}, {local:%H:%M}" in english_page


def test_no_english_is_left_on_any_desk_page_served_in_welsh(desk, welsh, alice, carol, dave, suite):
    report = desk["visits"][0]
    people = [alice, carol, dave, *type(alice).objects.filter(scheme=alice.scheme)]
    data = [site.name for site in suite.scheme.sites.all()] + [
        issue.description for issue in report.issues.model.objects.all()] + [
        issue.category.name for issue in report.issues.model.objects.all()] + [
        name for person in people for name in (person.get_full_name(), person.username) if name] + [
        suite.scheme.name, "ICVA", "CSV", "JSON", "Excel (XLSX)", "Cymraeg", "English"] + [
        # Labels of visits' choices come from visits' own catalogue, translated there.
        str(label) for choices in (AccessBand, IssueStatus, ReportStatus) for label in choices.labels]
    pages = {alice: ["/coverage/", "/coverage/?grid=animal", f"/coverage/{suite.pk}/", "/recommendations/", "/reports/",
                     "/reports/?kind=animal", f"/reports/custody/{report.pk}/", f"/reports/custody/{report.pk}/correct/",
                     "/issues/", "/kpis/", "/volunteers/", "/rota/", "/password/", "/password/changed/",
                     "/no-such-page/"],
             carol: ["/force/"], dave: ["/returns/"]}
    for person, urls in pages.items():
        client = signed_in(person)
        for url in urls:
            html = client.get(url).content.decode()
            assert '<html lang="cy">' in html, url
            # So does the role's label.
            left = english_left(readable(html, data=[*data, str(person.get_role_display()).lower()]))
            assert not left, f"{url} still says {left}"


def test_a_first_sign_in_on_a_bilingual_scheme_asks_the_language_once_and_records_it(desk, bilingual, alice):
    client = Client()
    answer = client.post("/signin/", {"username": "alice", "password": PASSWORD, "next": "/coverage/"})
    assert answer.status_code == 302 and answer["Location"] == "/language/?next=%2Fcoverage%2F"
    question = client.get(answer["Location"]).content.decode()
    # Both answers, each in its own language, whatever the page's language.
    assert '<button type="submit" name="language" value="cy" lang="cy">Cymraeg</button>' in question
    assert '<button type="submit" name="language" value="en" lang="en-GB">English</button>' in question
    chosen = client.post("/language/", {"language": "cy", "next": "/coverage/"})
    assert chosen["Location"] == "/coverage/"
    alice.refresh_from_db()
    assert alice.language == Language.WELSH
    assert '<html lang="cy">' in client.get("/coverage/").content.decode()
    # Asked once: the next sign-in goes straight to the start page, in Welsh.
    again = Client()
    answer = again.post("/signin/", {"username": "alice", "password": PASSWORD, "next": "/coverage/"})
    assert answer["Location"] == "/coverage/"
    assert "<h1>Cwmpas:" in again.get("/coverage/").content.decode()


def test_the_header_switch_changes_the_language_in_one_tap(desk, welsh, alice):
    client = signed_in(alice)
    page = client.get("/kpis/").content.decode()
    assert 'name="language" value="en" lang="en-GB">English</button>' in page
    answer = client.post("/language/", {"language": "en", "next": "/kpis/?fy=2020"})
    assert answer.status_code == 302 and answer["Location"] == "/kpis/?fy=2020"
    alice.refresh_from_db()
    assert alice.language == Language.ENGLISH
    page = client.get("/kpis/").content.decode()
    assert '<html lang="en-GB">' in page and "<h1>KPIs: Financial year" in page
    assert 'name="language" value="cy" lang="cy">Cymraeg</button>' in page


def test_the_switch_never_sends_anyone_to_another_site(desk, welsh, alice):
    answer = signed_in(alice).post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert answer["Location"] == "/"


def test_an_english_only_scheme_never_asks_and_offers_no_switch(desk, alice):
    assert not alice.scheme.offers_welsh and alice.language == ""
    client = Client()
    answer = client.post("/signin/", {"username": "alice", "password": PASSWORD, "next": "/coverage/"})
    assert answer["Location"] == "/coverage/"
    page = client.get("/coverage/").content.decode()
    assert '<html lang="en-GB">' in page and "Cymraeg" not in page


def test_before_signing_in_the_page_follows_the_browser_and_the_switch_sets_the_cookie(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="cy").get("/signin/").content.decode()
    assert '<html lang="cy">' in page and "<h1>Mewngofnodi</h1>" in page and ">English</button>" in page
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    assert "<h1>Sign in</h1>" in client.get("/signin/").content.decode()
    answer = client.post("/language/", {"language": "cy", "next": "/signin/"})
    assert answer["Location"] == "/signin/" and client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    assert "<h1>Mewngofnodi</h1>" in client.get("/signin/").content.decode()
