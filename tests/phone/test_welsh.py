"""The phone app in Welsh (Welsh Language Standards): every word from the catalogues, a Welsh-speaking
visitor's whole report offline then online, the switch in one tap even offline, the choice sent to
the service, Accept-Language on every request, and every screen in Welsh looked at, light and dark."""

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

import phone as phone_app
from scheduling.services import recommendation_refresh
from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.factories import PASSWORD
from tests.phone.conftest import LONDON, full_name, sign_in, state_of
from tests.phone.test_reports import local_input
from visits.models import SchemeLanguages

APP = Path(phone_app.__file__).resolve().parent
STATIC = APP / "static" / "phone"
EN = json.loads((STATIC / "i18n" / "en.json").read_text())
CY = json.loads((STATIC / "i18n" / "cy.json").read_text())

# Words of the app's English that no Welsh screen may show (the data, suite and category names, may be).
ENGLISH = re.compile(r"\b(the|and|your|you|report|reports|visit|visits|sign|send|submit|saved|choose|where|issue|"
                     r"issues|phone|minutes?|seconds?|waiting|draft|sent|online|offline|yes|suite|detainees|comments|"
                     r"times|arrived|leaving|we|are|of|to|in|on|with|not|service|one more|one fewer|loading|over|"
                     r"mon|tue|wed|thu|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                     r"jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)\b", re.I)


def cy(key, **params):
    return re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), CY[key])


# --- the catalogues ------------------------------------------------------------------------------

def test_every_english_key_has_its_welsh_with_the_same_placeholders():
    assert EN, "en.json is empty"
    assert set(CY) == set(EN), f"missing in cy.json: {sorted(set(EN) - set(CY))}; extra: {sorted(set(CY) - set(EN))}"
    for key, english in EN.items():
        assert CY[key].strip(), f"{key} is empty in cy.json"
        assert set(re.findall(r"\{\w+\}", CY[key])) == set(re.findall(r"\{\w+\}", english)), key


def test_every_key_the_scripts_name_is_in_the_catalogue():
    for path in STATIC.glob("*.js"):
        for key in re.findall(r"""\bt\(\s*"([a-z_.]+)"|"((?:[a-z_]+\.)+[a-z_]+)"(?=[,\]\s}])""", path.read_text()):
            key = key[0] or key[1]
            if key.endswith(".js") or key.startswith("."):
                continue
            assert key in EN or f"{key}.one" in EN, f"{path.name} names {key}, which en.json lacks"


def test_no_script_or_template_shows_english_of_its_own():
    """A user-facing string written in a script ("...") rather than taken from the catalogue. The one
    screen that speaks both languages at once, asking which, marks each part with its lang."""
    for path in STATIC.glob("*.js"):
        for line in path.read_text().splitlines():
            code = line.split("//")[0]
            for text in re.findall(r'"([A-Z][a-z]+(?: [a-z]+){2,}[^"]*)"', code):
                assert re.search(r'lang: "(en-GB|cy)"', code), f"{path.name}: {text!r} is not in the catalogue"
    html = (APP / "templates" / "phone" / "app.html").read_text()
    for element in re.findall(r"<(?:title|p|a|h1)\b[^>]*>[^<]*[A-Za-z]{3}[^<]*<", html):
        assert "data-i18n" in element or "<noscript>" in html.split(element)[0][-20:] or 'lang="cy"' in element \
            or "JavaScript switched on" in element, element


# --- in the browser ------------------------------------------------------------------------------

@pytest.fixture
def welsh_scheme(scheme):
    scheme.languages = SchemeLanguages.BILINGUAL
    scheme.save(update_fields=["languages"])
    return scheme


def shown_english(page):
    """The English words on screen (text, aria-labels, the page title), leaving out the scheme's own data
    (the options naming suites, people and categories) and what is marked lang="en-GB"."""
    text = page.evaluate("""() => {
        const said = [document.title];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (!el || el.closest("noscript, [hidden], dialog:not([open])")) continue;
            if (el.closest("[lang]") && !el.closest("[lang]").lang.startsWith("cy")) continue;
            if (el.closest("option") && el.closest("option").value !== "") continue;
            said.push(node.textContent);
        }
        for (const el of document.querySelectorAll("[aria-label]")) said.push(el.getAttribute("aria-label"));
        return said.join("\\n");
    }""")
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


def in_welsh(page):
    assert page.evaluate("document.documentElement.lang") == "cy"
    english = shown_english(page)
    assert not english, f"English on a Welsh screen: {english}"


def tap_cy(page, label, times):
    for _ in range(times):
        page.get_by_role("button", name=cy("counter.more", label=label), exact=True).click()


def choose_cy(page, label, option):
    page.get_by_label(label, exact=True).select_option(label=option)


def heading(page, key):
    page.get_by_role("heading", name=cy(key), exact=True).wait_for()


def test_a_welsh_speaking_visitor_reports_offline_then_online_entirely_in_welsh(phone, welsh_scheme, suite, bob, bella):
    bob.first_name, bob.last_name = "Bryn", "Morgan"
    bob.save(update_fields=["first_name", "last_name"])
    page = phone()
    languages = []
    page.on("request", lambda r: r.url.split("?")[0].find("/api/v1/") >= 0
            and languages.append((r.method, r.url, r.headers.get("accept-language"))))
    sign_in_first_time(page, bob)
    # Asked once, the scheme offering Welsh and bob's account having no language yet.
    page.get_by_role("heading", name="English or Cymraeg?").wait_for()
    page.get_by_role("button", name="Cymraeg", exact=True).click()
    heading(page, "home.title")
    in_welsh(page)
    assert page.locator("#net").inner_text() == "Ar-lein"
    languages.clear()

    page.context.set_offline(True)
    heading(page, "home.title")
    page.get_by_role("button", name=cy("home.start_custody")).click()
    heading(page, "report.custody_title")
    in_welsh(page)
    choose_cy(page, cy("form.suite"), "Central")
    choose_cy(page, cy("form.co_visitor"), full_name(bella))
    page.get_by_role("button", name=cy("stamp.arrived")).click()
    page.get_by_label(cy("stamp.arrived_at")).fill(local_input(datetime.now(LONDON) - timedelta(minutes=9)))
    page.get_by_role("button", name=cy("stamp.in")).click()
    page.locator("#band", has_text=cy("band.between", **{"from": 6, "to": 15})).wait_for()
    page.get_by_label(cy("form.delay_reason")).fill("Y ddalfa'n brysur")
    choose_cy(page, cy("form.delay_rank"), cy("rank.inspector"))
    tap_cy(page, cy("tally.seen"), 2)
    tap_cy(page, cy("tally.refused"), 1)
    page.get_by_text(cy("tally.offered_n", n=3)).wait_for()
    page.get_by_role("button", name=cy("issue.add")).click()
    choose_cy(page, cy("issue.category"), "Hygiene and female hygiene products")
    page.get_by_label(cy("issue.description")).fill("Cell 2: dim tywel")
    page.get_by_role("button", name=cy("report.submit")).click()  # no departure yet
    page.get_by_text(cy("report.missing")).wait_for()
    assert cy("problem.left_at") in page.locator("[data-field='left_at'] .error").inner_text()
    in_welsh(page)
    page.get_by_role("button", name=cy("stamp.leaving")).click()
    page.get_by_role("button", name=cy("report.submit")).click()
    page.locator(".status-state", has_text=cy("state.queued")).wait_for()
    page.get_by_text(cy("sync.no_signal")).wait_for()
    in_welsh(page)
    uuid = page.evaluate("location.hash.split('/').pop()")
    page.get_by_role("link", name=cy("nav.back")).click()
    heading(page, "home.title")
    assert page.locator("#net").inner_text() == cy("net.offline")
    in_welsh(page)

    page.context.set_offline(False)
    page.locator("a.card-link", has_text=cy("state.sent")).wait_for()
    assert state_of(page, uuid) == "sent"
    page.locator("a.card-link", has_text=cy("state.sent")).click()
    page.get_by_text(cy("sync.sent")).wait_for()
    in_welsh(page)

    bob.refresh_from_db()
    assert bob.language == "cy"  # the e-mails follow
    sent = [(method, url) for method, url, said in languages if said != "cy"]
    assert languages and not sent, f"requests without Accept-Language: cy: {sent}"
    assert any(method == "POST" and url.endswith("/api/v1/visits/") for method, url, _ in languages)


def sign_in_first_time(page, user):
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_account_language_is_taken_at_sign_in_without_asking(phone, welsh_scheme, suite, bob):
    bob.language = "cy"
    bob.save(update_fields=["language"])
    page = phone()
    sign_in_first_time(page, bob)
    heading(page, "home.title")
    in_welsh(page)


def test_an_english_only_scheme_does_not_ask(phone, suite, bob):
    page = phone()
    sign_in(page, bob)
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    bob.refresh_from_db()
    assert bob.language == ""


def test_the_switch_works_offline_is_remembered_and_reaches_the_service_when_back_online(phone, suite, bob):
    page = phone()
    page.get_by_role("button", name="Cymraeg", exact=True).click()  # on the sign-in screen
    heading(page, "signin.title")
    in_welsh(page)
    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    sign_in(page, bob)

    page.context.set_offline(True)
    page.get_by_role("button", name="Cymraeg", exact=True).click()
    heading(page, "home.title")
    in_welsh(page)
    page.reload()  # the shell and both catalogues come from the service worker's cache
    heading(page, "home.title")
    in_welsh(page)
    page.get_by_role("button", name=cy("home.start_custody")).click()
    heading(page, "report.custody_title")
    in_welsh(page)
    bob.refresh_from_db()
    assert bob.language == "en"  # the sign-in screen's English went with the sign-in; Welsh waits for signal

    # Back online, the choice goes to the service (waited for as the request, not by the clock).
    with page.expect_response(lambda r: r.url.endswith("/api/v1/users/me/") and r.request.method == "PATCH",
                              timeout=30_000) as sent:
        page.context.set_offline(False)
    assert sent.value.status == 200
    bob.refresh_from_db()
    assert bob.language == "cy"


def test_the_language_stays_on_the_phone_after_signing_out(phone, suite, bob):
    page = phone()
    sign_in(page, bob)
    page.get_by_role("button", name="Cymraeg", exact=True).click()
    page.get_by_role("button", name=cy("signout.button")).click()
    page.get_by_text(cy("signout.done")).wait_for()
    in_welsh(page)


# --- every screen, in Welsh ----------------------------------------------------------------------

def looked_at(page, name, dark, *, welsh=True):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    if welsh:
        in_welsh(page)
    screenshot(page, f"phone/cy/{name}-{'dark' if dark else 'light'}")


@pytest.mark.services
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_screen_in_welsh_is_legible_and_accessible(phone, welsh_scheme, suite, animal_unit, trained_bob, bella,
                                                          alice, dark):
    today = timezone.localdate()
    recommendation_refresh(site=suite, date_from=today - timedelta(days=90), date_to=today,
                           request_key="phone-screens-cy", requested_by=alice)
    trained_bob.first_name, trained_bob.last_name = "Bryn", "Morgan"
    trained_bob.save(update_fields=["first_name", "last_name"])
    page = phone(dark=dark)
    page.get_by_role("button", name="Cymraeg", exact=True).click()
    heading(page, "signin.title")
    looked_at(page, "01-sign-in", dark)
    page.get_by_label(cy("signin.username")).fill(trained_bob.username)
    page.get_by_label(cy("signin.password")).fill(PASSWORD)
    page.get_by_role("button", name=cy("signin.submit")).click()
    heading(page, "home.title")
    page.evaluate("""async () => {
        await navigator.serviceWorker.ready;
        while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
    }""")
    looked_at(page, "02-my-visits-empty", dark)

    page.get_by_role("button", name=cy("home.start_custody")).click()
    heading(page, "report.custody_title")
    looked_at(page, "03-custody-form-new", dark)
    choose_cy(page, cy("form.suite"), "Central")
    choose_cy(page, cy("form.co_visitor"), full_name(bella))
    page.get_by_role("button", name=cy("stamp.arrived")).click()
    page.get_by_label(cy("stamp.arrived_at")).fill(local_input(datetime.now(LONDON) - timedelta(minutes=20)))
    page.get_by_role("button", name=cy("stamp.in")).click()
    page.get_by_label(cy("form.delay_reason")).fill("Newid shifft y staff")
    choose_cy(page, cy("form.delay_rank"), cy("rank.superintendent_or_above"))
    for key, n in (("tally.seen", 3), ("tally.refused", 1), ("tally.not_offered", 1), ("tally.unavailable", 1),
                   ("tally.observed", 2), ("limited.juveniles_present", 1), ("limited.custody_records_examined", 2)):
        tap_cy(page, cy(key), n)
    page.get_by_text(cy("profile.summary")).click()
    page.get_by_role("button", name=cy("issue.add")).click()
    choose_cy(page, cy("issue.category"), "Hygiene and female hygiene products")
    page.get_by_label(cy("issue.description")).fill("Cell 2: dim tywel")
    page.get_by_label(cy("concern.raised")).check()
    page.locator("#cells_clean-yes").check()
    page.locator("#kitchen_clean-no").check()
    looked_at(page, "04-custody-form-filled", dark)

    page.get_by_role("button", name=cy("issue.add")).click()
    page.get_by_role("button", name=cy("report.submit")).click()
    page.get_by_text(cy("report.missing")).wait_for()
    looked_at(page, "05-custody-form-missing-answers", dark)
    page.get_by_role("button", name=cy("issue.remove", n=2)).click()
    page.get_by_label(cy("concern.details")).fill("Cell 7: clais ar y fraich chwith")
    page.get_by_role("button", name=cy("stamp.leaving")).click()

    page.context.set_offline(True)
    page.get_by_role("button", name=cy("report.submit")).click()
    page.locator(".status-state", has_text=cy("state.queued")).wait_for()
    looked_at(page, "06-custody-report-waiting-offline", dark)
    page.get_by_role("link", name=cy("nav.back")).click()
    heading(page, "home.title")
    looked_at(page, "07-my-visits-offline", dark)
    page.context.set_offline(False)
    page.locator("a.card-link", has_text=cy("state.sent")).click()
    page.get_by_text(cy("sync.sent")).wait_for()
    looked_at(page, "08-custody-report-sent", dark)

    page.get_by_role("link", name=cy("nav.back")).click()
    page.get_by_role("button", name=cy("home.start_custody")).click()
    heading(page, "report.custody_title")
    page.get_by_label(cy("outcome.remote"), exact=True).check()
    looked_at(page, "09-custody-remote", dark)
    page.get_by_label(cy("outcome.access_refused"), exact=True).check()
    page.get_by_label(cy("form.tact")).check()
    looked_at(page, "10-custody-not-let-in", dark)
    page.get_by_role("button", name=cy("draft.delete")).click()
    page.get_by_role("dialog").wait_for()
    looked_at(page, "11-delete-draft-confirm", dark)
    page.get_by_role("button", name=cy("draft.delete_yes"), exact=True).click()
    heading(page, "home.title")

    page.get_by_role("button", name=cy("home.start_animal")).click()
    heading(page, "report.animal_title")
    choose_cy(page, cy("form.animal_unit"), "Dog unit")
    page.get_by_role("button", name=cy("stamp.arrived")).click()
    tap_cy(page, cy("animal.seen"), 3)
    page.get_by_role("button", name=cy("stamp.leaving")).click()
    page.locator("#welfare-diet-concern").check()
    page.get_by_role("button", name=cy("report.submit")).click()
    page.get_by_text(cy("report.missing")).wait_for()
    looked_at(page, "12-animal-form-concern-without-issue", dark)

    page.get_by_role("link", name=cy("nav.back")).click()
    page.locator("#server-reports .card").first.wait_for()
    looked_at(page, "13-my-visits", dark)
    page.get_by_role("link", name=cy("where.title")).click()
    choose_cy(page, cy("where.suite_or_unit"), "Central")
    page.locator("#plan h3").first.wait_for()
    looked_at(page, "14-where-next", dark)

    page.get_by_role("link", name=cy("nav.back")).click()
    page.get_by_role("button", name=cy("signout.button")).click()
    page.get_by_role("dialog").wait_for()
    looked_at(page, "15-sign-out-confirm", dark)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_question_english_or_cymraeg_is_legible_and_accessible(phone, welsh_scheme, suite, bob, dark):
    page = phone(dark=dark)
    sign_in_first_time(page, bob)
    page.get_by_role("heading", name="English or Cymraeg?").wait_for()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"phone/cy/00-english-or-cymraeg-{'dark' if dark else 'light'}")
