"""Every KPI of the hand-built year (see conftest.year), compared with figures worked out by hand."""

from datetime import date

import pytest

from reporting.selectors import scheme_kpis
from visits.periods import Period, fy_period

FY2023 = fy_period(2023)
CATEGORIES = ["food-and-drink", "cell-and-contents", "hygiene", "health-care", "rights-and-entitlements",
              "clothing-and-bedding", "exercise-and-fresh-air", "reading-and-faith", "staffing-and-conduct",
              "facilities", "other"]


@pytest.fixture
def kpis(scheme, year):
    return scheme_kpis(scheme=scheme, period=FY2023)


def site(kpis, site_id):
    return next(row for row in kpis["sites"] if row["site"] == site_id)


def test_it_counts_submitted_visits_inside_the_local_year_against_the_active_weeks(kpis):
    # v1 (00:30 BST on 1 April), v2, v3; not "before" (23:30 BST on 31 March), not the draft.
    assert kpis["visits"] == 3
    # FY2023 has 366 days: Central 366 // 7 = 52 weeks. Harbour active 1 April-9 June (30 + 31 + 9 = 70 days)
    # and 9 September-31 March (22 + 31 + 30 + 31 + 31 + 29 + 31 = 205 days): 275 // 7 = 39 weeks.
    assert kpis["target"] == 52 + 39 == 91
    assert kpis["target_pct"] == 3.3  # 3 / 91 = 3.297 %
    assert (kpis["from"], kpis["to"]) == ("2023-04-01", "2024-03-31")


def test_it_splits_access_into_bands(kpis):
    # v1 3 minutes (immediate), v2 10 minutes (6-15), v3 20 minutes (over 15); 1 / 3 = 33.33 %.
    # v2 and v3 name no rank for their delays (the reports of a version 1 phone).
    assert kpis["access"] == {"immediate": 1, "6-15": 1, "over-15": 1, "immediate_pct": 33.3,
                              "delays_authorised_below_inspector": 0, "delays_without_rank": 2}


def test_it_sums_the_detainees_and_their_shares(kpis):
    # present 10 + 5 + 2 = 17; offered 4 + 5 = 9; not offered 2; unavailable 3 + 2 = 5; observed 1;
    # seen 3 + 5 = 8; refused 1. The draft's 7 and the March visit's 9 are left out.
    assert kpis["detainees"] == {
        "present": 17, "offered": 9, "not_offered": 2, "unavailable": 5, "observed": 1, "seen": 8, "refused": 1,
        "offered_pct": 52.9,        # 9 / 17 = 52.94
        "not_offered_pct": 11.8,    # 2 / 17 = 11.76
        "unavailable_pct": 29.4,    # 5 / 17 = 29.41
        "observed_pct": 5.9,        # 1 / 17 = 5.88
        "seen_pct_of_offered": 88.9,     # 8 / 9 = 88.89
        "refused_pct_of_offered": 11.1,  # 1 / 9 = 11.11
    }


def test_it_adds_up_the_profile_of_those_seen(kpis):
    assert kpis["seen_profile"] == {
        "age_group": {"adult": 2, "juvenile": 1},
        "ethnicity": {"white": 3},
        "gender": {"female": 1 + 2, "male": 2},
    }


def test_it_counts_issues_in_every_category_of_the_scheme(kpis):
    # food-and-drink on v1 and v2, health-care on v2, other on the dog unit; the draft's hygiene is left out.
    expected = dict.fromkeys(CATEGORIES, 0) | {"food-and-drink": 2, "health-care": 1, "other": 1}
    assert kpis["issues_by_category"] == expected
    assert list(kpis["issues_by_category"]) == CATEGORIES


def test_it_counts_volunteer_hours_for_each_visitor_plus_travel(kpis):
    # Minutes on site × visitors: v1 63 × 2 = 126, v2 120 × 2 = 240 (across midnight), v3 60 × 3 = 180,
    # a1 90 × 2 = 180, a2 60 × 2 = 120: 846. Travel 40 + 30 + 20 = 90. 936 minutes = 15.6 hours.
    assert kpis["volunteer_hours"] == 15.6
    assert kpis["volunteer_value"] == 286.57  # 15.6 × 18.37 = 286.572


def test_it_counts_animal_welfare_visits_against_one_a_month(kpis):
    assert (kpis["animal_visits"], kpis["animal_target"], kpis["animal_target_pct"]) == (2, 12, 16.7)


def test_it_counts_volunteers_without_naming_them(kpis):
    # Members at some time in the year: bob, bella, bert, vera, victor, wendy (olive left in 2020).
    # At the end: all but vera. Five years' service by 31 March 2024 means joining by 31 March 2019:
    # victor only (wendy joined 1 April 2019; bob and bella have no joining date).
    assert kpis["volunteers"] == {
        "active": 6, "joined": 1, "left": 1, "at_end": 5, "long_service": 1, "long_service_pct": 20.0,
        "long_service_years": 5,
    }


def test_a_scheme_without_visitors_counts_none(other_scheme):
    kpis = scheme_kpis(scheme=other_scheme, period=Period(date(2023, 4, 1), date(2024, 3, 31)))
    assert kpis["volunteers"] == {"active": 0, "joined": 0, "left": 0, "at_end": 0, "long_service": 0,
                                  "long_service_pct": None, "long_service_years": 5}
    assert (kpis["visits"], kpis["sites"]) == (0, [])


def test_it_gives_each_site_its_own_figures(kpis, year):
    central, harbour, dog = site(kpis, year.central.pk), site(kpis, year.harbour.pk), site(kpis, year.dog_unit.pk)
    assert [row["name"] for row in kpis["sites"]] == ["Central", "Harbour", "Dog unit"]
    assert (central["visits"], central["target"], central["target_pct"]) == (2, 52, 3.8)   # 2 / 52 = 3.85
    assert (harbour["visits"], harbour["target"], harbour["target_pct"]) == (1, 39, 2.6)   # 1 / 39 = 2.56
    assert central["access"] == {"immediate": 1, "6-15": 1, "over-15": 0, "immediate_pct": 50.0,
                                 "delays_authorised_below_inspector": 0, "delays_without_rank": 1}
    assert harbour["detainees"]["present"] == 2 and harbour["detainees"]["unavailable_pct"] == 100.0
    # Nobody offered at Harbour: a share of nothing is null, not an error.
    assert harbour["detainees"]["seen_pct_of_offered"] is None
    assert harbour["seen_profile"] == {}
    # Central: (126 + 240 + 40 travel) = 406 minutes = 6.77 h, worth 406 / 60 × 18.37 = 124.30.
    assert (central["volunteer_hours"], central["volunteer_value"]) == (6.8, 124.30)
    # Harbour: 180 + 30 = 210 minutes = 3.5 h, worth exactly 64.295, which rounds half up to 64.30.
    assert (harbour["volunteer_hours"], harbour["volunteer_value"]) == (3.5, 64.30)
    # Dog unit: 180 + 120 + 20 = 320 minutes = 5.33 h, worth 97.973.
    assert (dog["volunteer_hours"], dog["volunteer_value"]) == (5.3, 97.97)
    assert (dog["animal_visits"], dog["animal_target"]) == (2, 12)
    assert dog["issues_by_category"]["other"] == 1 and central["issues_by_category"]["food-and-drink"] == 2


def test_it_reports_a_quarter_with_the_suite_closed_for_part_of_it(scheme, year):
    q1 = scheme_kpis(scheme=scheme, period=fy_period(2023, 1))
    # 1 April-30 June is 91 days: Central 13 weeks; Harbour active 70 days of it: 10 weeks.
    assert (q1["visits"], q1["target"]) == (2, 13 + 10)
    assert q1["animal_target"] == 3
    q2 = scheme_kpis(scheme=scheme, period=fy_period(2023, 2))
    # 1 July-30 September is 92 days: Central 13 weeks; Harbour active 9-30 September, 22 days: 3 weeks.
    assert (q2["visits"], q2["target"]) == (0, 13 + 3)
    assert q2["target_pct"] == 0.0 and q2["access"]["immediate_pct"] is None


def test_it_counts_a_visit_across_midnight_on_its_arrival_day(scheme, year):
    assert scheme_kpis(scheme=scheme, period=Period(date(2023, 12, 31), date(2023, 12, 31)))["visits"] == 1
    january = scheme_kpis(scheme=scheme, period=Period(date(2024, 1, 1), date(2024, 1, 31)))
    assert january["visits"] == 0 and january["volunteer_hours"] == 0.0


def test_its_counts_are_whole_numbers_as_the_database_summed_them(kpis, year):
    """The roll-up's sums reach the answer without Django's int() of each value (reporting.selectors'
    SITE_SUMS): still ints, on either database, never a Decimal that JSON would write as 3.0."""
    central = site(kpis, year.central.pk)
    counts = [kpis["visits"], kpis["visits_attempted"], *kpis["visits_by_outcome"].values(),
              kpis["access"]["immediate"], *(kpis["detainees"][name] for name in ("present", "seen", "refused")),
              *kpis["issues_by_category"].values(), *kpis["seen_profile"]["gender"].values(),
              central["visits"], central["access"]["over-15"], central["detainees"]["offered"],
              *central["issues_by_category"].values(), *central["seen_profile"]["gender"].values()]
    assert {type(count) for count in counts} == {int}
    assert sum(kpis["visits_by_outcome"].values()) == kpis["visits_attempted"]
