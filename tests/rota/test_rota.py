"""The rota over the API, with tasks run in this process: a quarter of weekly plans given pairs with every
rule kept, declines refilled, visits made and missed, and nothing of it reaching custody staff."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.utils import timezone

from rota import services
from rota.models import Assignment, RotaPlan, Seat, State
from rota.selectors import figures
from scheduling.models import Recommendation
from tests.factories import custody_visit
from tests.rota.conftest import DAYTIME, cells, committed, fridays, plan_week
from tests.web.conftest import signed_in
from visits.grids import CUSTODY_DAYS
from visits.models import Notification, Site

QUARTER = (date(2027, 1, 1), date(2027, 3, 31))
ROTA, AVAILABILITY = "/api/v1/rota/", "/api/v1/availability/"


def give_availability(api, people, *, leave_of=None):
    """Each visitor gives theirs on the phone: the even-numbered ones weekdays only, the odd ones every day;
    visitor 1 is away the whole of February."""
    for n, person in enumerate(people):
        days = CUSTODY_DAYS[:5] if n % 2 == 0 else CUSTODY_DAYS
        leave = [(date(2027, 2, 1) + timedelta(days=d)).isoformat() for d in range(28)] if n == 1 else []
        answer = api(person).post(AVAILABILITY, {"period_from": "2027-01-15", "cells": cells(days), "leave": leave,
                                                 "by_email": n == 0}, format="json")
        assert answer.status_code == 201, answer.content
        assert (answer.json()["period_from"], answer.json()["period_to"]) == ("2027-01-01", "2027-03-31")


def test_a_quarter_of_plans_is_given_pairs_keeping_every_rule(api, scheme, suite, animal_unit, team, alice):
    scheme.weekly_target = 2
    scheme.save()
    give_availability(api, team)
    for friday in fridays(date(2027, 1, 1), 12):
        plan_week(suite, friday)
        plan_week(animal_unit, friday)
        plan_week(suite, friday, key_prefix="again")  # a second plan for the same week is not given pairs again

    rota = []
    page = alice_page = api(alice).get(ROTA, {"page_size": 500})
    assert page.status_code == 200
    rota = alice_page.json()["results"] if isinstance(alice_page.json(), dict) else alice_page.json()
    by_id = {p.pk: p for p in team}
    number = {p.pk: n for n, p in enumerate(team)}
    assert len(rota) >= 12 * 2
    per_month, partners = Counter(), defaultdict(list)
    for visit in sorted(rota, key=lambda v: (v["date"], v["band"])):
        day = date.fromisoformat(visit["date"])
        pair = [by_id[v["id"]] for v in visit["visitors"]]
        assert len(pair) == 2 and visit["state"] == "proposed"
        assert visit["band"] in DAYTIME or visit["site"] == animal_unit.pk  # nobody does nights
        for person in pair:
            if number[person.pk] % 2 == 0 and visit["site"] == suite.pk:
                assert day.weekday() < 5, visit  # availability kept
            assert not (number[person.pk] == 1 and day.month == 2), visit  # leave kept
            if visit["site"] == animal_unit.pk:
                assert number[person.pk] < 4, visit  # trained for the dog unit
            per_month[(person.pk, day.month)] += 1
        assert not all(number[p.pk] in (10, 11) for p in pair), visit  # never two on probation
        for a, b in (pair, pair[::-1]):
            if partners[a.pk]:
                assert partners[a.pk][-1] != b.pk, visit  # not last time's pair
            partners[a.pk].append(b.pk)
    assert max(per_month.values()) <= 4  # the scheme's cap
    # One set of pairs per site and week, however many plans were drawn for it.
    assert Assignment.objects.filter(site=suite).count() == 2 * 12
    # Dropped night cells are listed for the manager, and the plan shows the cells redrawn instead.
    for plan in RotaPlan.objects.filter(site=suite):
        assert all(cell["band"] not in DAYTIME for cell in plan.unfilled)
        assert len(plan.recommendation.plan) == plan.assignments.count()
    # Visitor 0 chose e-mail: told the day, to open the app; never the suite or the time.
    mails = Notification.objects.filter(to_email=team[0].email)
    assert mails and all(suite.name not in m.subject + m.body and ":" not in m.subject for m in mails)
    assert not Notification.objects.filter(to_email=team[2].email).exists()  # did not choose e-mail


def test_a_plan_nobody_can_go_to_is_redrawn_where_a_pair_can(api, scheme, suite, team, alice):
    for person in team[:3]:
        api(person).post(AVAILABILITY, {"period_from": "2027-01-01", "cells": [{"day": "monday", "band": "08:00-11:59"}]},
                         format="json")
    recommendation = plan_week(suite, date(2027, 1, 1))
    recommendation.refresh_from_db()
    assert [(e["day"], e["band"]) for e in recommendation.plan] == [("monday", "08:00-11:59")]
    chance = {(c["day"], c["band"]): c["probability"] for c in recommendation.cells}
    assert recommendation.drawn_probability == chance[("monday", "08:00-11:59")]
    assert recommendation.largest_probability == round(max(chance.values()), 4)
    plan = RotaPlan.objects.get(site=suite)
    assert all(cell["day"] != "monday" or cell["band"] != "08:00-11:59" for cell in plan.unfilled)
    if plan.unfilled:  # the managers hear which cells nobody could go to
        assert Notification.objects.filter(to_email=alice.email, subject__contains=suite.name).exists()


def test_a_scheme_without_availability_gets_its_plans_as_before(scheme, suite, team):
    recommendation = plan_week(suite, date(2027, 1, 1))
    assert len(recommendation.plan) == 1
    assert not Assignment.objects.exists() and not RotaPlan.objects.exists()


def test_accepted_declined_refilled_made_and_missed(api, scheme, suite, team, alice, carol):
    """Last week's visit, this week's and next week's (reports cannot be in the future, so this runs on
    today's calendar)."""
    today = scheme.local_today()
    monday = today - timedelta(days=today.weekday())
    for day in (monday - timedelta(days=7), monday + timedelta(days=13)):
        for person in team:
            api(person).post(AVAILABILITY, {"period_from": day.isoformat(), "cells": cells(bands=scheme.custody_bands)},
                             format="json")
    for friday in (monday - timedelta(days=10), monday - timedelta(days=3), monday + timedelta(days=4)):
        plan_week(suite, friday)
    past, current, future = Assignment.objects.order_by("date")
    a, b = list(current.visitors.all())

    accepted = api(a).post(f"{ROTA}{current.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == "proposed"
    assert api(b).post(f"{ROTA}{current.pk}/accept/").json()["state"] == "accepted"
    assert api(a).post(f"{ROTA}{past.pk}/accept/").status_code in (400, 404)  # over, or not theirs

    c, d = list(future.visitors.all())
    with committed():
        declined = api(c).post(f"{ROTA}{future.pk}/decline/", {"reason": "unwell"}, format="json")
    assert declined.status_code == 200
    assert api(c).get(f"{ROTA}{future.pk}/").status_code == 404  # off it now
    future.refresh_from_db()
    pair = set(future.visitors.all())
    assert future.state == "proposed" and d in pair and c not in pair and len(pair) == 2
    assert api(alice).post(f"{ROTA}{future.pk}/decline/", {"reason": "away"}, format="json").status_code == 400

    # This week's is made by a report of one of its pair, and linked to it; last week's is missed.
    report = custody_visit(site=suite, sender=a, visitors=[a, b], arrived_at=timezone.now() - timedelta(minutes=10),
                           minutes_to_admission=1, minutes_on_site=1)
    services.rota_sweep()
    for visit in (past, current, future):
        visit.refresh_from_db()
    assert (past.state, current.state, current.custody_visit_id, future.state) == (
        State.MISSED, State.MADE, report.pk, State.PROPOSED)
    assert api(alice).get(f"{ROTA}{current.pk}/").json()["report"] == report.pk

    # Custody staff: no rota on any path, and no e-mail of it.
    assert api(carol).get(ROTA).status_code == 404
    assert api(carol).get(f"{ROTA}{current.pk}/").status_code == 404
    assert api(carol).get(AVAILABILITY).status_code == 404
    assert api(carol).post(f"{ROTA}{future.pk}/accept/").status_code == 404
    assert not Notification.objects.filter(to_email=carol.email).exclude(kind="issue_raised").exists()


def test_a_manager_reassigns_and_nobody_left_tells_the_manager(api, scheme, suite, team, alice):
    for person in team[:2]:  # only two can go: a decline leaves nobody
        api(alice).post(AVAILABILITY, {"visitor": person.pk, "period_from": "2027-01-01",
                                       "cells": cells()}, format="json")
    plan_week(suite, date(2027, 1, 1))
    visit = Assignment.objects.get()
    with committed():
        assert api(team[0]).post(f"{ROTA}{visit.pk}/decline/", {"reason": "away"}, format="json").status_code == 200
    visit.refresh_from_db()
    assert visit.state == State.DECLINED
    assert Notification.objects.filter(to_email=alice.email, subject__startswith="Nobody can replace").exists()
    listed = api(alice).get(ROTA, {"state": "declined", "week": visit.date.isoformat()}).json()
    assert [row["id"] for row in (listed["results"] if isinstance(listed, dict) else listed)] == [visit.pk]

    answer = api(alice).post(f"{ROTA}{visit.pk}/reassign/", {"visitors": [team[1].pk, team[5].pk]}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "proposed"
    assert {v["id"] for v in answer.json()["visitors"]} == {team[1].pk, team[5].pk}
    both_new = api(alice).post(f"{ROTA}{visit.pk}/reassign/", {"visitors": [team[10].pk, team[11].pk]}, format="json")
    assert both_new.status_code == 400  # two on probation
    assert api(team[0]).post(f"{ROTA}{visit.pk}/reassign/", {"visitors": [1, 2]}, format="json").status_code == 403
    assert Recommendation.objects.count() == 1


def test_the_kpis_page_gives_the_rotas_figures_for_each_quarter(api, scheme, suite, team, alice, dave):
    """Q4 of 2026/27: four visits given, one accepted by both and made, one missed, one declined, one cancelled."""
    give_availability(api, team)
    states = [State.MADE, State.MISSED, State.DECLINED, State.CANCELLED]
    for n, state in enumerate(states):
        day = date(2027, 1, 4) + timedelta(days=n)
        visit = Assignment.objects.create(scheme=scheme, site=suite, date=day, band="08:00-11:59", state=state,
                                          window_from=day, window_to=day)
        Seat.objects.bulk_create([Seat(assignment=visit, visitor=team[n], accepted_at=timezone.now() if n == 0 else None),
                                  Seat(assignment=visit, visitor=team[n + 1], accepted_at=timezone.now() if n == 0 else None)])
    q4 = figures(scheme, 2026, today=date(2027, 3, 31))[-1]
    assert (q4.quarter, q4.assigned, q4.accepted, q4.made, q4.missed, q4.declined) == (4, 3, 1, 1, 1, 1)
    # Visitors 0 and 3 have one visit, 1 and 2 two (the cancelled one is not counted), the other eight none.
    assert q4.visits_per_visitor == {"lowest": 0, "median": 0, "highest": 2}
    # The desk's KPIs show the quarters begun by today, for a scheme that has a rota.
    page = signed_in(alice).get("/kpis/").content.decode()
    assert "The rota" in page and "Visits per visitor: lowest, median, highest" in page
    # The annual report has them too, for the managers; the analyst reads the report without them.
    annual = f"/reports/annual/{scheme.pk}/2026/"
    assert 'id="rota"' in signed_in(alice).get(annual).content.decode()
    for_analyst = signed_in(dave).get(annual)
    assert for_analyst.status_code == 200
    assert 'id="rota"' not in for_analyst.content.decode() and "The rota" not in for_analyst.content.decode()


def test_visitors_who_have_not_given_the_next_periods_availability_are_reminded_once(api, scheme, team):
    give_availability(api, team[:2])  # the scheme collects availability: January to March 2027
    api(team[0]).post(AVAILABILITY, {"period_from": "2027-04-01", "cells": cells()}, format="json")
    late_march = lambda scheme: date(2027, 3, 20)  # noqa: E731  within the 14 days before April
    assert services.availability_remind(today_of=late_march) == len(team) - 1
    assert services.availability_remind(today_of=late_march) == 0
    reminded = Notification.objects.filter(subject__startswith="When can you visit from")
    assert team[0].email not in set(reminded.values_list("to_email", flat=True))
    assert services.availability_remind(today_of=lambda scheme: date(2027, 3, 1)) == 0  # too early


def test_a_weekly_batch_is_looked_over_in_reads_for_the_batch_not_for_each_plan(api, scheme, suite, team,
                                                                               django_assert_num_queries):
    """The weekly batch names every site of the scheme: passing over the plans that get no pairs costs the
    same for three sites as for one (the recommender keeps to its few queries a site)."""
    sites = [suite, *(Site.objects.create(scheme=scheme, name=f"Suite {n}") for n in range(2))]
    ids = [plan_week(site, date(2027, 1, 1)).pk for site in sites]
    with django_assert_num_queries(3):  # the plans, the rotas already drawn, the scheme's availability
        assert services.plans_assign(recommendation_ids=ids) == 0
    give_availability(api, team)
    drawn = services.plans_assign(recommendation_ids=ids)
    assert drawn > 0 and RotaPlan.objects.count() == 3
    with django_assert_num_queries(2):  # every period has its rota: nothing more is read
        assert services.plans_assign(recommendation_ids=ids) == 0
