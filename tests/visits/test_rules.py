"""Each rule of a visit report on its own, without HTTP or the database: a rule reads what the report
says and the rows it refers to, and names the field at fault."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from visits import rules
from visits.kinds import ANIMAL, CUSTODY, kind_for_site, kind_of
from visits.models import AnimalVisit, CustodyVisit, Role, Scheme, SiteKind, Stage, User

NOW = datetime(2024, 2, 7, 12, 0, tzinfo=UTC)
ARRIVED = datetime(2024, 2, 6, 21, 40, tzinfo=UTC)


def person(pk, *, role=Role.VISITOR, trained=(), **register):
    """A visitor as the service reads them: their register dates, and their training ([course, from, until])."""
    visitor = User(pk=pk, role=role, username=f"visitor{pk}", **register)
    visitor.training_rows = [list(row) for row in trained]
    return visitor


PAIR = (person(1), person(2))


def check(kind=CUSTODY, *, visitors=PAIR, sender=None, categories=None, site=True,
          is_correction=False, **data):
    scheme = Scheme(name="Testshire")  # the defaults: 2 visitors, 5 minutes' skew, 5 minutes' immediate access
    said = {"site": 7, "visitors": [v.pk for v in visitors], "arrived_at": ARRIVED, "status": "submitted", **data}
    refs = {"site": object() if site else None, "visitors": list(visitors), "categories": categories or {}}
    return rules.ReportCheck(site_label=kind.site_label, counted=kind.counted, sender=sender or visitors[0],
                             scheme=scheme, data=said, refs=refs, is_correction=is_correction, now=NOW)


def run(rule, c):
    rule(c)
    return dict(c.errors)


def test_a_site_not_of_the_scheme_is_named_with_its_kind():
    assert run(rules.site_is_the_schemes, check(site=False)) == {"site": ["No custody suite with id 7 in your scheme."]}
    assert "animal unit" in run(rules.site_is_the_schemes, check(ANIMAL, site=False))["site"][0]


def test_times_in_the_future_are_refused_beyond_the_clock_skew():
    assert run(rules.times_not_in_future, check(left_at=NOW + timedelta(minutes=5))) == {}
    assert list(run(rules.times_not_in_future, check(left_at=NOW + timedelta(minutes=6)))) == ["left_at"]


def test_times_in_order_and_under_a_day():
    c = check(admitted_at=ARRIVED - timedelta(minutes=1), left_at=ARRIVED - timedelta(minutes=2))
    assert run(rules.times_in_order, c) == {
        "admitted_at": ["Admission cannot be before arrival."],
        "left_at": ["Departure cannot be before admission.", "Departure cannot be before arrival."],
    }
    assert run(rules.visit_under_a_day, check(left_at=ARRIVED + timedelta(hours=24))) == {
        "left_at": ["A visit lasts under 24 hours; check the dates."]}
    assert run(rules.visit_under_a_day, check(left_at=ARRIVED + timedelta(hours=23, minutes=59))) == {}


def test_visitors_rules():
    one = person(1)
    assert run(rules.visitors_enough, check(visitors=(one,))) == {"visitors": ["A report needs at least 2 visitors."]}
    c = check(visitors=(one, person(2)))
    c.data["visitors"] = [1, 1]
    assert run(rules.visitors_named_once, c) == {"visitors": ["Each visitor may be named only once."]}
    c = check()
    c.data["visitors"] = [1, 2, 9]
    assert run(rules.visitors_of_the_scheme, c) == {"visitors": ["Not visitors of this scheme: 9."]}
    outsider = person(5)
    assert run(rules.sender_among_visitors, check(sender=outsider)) == {
        "visitors": ["You must be one of the visitors on your report."]}
    assert run(rules.sender_among_visitors, check(sender=person(5, role=Role.MANAGER))) == {}


VISIT_DAY = date(2024, 2, 6)
BEFORE, AFTER = VISIT_DAY - timedelta(days=1), VISIT_DAY + timedelta(days=1)


@pytest.mark.parametrize(("register", "reason"), [
    ({"left_on": BEFORE}, "visitor2 left the scheme on 5 Feb 2024."),
    ({"joined_on": AFTER}, "visitor2 joined the scheme only on 7 Feb 2024."),
    ({"vetting_cleared_on": date(2021, 2, 1), "vetting_expires_on": BEFORE}, "visitor2's vetting expired on 5 Feb 2024."),
    ({"term_starts_on": date(2021, 2, 1), "term_ends_on": BEFORE},
     "visitor2's term of appointment ended on 5 Feb 2024."),
    ({"stage": Stage.IN_CHECKS}, "visitor2 is not appointed yet (In checks)."),
], ids=["left", "not yet joined", "vetting lapsed", "term ended", "in checks"])
def test_a_visitor_the_register_refuses_is_named_with_the_reason(register, reason):
    assert run(rules.visitors_eligible_that_day, check(visitors=(person(1), person(2, **register)))) == {
        "visitors": [reason]}


def test_nothing_recorded_or_a_date_not_yet_past_refuses_no_one():
    recorded = person(2, left_on=VISIT_DAY, vetting_expires_on=VISIT_DAY, term_ends_on=VISIT_DAY, joined_on=VISIT_DAY)
    assert run(rules.visitors_eligible_that_day, check(visitors=(person(1), recorded))) == {}
    assert run(rules.visitors_eligible_that_day, check()) == {}


def test_the_buddy_rule_refuses_a_report_whose_visitors_are_all_on_probation():
    learners = (person(1, stage=Stage.PROBATION), person(2, probation_ends_on=AFTER))
    message = "Every visitor named is on probation: one must be an experienced visitor."
    assert run(rules.not_all_on_probation, check(visitors=learners)) == {"visitors": [message]}
    with_buddy = (learners[0], person(3, probation_ends_on=BEFORE))
    assert run(rules.not_all_on_probation, check(visitors=with_buddy)) == {}
    signed_off = person(2, stage=Stage.APPOINTED, probation_ends_on=AFTER, probation_signed_off_on=BEFORE)
    assert run(rules.not_all_on_probation, check(visitors=(learners[0], signed_off))) == {}
    off = check(visitors=learners)
    off.scheme.buddy_rule = False
    assert run(rules.not_all_on_probation, off) == {}


def test_an_outcome_other_than_completed_needs_its_reason():
    assert list(run(rules.outcome_has_reason, check(outcome="access_refused"))) == ["outcome_reason"]
    assert run(rules.outcome_has_reason, check(outcome="access_refused", outcome_reason="Incident")) == {}
    assert run(rules.outcome_has_reason, check()) == {}


def test_a_refused_visit_counts_no_one_of_its_kind():
    custody = run(rules.refused_saw_no_one, check(outcome="access_refused", detainees_present=2, juveniles_present=1))
    assert sorted(custody) == ["detainees_present", "juveniles_present"]
    assert list(run(rules.refused_saw_no_one, check(ANIMAL, outcome="access_refused", animals_seen=3))) == [
        "animals_seen"]


def test_an_issue_needs_its_category_and_description():
    c = check(issues=[{"description": "x"}, {"category": "food"}, {"category": "food", "description": "y"}])
    assert run(rules.issues_complete, c) == {
        "issues": ["Issue 1: give its category.", "Issue 2: give its description."]}


def test_issues_need_a_live_category_except_in_a_correction():
    retired = SimpleNamespace(active=False)
    issues = [{"category": "food", "description": "x"}, {"category": "none", "description": "y"},
              {"description": "z"}]
    assert run(rules.issues_in_live_categories, check(issues=issues, categories={"food": retired})) == {
        "issues": ["Issue 1: no category 'food' in this scheme.", "Issue 2: no category 'none' in this scheme."]}
    correction = check(issues=issues, categories={"food": retired}, is_correction=True)
    assert run(rules.issues_in_live_categories, correction) == {
        "issues": ["Issue 2: no category 'none' in this scheme."]}


def test_admission_time_follows_the_outcome():
    assert list(run(rules.admitted_unless_not_let_in, check())) == ["admitted_at"]
    assert run(rules.admitted_unless_not_let_in, check(outcome="remote")) == {}
    assert list(run(rules.admitted_unless_not_let_in, check(outcome="remote", admitted_at=ARRIVED))) == ["admitted_at"]


def test_detainee_counts_add_up():
    good = {"detainees_present": 14, "detainees_offered": 6, "detainees_not_offered": 2, "detainees_unavailable": 3,
            "detainees_observed": 3, "detainees_seen": 5, "detainees_refused": 1}
    assert run(rules.detainees_add_up, check(**good)) == {}
    assert sorted(run(rules.detainees_add_up, check(**{**good, "detainees_present": 15, "detainees_seen": 6}))) == [
        "detainees_offered", "detainees_present"]


def test_counts_of_the_seen_stay_within_the_seen_and_present():
    assert list(run(rules.seen_profile_within_seen, check(detainees_seen=2,
                                                          seen_profile={"gender": {"female": 2, "male": 1}}))) == [
        "seen_profile"]
    # Flags are not exclusive: two flags of two people seen is fine.
    assert run(rules.seen_profile_within_seen, check(detainees_seen=2,
                                                     seen_profile={"vulnerability": {"a": 2, "b": 2}})) == {}
    assert list(run(rules.groups_within_present, check(detainees_present=1, juveniles_present=2))) == [
        "juveniles_present"]
    assert list(run(rules.records_within_seen, check(detainees_seen=1, custody_records_examined=2))) == [
        "custody_records_examined"]


def test_a_delay_beyond_immediate_access_is_explained_with_its_rank():
    late = check(admitted_at=ARRIVED + timedelta(minutes=20))
    assert sorted(run(rules.delay_explained, late)) == ["delay_authorised_by_rank", "delay_reason"]
    explained = check(admitted_at=ARRIVED + timedelta(minutes=20), delay_reason="Busy",
                      delay_authorised_by_rank="sergeant")
    assert run(rules.delay_explained, explained) == {}
    assert run(rules.delay_explained, check(admitted_at=ARRIVED + timedelta(minutes=5))) == {}


def test_tact_and_concern():
    assert list(run(rules.tact_needs_a_trained_visitor, check(tact=True))) == ["tact"]
    trained = check(tact=True, visitors=(person(1), person(2, trained=[("tact", "2020-01-01", None)])))
    assert run(rules.tact_needs_a_trained_visitor, trained) == {}
    lapsed = check(tact=True, visitors=(person(1), person(2, trained=[("tact", "2020-01-01", "2024-02-06")])))
    assert list(run(rules.tact_needs_a_trained_visitor, lapsed)) == ["tact"]
    not_yet = check(tact=True, visitors=(person(1), person(2, trained=[("tact", "2024-02-07", None)])))
    assert list(run(rules.tact_needs_a_trained_visitor, not_yet)) == ["tact"]
    assert list(run(rules.concern_has_details, check(concern={"raised": True, "details": " "}))) == ["concern"]
    assert list(run(rules.concern_has_details, check(concern={"raised": False, "details": "x"}))) == ["concern"]


def test_welfare_needs():
    concern = check(ANIMAL, welfare_needs={"diet": "concern"}, issues=[])
    assert run(rules.welfare_concern_has_an_issue, concern) == {
        "welfare_needs": ["A concern about diet needs an issue in the report saying what it is."]}
    refused = check(ANIMAL, outcome="access_refused", welfare_needs={"diet": "met"})
    assert list(run(rules.refused_checked_nothing, refused)) == ["welfare_needs"]


@pytest.mark.parametrize("kind, model, site_kind", [(CUSTODY, CustodyVisit, SiteKind.CUSTODY_SUITE),
                                                    (ANIMAL, AnimalVisit, SiteKind.ANIMAL_UNIT)])
def test_each_kind_is_found_by_its_model_its_report_and_its_site(kind, model, site_kind):
    assert kind_of(model) is kind and kind_of(model()) is kind and kind_for_site(site_kind) is kind
    assert set(rules.COMMON_RULES) <= set(kind.rules)


def test_only_custody_visits_keep_the_custody_rules():
    assert set(rules.CUSTODY_RULES) <= set(CUSTODY.rules) and not set(rules.CUSTODY_RULES) & set(ANIMAL.rules)
    assert set(rules.ANIMAL_RULES) <= set(ANIMAL.rules) and not set(rules.ANIMAL_RULES) & set(CUSTODY.rules)
