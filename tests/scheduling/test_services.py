from datetime import date, datetime

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from scheduling import services, tasks
from scheduling.models import Recommendation
from tests.factories import SiteFactory
from tests.helpers import utc
from visits import services as visit_services
from visits.models import CustodyVisit, Site

TODAY = date(2024, 6, 5)  # a Wednesday
FY = {"date_from": date(2024, 4, 1), "date_to": TODAY}


def refresh(site, key="k", **kwargs):
    return services.recommendation_refresh(site=site, request_key=key, today=TODAY, **{**FY, **kwargs})


def test_it_ranks_unvisited_cells_first_and_the_oldest_visit_first_among_equals(suite, visit):
    visit(suite, utc(2024, 4, 8, 9, 0))    # Monday morning, long ago
    visit(suite, utc(2024, 5, 28, 9, 0))   # Tuesday morning, recently
    visit(suite, utc(2024, 4, 10, 13, 0))  # Wednesday afternoon, twice
    visit(suite, utc(2024, 5, 1, 13, 0))

    cells = refresh(suite).cells

    assert [c["rank"] for c in cells] == list(range(1, 36))
    assert all(c["visits_in_window"] == 0 for c in cells[:32])
    assert [(c["day"], c["band"], c["visits_in_window"]) for c in cells[32:]] == [
        ("monday", "08:00-11:59", 1), ("tuesday", "08:00-11:59", 1), ("wednesday", "12:00-15:59", 2),
    ]
    assert cells[32]["last_visit_at"] == "2024-04-08T09:00:00+00:00"


def test_it_marks_the_cells_that_overlap_a_handover(suite):
    cells = refresh(suite).cells
    handover_bands = {c["band"] for c in cells if c["handover"]}
    assert handover_bands == {"00:00-07:59", "16:00-19:59"}  # 06:30-07:15 and 18:30-19:15


def test_two_refreshes_over_the_same_data_can_order_ties_differently(suite):
    orders = {tuple((c["day"], c["band"]) for c in refresh(suite, key=f"k{n}").cells) for n in range(20)}
    assert len(orders) > 1


def test_it_stores_one_recommendation_per_request_key(suite):
    first = refresh(suite, key="weekly:1:2024-06-05")
    again = refresh(suite, key="weekly:1:2024-06-05")
    assert again.pk == first.pk
    assert Recommendation.objects.count() == 1


def test_it_draws_the_weekly_target_in_the_coming_week_and_says_how_likely_each_cell_was(scheme, suite):
    scheme.weekly_target = 3
    scheme.save()
    suite.refresh_from_db()

    recommendation = refresh(suite)

    assert (recommendation.plan_from, recommendation.plan_to) == (date(2024, 6, 10), date(2024, 6, 16))
    assert len({(e["day"], e["band"]) for e in recommendation.plan}) == 3
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    for entry in recommendation.plan:
        assert date.fromisoformat(entry["date"]) == date(2024, 6, 10 + days.index(entry["day"]))
        assert entry["probability"] == pytest.approx(1 / 35, abs=1e-4)  # nothing visited yet: all alike
    assert recommendation.largest_probability == pytest.approx(1 / 35, abs=1e-4)
    assert recommendation.drawn_probability == max(e["probability"] for e in recommendation.plan)


def test_two_refreshes_over_the_same_data_can_plan_different_cells(suite):
    plans = {tuple((e["day"], e["band"]) for e in refresh(suite, key=f"k{n}").plan) for n in range(20)}
    assert len(plans) > 1


def test_visited_handover_cells_are_planned_less_often_but_still_planned(scheme, suite, visit):
    for day in range(7):
        for hour in (3, 9, 13, 17, 21):  # one visit in every cell, in the week of 8 April
            visit(suite, utc(2024, 4, 8 + day, hour - 1, 0))
    handover = [e["handover"] for n in range(150) for e in refresh(suite, key=f"k{n}").plan]
    # 14 of the 35 cells overlap a handover; at half the weight they get about a quarter of the plans.
    assert 0 < handover.count(True) < 0.4 * len(handover)


def test_a_gap_already_planned_for_this_week_is_not_chased_again_by_the_next_plan(scheme, suite, visit):
    for day in range(7):
        for hour in (3, 9, 13, 17, 21):
            if (day, hour) != (0, 21):  # every cell but Monday 20:00-23:59
                visit(suite, utc(2025, 1, 6 + day, hour, 0))
    monday = date(2025, 3, 3)
    before = services.recommendation_refresh(site=suite, request_key="before", today=monday,
                                             date_from=date(2024, 4, 1), date_to=monday)
    assert before.largest_probability > 0.7  # the last gap, with four plan weeks left in the year: 3 ÷ 4
    Recommendation.objects.filter(pk=before.pk).update(
        plan_from=monday, plan_to=date(2025, 3, 9),
        plan=[{"date": "2025-03-03", "day": "monday", "band": "20:00-23:59", "rank": 1, "handover": False,
               "probability": 0.97}],
    )

    after = services.recommendation_refresh(site=suite, request_key="after", today=monday,
                                            date_from=date(2024, 4, 1), date_to=monday)

    assert after.largest_probability < 0.1  # that visit is due tonight: the next week has no gap to chase


def test_it_plans_one_animal_visit_next_month_on_a_date_of_its_day_group(animal_unit, visit):
    visit(animal_unit, utc(2024, 5, 4, 9, 0))

    recommendation = refresh(animal_unit)

    assert (recommendation.plan_from, recommendation.plan_to) == (date(2024, 7, 1), date(2024, 7, 31))
    [entry] = recommendation.plan
    planned = date.fromisoformat(entry["date"])
    assert planned.month == 7
    assert entry["day"] == ("weekend" if planned.weekday() >= 5 else planned.strftime("%A").lower())
    assert entry["probability"] == recommendation.drawn_probability > 0
    assert len(recommendation.cells) == 12


def test_it_plans_nothing_for_an_inactive_suite(scheme):
    closed = SiteFactory(scheme=scheme, name="Old town", active=False)
    recommendation = refresh(closed)
    assert recommendation.plan == []
    assert recommendation.largest_probability is recommendation.drawn_probability is None
    assert len(recommendation.cells) == 35


def test_the_weekly_task_refreshes_every_active_site_once_its_week_has_turned(scheme, suite, animal_unit, other_suite):
    SiteFactory(scheme=scheme, name="Old town", active=False)

    assert tasks.refresh_week_turned.delay().get() == 3
    assert tasks.refresh_week_turned.delay().get() == 0

    assert set(Recommendation.objects.values_list("site__name", flat=True)) == {"Central", "Dog unit", "Harbour"}
    assert Recommendation.objects.count() == 3  # run twice on a day, stored once


def test_the_site_task_skips_a_site_that_no_longer_exists(db):
    assert tasks.refresh_site.delay(999, "2024-04-01", "2024-06-05", "k").get() is None


def test_it_recomputes_the_cells_of_a_scheme_after_its_bands_change(scheme, suite, visit):
    visit(suite, utc(2024, 5, 6, 9, 0))   # Monday 10:00 BST: band 1 of the default grid
    visit(suite, utc(2024, 5, 6, 22, 0))  # Monday 23:00 BST: band 4
    scheme.custody_bands = ["00:00-09:59", "10:00-23:59"]
    scheme.save()

    call_command("recompute_timeslots", scheme=scheme.pk)

    assert sorted(CustodyVisit.objects.values_list("slot_band", flat=True)) == [1, 1]
    assert visit_services.timeslots_recompute(scheme=scheme) == 0


def test_it_recomputes_the_local_date_after_the_time_zone_changes(scheme, suite, visit):
    visit(suite, utc(2024, 5, 6, 23, 30))  # Tuesday 00:30 BST
    scheme.timezone = "UTC"
    scheme.save()

    assert visit_services.timeslots_recompute(scheme=scheme) == 1
    report = CustodyVisit.objects.get()
    assert (report.local_date, report.slot_day, report.slot_band) == (date(2024, 5, 6), 0, 4)


def test_setup_schedules_makes_one_weekly_task_whatever_the_zones_and_can_run_twice(scheme, other_scheme):
    other_scheme.timezone = "America/New_York"
    other_scheme.save()

    call_command("setup_schedules")
    call_command("setup_schedules")

    weekly = PeriodicTask.objects.get(task="scheduling.refresh_week_turned")
    assert (weekly.interval.every, weekly.interval.period) == (15, "minutes")
    flush = PeriodicTask.objects.get(task="visits.notifications_flush")
    assert (flush.interval.every, flush.interval.period) == (5, "minutes")
    overdue = PeriodicTask.objects.get(task="visits.issues_overdue_notify")
    assert (overdue.crontab.hour, overdue.crontab.minute, str(overdue.crontab.timezone)) == ("7", "0", "Europe/London")
    reminders = PeriodicTask.objects.get(task="volunteers.reminders_notify")
    assert (reminders.crontab.day_of_week, reminders.crontab.hour) == ("1", "7")
    assert PeriodicTask.objects.filter(task="volunteers.leavers_anonymise").exists()
    sweep = PeriodicTask.objects.get(task="rota.sweep")
    assert (sweep.interval.every, sweep.interval.period) == (5, "minutes")
    # Once each, however often it runs (another app's own rows, made by its migrations, aside).
    made = ["scheduling.refresh_week_turned", "visits.notifications_flush", "visits.issues_overdue_notify",
            "volunteers.reminders_notify", "volunteers.leavers_anonymise"]
    assert PeriodicTask.objects.filter(task__in=made).count() == 5


def test_setup_schedules_keeps_an_admin_edited_interval(scheme):
    call_command("setup_schedules")
    weekly = PeriodicTask.objects.get(task="scheduling.refresh_week_turned")
    weekly.interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    weekly.save()

    call_command("setup_schedules")

    assert PeriodicTask.objects.get(task="scheduling.refresh_week_turned").interval.period == "hours"


@pytest.mark.parametrize(("now", "turn"), [
    (utc(2024, 6, 10, 3, 29), datetime(2024, 6, 3, 4, 30)),   # 04:29 BST on Monday: last week's turn
    (utc(2024, 6, 10, 3, 30), datetime(2024, 6, 10, 4, 30)),  # 04:30 BST on Monday: the week turns
    (utc(2024, 6, 16, 22, 0), datetime(2024, 6, 10, 4, 30)),  # 23:00 BST on Sunday
])
def test_the_week_turns_at_0430_on_monday_in_the_schemes_zone(scheme, now, turn):
    assert services.week_turned_at(scheme=scheme, now=now) == turn.replace(tzinfo=scheme.zone)


def test_a_scheme_far_west_turns_its_week_hours_after_london(scheme, other_scheme, suite, other_suite):
    other_scheme.timezone = "America/New_York"
    other_scheme.save()
    monday_0500_london = utc(2024, 6, 10, 4, 0)
    for site in (suite, other_suite):
        refresh(site, key=f"weekly:{site.pk}:2024-06-03")  # last week's

    assert services.recommendations_refresh_week_turned(now=monday_0500_london) == 1

    assert Recommendation.objects.filter(request_key=f"weekly:{suite.pk}:2024-06-10").exists()
    assert not Recommendation.objects.filter(site=other_suite).exclude(request_key__endswith="2024-06-03").exists()


@pytest.mark.parametrize(("today", "plan"), [
    (date(2024, 6, 10), (date(2024, 6, 17), date(2024, 6, 23))),  # Monday's refresh plans the week after
    (date(2024, 6, 16), (date(2024, 6, 17), date(2024, 6, 23))),
])
def test_the_plan_week_is_next_monday_to_sunday(suite, today, plan):
    assert services.plan_period(site=suite, today=today) == plan


@pytest.mark.parametrize(("today", "plan"), [
    (date(2024, 6, 1), (date(2024, 7, 1), date(2024, 7, 31))),
    (date(2024, 12, 31), (date(2025, 1, 1), date(2025, 1, 31))),
])
def test_the_animal_plan_is_next_calendar_month(animal_unit, today, plan):
    assert services.plan_period(site=animal_unit, today=today) == plan


@pytest.mark.parametrize("n_sites", [1, 5])
def test_a_refresh_batch_costs_the_same_queries_for_one_site_as_for_five(scheme, visit, n_sites,
                                                                          django_assert_num_queries):
    sites = [SiteFactory(scheme=scheme, name=f"Suite {n}") for n in range(n_sites)]
    for site in sites:
        visit(site, utc(2024, 5, 6, 9, 0))
    sites = list(Site.objects.filter(pk__in=[site.pk for site in sites]).select_related("scheme"))

    # The keys already stored, one coverage aggregate, the plans in force, one insert, one read back.
    with django_assert_num_queries(5):
        stored = services.recommendations_refresh(sites=sites, request_keys={s.pk: f"batch:{s.pk}" for s in sites},
                                                  today=TODAY, **FY)

    assert [stored[site.pk].cells[-1]["visits_in_window"] for site in sites] == [1] * n_sites
    assert Recommendation.objects.count() == n_sites


def test_a_batch_run_twice_stores_each_site_once_and_skips_a_site_deleted_since(scheme, suite, other_suite):
    gone = SiteFactory(scheme=scheme, name="Closed for good")
    due = [[suite.pk, "weekly:a"], [gone.pk, "weekly:b"]]
    gone.delete()

    assert tasks.refresh_sites.delay(scheme.pk, due, "2024-04-01", "2024-06-05").get() == 1
    assert tasks.refresh_sites.delay(scheme.pk, due, "2024-04-01", "2024-06-05").get() == 1

    assert list(Recommendation.objects.values_list("site__name", "request_key")) == [("Central", "weekly:a")]
