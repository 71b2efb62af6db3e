"""The contract's input rules for reports: each is refused with a 400 on its field, and nothing is stored."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from visits.models import (
    CustodyVisit,
    IssueCategory,
    Role,
    SeenProfileCount,
    VisitIssue,
)

from .conftest import (
    ANIMAL_VISITS,
    animal_body,
    assert_field_errors,
    custody_body,
    stored_rows,
)


@pytest.fixture
def world(suite, animal_unit, other_suite, alice, bob, bella, chris):
    bill = UserFactory(username="bill", role=Role.VISITOR, scheme=suite.scheme)
    IssueCategory.objects.create(scheme=other_suite.scheme, slug="harbour-only", name="Harbour only")
    IssueCategory.objects.filter(scheme=suite.scheme, slug="reading-and-faith").update(active=False)
    return {"suite": suite, "animal_unit": animal_unit, "other_suite": other_suite, "alice": alice,
            "bob": bob, "bella": bella, "bill": bill, "chris": chris}


def _iso(moment):
    return moment.isoformat()


def _in_future(minutes):
    def overrides(w):
        moment = _iso(timezone.now() + timedelta(minutes=minutes))
        return {"arrived_at": moment, "admitted_at": moment, "left_at": moment}
    return overrides


def _issue(**fields):
    return {"issues": [{"category": "food-and-drink", "description": "Cold meals.", **fields}]}


REFUSED = [
    # detainee arithmetic
    ("present-not-the-sum-of-its-parts", {"detainees_present": 15}, "detainees_present"),
    ("offered-not-seen-plus-refused", {"detainees_seen": 4, "detainees_present": 14}, "detainees_offered"),
    # counts
    ("negative-count", {"detainees_observed": -1, "detainees_present": 10}, "detainees_observed"),
    ("count-over-1000", {"detainees_present": 1001}, "detainees_present"),
    ("count-as-string", {"detainees_present": "14"}, "detainees_present"),
    ("count-as-whole-float", {"detainees_present": 14.0}, "detainees_present"),
    ("count-as-fraction", {"detainees_seen": 4.5}, "detainees_seen"),
    ("count-as-boolean", {"detainees_refused": True}, "detainees_refused"),
    ("count-as-null", {"detainees_present": None}, "detainees_present"),
    # times
    ("admission-before-arrival", {"admitted_at": "2024-02-06T21:39:00+00:00"}, "admitted_at"),
    ("departure-before-admission", {"left_at": "2024-02-06T21:42:00+00:00"}, "left_at"),
    ("visit-of-24-hours", {"left_at": "2024-02-07T21:40:00+00:00"}, "left_at"),
    ("more-than-5-minutes-in-the-future", _in_future(6), "arrived_at"),
    ("departure-more-than-5-minutes-in-the-future",
     lambda w: {"left_at": _iso(timezone.now() + timedelta(minutes=6)), "arrived_at": _iso(timezone.now())}, "left_at"),
    ("naive-arrival", {"arrived_at": "2024-02-06T21:40:00"}, "arrived_at"),
    ("naive-departure", {"left_at": "2024-02-06T23:05:00"}, "left_at"),
    ("arrival-not-a-time", {"arrived_at": "last night"}, "arrived_at"),
    ("arrival-as-number", {"arrived_at": 1707255600}, "arrived_at"),
    ("arrival-impossible-date", {"arrived_at": "2024-02-30T21:40:00+00:00"}, "arrived_at"),
    ("arrival-out-of-range-in-utc", {"arrived_at": "0001-01-01T00:00:00+23:59"}, "arrived_at"),
    ("departure-out-of-range-in-utc", {"left_at": "9999-12-31T23:59:00-23:59"}, "left_at"),
    ("submitted-without-departure", {"left_at": None}, "left_at"),
    ("submitted-without-admission", {"admitted_at": None}, "admitted_at"),
    # the idempotency key
    ("client-uuid-not-a-uuid", {"client_uuid": "3f9c-not-a-uuid"}, "client_uuid"),
    ("client-uuid-as-number", {"client_uuid": 12345}, "client_uuid"),
    ("client-uuid-missing", {"client_uuid": None}, "client_uuid"),
    # the site
    ("site-of-another-scheme", lambda w: {"site": w["other_suite"].pk}, "site"),
    ("animal-unit-sent-as-custody-visit", lambda w: {"site": w["animal_unit"].pk}, "site"),
    ("site-that-does-not-exist", {"site": 987654}, "site"),
    ("site-as-string", lambda w: {"site": str(w["suite"].pk)}, "site"),
    ("site-id-beyond-any-integer-column", {"site": 10**30}, "site"),
    # visitors
    ("visitor-of-another-scheme", lambda w: {"visitors": [w["bob"].pk, w["chris"].pk]}, "visitors"),
    ("visitor-named-twice", lambda w: {"visitors": [w["bob"].pk, w["bob"].pk, w["bella"].pk]}, "visitors"),
    ("one-visitor-twice", lambda w: {"visitors": [w["bob"].pk, w["bob"].pk]}, "visitors"),
    ("a-single-visitor", lambda w: {"visitors": [w["bob"].pk]}, "visitors"),
    ("sender-not-among-the-visitors", lambda w: {"visitors": [w["bella"].pk, w["bill"].pk]}, "visitors"),
    ("manager-named-as-visitor", lambda w: {"visitors": [w["bob"].pk, w["alice"].pk]}, "visitors"),
    ("visitor-id-that-does-not-exist", lambda w: {"visitors": [w["bob"].pk, 987654]}, "visitors"),
    ("visitor-id-beyond-any-integer-column", lambda w: {"visitors": [w["bob"].pk, 10**30]}, "visitors"),
    ("visitors-not-a-list", lambda w: {"visitors": w["bob"].pk}, "visitors"),
    # access delay
    ("6-minutes-delay-without-reason", {"admitted_at": "2024-02-06T21:46:00+00:00"}, "delay_reason"),
    ("5-and-a-half-minutes-delay-without-reason", {"admitted_at": "2024-02-06T21:45:30+00:00"}, "delay_reason"),
    ("delay-with-a-blank-reason", {"admitted_at": "2024-02-06T22:10:00+00:00", "delay_reason": "  \n"}, "delay_reason"),
    # categories
    ("unknown-category", _issue(category="weather"), "issues"),
    ("another-schemes-category", _issue(category="harbour-only"), "issues"),
    ("retired-category", _issue(category="reading-and-faith"), "issues"),
    ("issue-without-description", _issue(description=""), "issues"),
    ("issue-resolved-as-string", _issue(resolved_during_visit="no"), "issues"),
    # free text
    ("comments-over-5000-chars", {"comments": "x" * 5001}, "comments"),
    ("issue-description-over-5000-chars", _issue(description="x" * 5001), "issues"),
    ("delay-reason-over-5000-chars", {"delay_reason": "x" * 5001}, "delay_reason"),
    ("bell-control-character", {"comments": "cell 4\x07"}, "comments"),
    ("nul-character", {"comments": "cell\x004"}, "comments"),
    ("carriage-return", {"comments": "cell 4\r\ncell 5"}, "comments"),
    ("c1-control-character", {"comments": "cell\x854"}, "comments"),
    ("right-to-left-override", {"comments": "cell \u202e4 llec"}, "comments"),
    ("left-to-right-embedding", {"comments": "\u202acell 4"}, "comments"),
    ("first-strong-isolate", {"delay_reason": "busy \u2068x\u2069"}, "delay_reason"),
    ("isolate-in-issue-text", _issue(description="cold \u2066meal"), "issues"),
    ("comments-as-number", {"comments": 42}, "comments"),
    ("lone-high-surrogate", {"comments": "cell \ud800 4"}, "comments"),
    ("lone-low-surrogate-in-issue", _issue(description="cold \udc00"), "issues"),
    # status and profile
    ("unknown-status", {"status": "final"}, "status"),
    ("profile-seen-more-than-seen", {"seen_profile": {"gender": {"female": 4, "male": 3}}}, "seen_profile"),
    ("profile-unknown-group", {"seen_profile": {"shoe_size": {"9": 1}}}, "seen_profile"),
    ("profile-count-as-string", {"seen_profile": {"gender": {"female": "2"}}}, "seen_profile"),
]


@pytest.mark.parametrize("overrides, field", [pytest.param(o, f, id=name) for name, o, f in REFUSED])
def test_it_refuses_a_report_breaking_a_rule_and_stores_nothing(world, post_report, overrides, field):
    if callable(overrides):
        overrides = overrides(world)
    body = {**custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]]), **overrides}
    response = post_report(world["bob"], body)
    assert_field_errors(response, field)


def test_it_rejects_counts_that_do_not_add_up_with_a_clear_message(world, post_report):
    body = custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]], detainees_present=15)
    errors = assert_field_errors(post_report(world["bob"], body), "detainees_present")
    assert errors["detainees_present"] == [
        "Detainees present (15) must equal offered + not offered + unavailable + observed (14)."
    ]


def test_it_lists_every_broken_rule_at_once(world, post_report):
    body = custody_body(site=world["suite"], visitors=[world["bob"]], detainees_present=15,
                        admitted_at="2024-02-06T22:00:00+00:00")
    assert_field_errors(post_report(world["bob"], body), "visitors", "detainees_present", "delay_reason")


def test_it_stores_nothing_when_a_later_issue_is_bad(world, post_report):
    issues = [{"category": "food-and-drink", "description": "Cold."}, {"category": "weather", "description": "Rain."}]
    body = custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]], issues=issues)
    errors = assert_field_errors(post_report(world["bob"], body), "issues")
    assert errors["issues"] == ["Issue 2: no category 'weather' in this scheme."]


ACCEPTED = [
    ("4-minutes-ahead-of-the-server-clock", _in_future(4)),
    ("5-minutes-delay-without-reason", {"admitted_at": "2024-02-06T21:45:00+00:00"}),
    ("6-minutes-delay-with-a-reason", {"admitted_at": "2024-02-06T21:46:00+00:00", "delay_reason": "Suite busy"}),
    ("visit-just-under-24-hours", {"left_at": "2024-02-07T21:39:00+00:00"}),
    ("arrival-equals-admission-equals-departure",
     {"admitted_at": "2024-02-06T21:40:00+00:00", "left_at": "2024-02-06T21:40:00+00:00"}),
    ("time-in-zulu-form", {"arrived_at": "2024-02-06T21:40:00Z"}),
    ("time-with-another-offset", {"arrived_at": "2024-02-06T22:40:00+01:00"}),
    ("counts-of-1000", {"detainees_present": 1000, "detainees_offered": 1000, "detainees_seen": 1000,
                        "detainees_refused": 0, "detainees_not_offered": 0, "detainees_unavailable": 0,
                        "detainees_observed": 0}),
    ("all-counts-zero", {f"detainees_{n}": 0 for n in ("present", "offered", "seen", "refused", "not_offered",
                                                          "unavailable", "observed")} | {"seen_profile": {}}),
    ("comments-of-5000-chars", {"comments": "x" * 5000}),
    ("tab-and-newline", {"comments": "cell 4:\tblanket\ncell 5:\ttoilet paper"}),
    ("accents-and-emoji", {"comments": "Détenu content \U0001F44D, 日本語"}),
    ("arabic-text-without-overrides", {"comments": "زنزانة ٤"}),
    ("three-visitors", lambda w: {"visitors": [w["bob"].pk, w["bella"].pk, w["bill"].pk]}),
]


@pytest.mark.parametrize("overrides", [pytest.param(o, id=name) for name, o in ACCEPTED])
def test_it_accepts_a_report_at_the_edge_of_a_rule(world, post_report, overrides):
    if callable(overrides):
        overrides = overrides(world)
    body = {**custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]]), **overrides}
    response = post_report(world["bob"], body)
    assert response.status_code == 201, response.json()
    assert CustodyVisit.objects.filter(pk=response.json()["id"]).exists()


def test_a_stored_report_keeps_its_issues_profile_and_counts(world, post_report):
    response = post_report(world["bob"], custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]]))
    assert response.status_code == 201
    visit = CustodyVisit.objects.get(pk=response.json()["id"])
    assert (visit.detainees_present, visit.detainees_offered, visit.detainees_seen) == (14, 6, 5)
    assert set(visit.visitors.values_list("username", flat=True)) == {"bob", "bella"}
    assert VisitIssue.objects.get(custody_visit=visit).category.slug == "food-and-drink"
    assert {(r.dimension, r.value, r.count) for r in SeenProfileCount.objects.filter(visit=visit)} == {
        ("gender", "female", 2), ("gender", "male", 3)}


def test_the_answer_uses_the_contracts_field_names(world, post_report):
    body = custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]])
    answer = post_report(world["bob"], body).json()
    for name in body:
        assert name in answer, name
    for name in ("id", "access_delay_minutes", "access_band", "timeslot", "created_at"):
        assert name in answer, name
    assert answer["client_uuid"] == body["client_uuid"]
    assert answer["visitors"] == sorted(body["visitors"])
    assert answer["access_delay_minutes"] == 3 and answer["access_band"] == "immediate"
    assert answer["timeslot"] == {"day": "tuesday", "band": "20:00-23:59"}


# --- animal welfare visits -----------------------------------------------------------------


def test_it_stores_an_animal_visit_sent_to_its_endpoint(world, post_report):
    response = post_report(world["bob"], animal_body(site=world["animal_unit"], visitors=[world["bob"], world["bella"]]),
                           url=ANIMAL_VISITS)
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["animals_seen"] == 6 and answer["records_checked"] is True
    assert answer["timeslot"] == {"day": "tuesday", "band": "07:00-12:59"}


@pytest.mark.parametrize("overrides, field", [
    pytest.param(lambda w: {"site": w["suite"].pk}, "site", id="custody-suite-sent-as-animal-visit"),
    pytest.param({"animals_seen": -2}, "animals_seen", id="negative-animals"),
    pytest.param({"animals_seen": "6"}, "animals_seen", id="animals-as-string"),
    pytest.param({"records_checked": "yes"}, "records_checked", id="records-checked-as-string"),
    pytest.param({"records_checked": 1}, "records_checked", id="records-checked-as-number"),
    pytest.param({"left_at": "2024-02-06T09:00:00+00:00"}, "left_at", id="departure-before-arrival"),
    pytest.param(lambda w: {"visitors": [w["bob"].pk]}, "visitors", id="a-single-visitor"),
])
def test_it_refuses_an_animal_visit_breaking_a_rule(world, post_report, overrides, field):
    if callable(overrides):
        overrides = overrides(world)
    body = {**animal_body(site=world["animal_unit"], visitors=[world["bob"], world["bella"]]), **overrides}
    assert_field_errors(post_report(world["bob"], body, url=ANIMAL_VISITS), field)


def test_a_scheme_may_ask_for_fewer_visitors(world, post_report):
    scheme = world["suite"].scheme
    scheme.min_visitors = 1
    scheme.save()
    body = custody_body(site=world["suite"], visitors=[world["bob"]])
    assert post_report(world["bob"], body).status_code == 201


def test_a_scheme_may_ask_for_more_visitors(world, post_report):
    scheme = world["suite"].scheme
    scheme.min_visitors = 3
    scheme.save()
    body = custody_body(site=world["suite"], visitors=[world["bob"], world["bella"]])
    errors = assert_field_errors(post_report(world["bob"], body), "visitors")
    assert errors["visitors"] == ["A report needs at least 3 visitors."]


def test_a_visitor_who_had_left_the_scheme_on_the_day_is_refused(world, post_report):
    bella = world["bella"]
    bella.left_on = date(2023, 12, 31)
    bella.save()
    before = stored_rows()
    body = custody_body(site=world["suite"], visitors=[world["bob"], bella])
    assert_field_errors(post_report(world["bob"], body), "visitors")
    assert stored_rows() == before


def test_null_for_optional_text_and_for_issues_reads_as_empty(api, suite, bob, bella):
    """A phone that sends null for what the visitor left empty is not refused at 2 a.m."""
    arrived = timezone.now() - timedelta(hours=3)
    body = {
        "client_uuid": str(uuid4()), "site": suite.pk, "visitors": [bob.pk, bella.pk],
        "arrived_at": arrived.isoformat(), "admitted_at": (arrived + timedelta(minutes=2)).isoformat(),
        "left_at": (arrived + timedelta(hours=1)).isoformat(), "delay_reason": None, "comments": None,
        "issues": None, "status": "submitted",
    }
    created = api(bob).post("/api/v1/visits/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["comments"] == "" and created.json()["issues"] == []
    # The same report with the empties spelt out is a retry, not a conflict.
    retry = api(bob).post("/api/v1/visits/", {**body, "delay_reason": "", "comments": "", "issues": []}, format="json")
    assert retry.status_code == 200 and retry.json()["id"] == created.json()["id"]


def test_null_is_still_refused_where_text_is_required(api, suite, bob, bella):
    arrived = timezone.now() - timedelta(hours=3)
    body = {
        "client_uuid": str(uuid4()), "site": suite.pk, "visitors": [bob.pk, bella.pk],
        "arrived_at": arrived.isoformat(), "admitted_at": (arrived + timedelta(minutes=2)).isoformat(),
        "left_at": (arrived + timedelta(hours=1)).isoformat(),
        "issues": [{"category": "hygiene", "description": None}], "status": "submitted",
    }
    response = api(bob).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400 and "issues" in response.json()
