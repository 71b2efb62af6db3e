"""A scheme's financial year 2023/24 (1 April 2023 - 31 March 2024, Europe/London), built through the
API, with the figures worked out independently here from the documents (domain.md, api-contract.md)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from tests.helpers import utc
from tests.outside.api import World, animal_body, custody_body, post

LONDON = ZoneInfo("Europe/London")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
BANDS = ["00:00-07:59", "08:00-11:59", "12:00-15:59", "16:00-19:59", "20:00-23:59"]
ANIMAL_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "weekend"]
ANIMAL_BANDS = ["07:00-12:59", "15:00-19:59"]
SLUGS = ["food-and-drink", "cell-and-contents", "hygiene", "health-care", "rights-and-entitlements",
         "clothing-and-bedding", "exercise-and-fresh-air", "reading-and-faith", "staffing-and-conduct",
         "facilities", "other"]
QUARTERS = {1: (date(2023, 4, 1), date(2023, 6, 30)), 2: (date(2023, 7, 1), date(2023, 9, 30)),
            3: (date(2023, 10, 1), date(2023, 12, 31)), 4: (date(2024, 1, 1), date(2024, 3, 31))}


def pct(num, den):
    if den == 0:
        return None
    return float((Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def custody_cell(arrived: datetime):
    local = arrived.astimezone(LONDON)
    h = local.hour
    band = 0 if h < 8 else 1 if h < 12 else 2 if h < 16 else 3 if h < 20 else 4
    return local.weekday(), band


def animal_cell(arrived: datetime):
    local = arrived.astimezone(LONDON)
    day = min(local.weekday(), 5)
    minutes = local.hour * 60 + local.minute
    if 7 * 60 <= minutes < 13 * 60:
        return day, 0
    if 15 * 60 <= minutes < 20 * 60:
        return day, 1
    return day, None


# Hand-picked arrivals (UTC) with their expected local cell, written out by hand:
SPECIALS = [
    # (arrival UTC, expected day, expected band, local date) - BST is UTC+1 from 26 Mar to 29 Oct 2023
    # and again from 31 Mar 2024 01:00 UTC.
    (utc(2023, 3, 31, 23, 30), "saturday", "00:00-07:59", "2023-04-01"),  # first day of FY, in BST
    (utc(2024, 3, 31, 22, 30), "sunday", "20:00-23:59", "2024-03-31"),    # last day of FY, in BST
    (utc(2023, 7, 14, 23, 30), "saturday", "00:00-07:59", "2023-07-15"),  # summer midnight
    (utc(2023, 10, 29, 0, 30), "sunday", "00:00-07:59", "2023-10-29"),    # 01:30 BST, before the change
    (utc(2023, 10, 29, 1, 30), "sunday", "00:00-07:59", "2023-10-29"),    # 01:30 GMT, after the change
    (utc(2024, 3, 31, 1, 30), "sunday", "00:00-07:59", "2024-03-31"),     # 02:30 BST, after the change
    (utc(2023, 9, 30, 23, 0), "sunday", "00:00-07:59", "2023-10-01"),     # Q3 starts at local midnight
    (utc(2023, 12, 31, 23, 59), "sunday", "20:00-23:59", "2023-12-31"),   # Q3 ends (GMT)
    (utc(2023, 6, 30, 23, 15), "saturday", "00:00-07:59", "2023-07-01"),  # Q2 starts, BST
    (utc(2023, 11, 15, 7, 59), "wednesday", "00:00-07:59", "2023-11-15"), # GMT, band edge
    (utc(2023, 6, 14, 7, 0), "wednesday", "08:00-11:59", "2023-06-14"),   # 08:00 BST (07:00 UTC)
    (utc(2023, 8, 2, 15, 0), "wednesday", "16:00-19:59", "2023-08-02"),   # 16:00 BST
    (utc(2024, 1, 10, 11, 59), "wednesday", "08:00-11:59", "2024-01-10"), # 11:59 GMT
]

OVER_15 = {3, 14, 25, 36, 47, 58, 69, 80, 91}
DELAY_6_15 = 50
IMMEDIATE_DELAYS = [0, 1, 2, 3, 5, 4]  # 5 minutes is still immediate
DURATIONS = [63, 81, 99, 120, 45]  # arrival to departure, minutes (multiples of 3: hours exact to 0.1)
ISSUES = {}
for _i in range(12):
    ISSUES.setdefault(_i, []).append("food-and-drink")
for _i in range(20, 25):
    ISSUES.setdefault(_i, []).append("hygiene")
for _i in range(30, 33):
    ISSUES.setdefault(_i, []).append("health-care")
ISSUES.setdefault(40, []).extend(["cell-and-contents", "cell-and-contents"])
ISSUES.setdefault(60, []).append("other")
ISSUES.setdefault(61, []).append("staffing-and-conduct")
ISSUES.setdefault(5, []).append("hygiene")  # a visit with two categories
EXPECTED_ISSUES = {s: 0 for s in SLUGS}
for _cats in ISSUES.values():
    for _c in _cats:
        EXPECTED_ISSUES[_c] += 1

ANIMAL_HOURS_LOCAL = [10, 16, 13, 8, 18, 12, 7, 19, 11, 15, 14, 9]  # 13:xx and 14:xx are outside the grid
ANIMAL_STAY = 90
ANIMAL_DAYS_OF_MONTH = [3, 9, 14, 20, 25, 5, 11, 16, 22, 27, 8, 13]


@dataclass
class Visit:
    index: int
    site: str
    arrived: datetime
    delay: int
    total: int
    counts: dict
    issues: list
    body: dict = field(default_factory=dict)
    answer: dict = field(default_factory=dict)

    @property
    def local_date(self):
        return self.arrived.astimezone(LONDON).date()

    @property
    def band(self):
        return "immediate" if self.delay <= 5 else "6-15" if self.delay <= 15 else "over-15"


def arrivals():
    out = [s[0] for s in SPECIALS]
    hours = [2, 9, 13, 17, 21, 10, 14, 18, 23, 6, 12]
    start = date(2023, 4, 1)
    k = 0
    while len(out) < 101:
        d = start + timedelta(days=1 + (k * 365) // 88)
        h = hours[k % len(hours)]
        local = datetime(d.year, d.month, d.day, h, (k * 7) % 60, tzinfo=LONDON)
        out.append(local.astimezone(utc(2000, 1, 1).tzinfo))
        k += 1
    return out


def plan_visits():
    visits = []
    for i, arrived in enumerate(arrivals()):
        if i in OVER_15:
            delay = 16 if i == 3 else 20 + i % 30
        elif i == DELAY_6_15:
            delay = 15  # the top of the 6-15 band
        else:
            delay = IMMEDIATE_DELAYS[i % len(IMMEDIATE_DELAYS)]
        counts = {
            "seen": 3 + (i < 62),
            "refused": 1 if i >= 101 - 42 else 0,
            "not_offered": 1 if i % 7 != 3 and (i % 7 != 5 or i < 1) else 0,
            "unavailable": 2 + (i < 20),
            "observed": 3 + (i >= 101 - 92),
        }
        visits.append(Visit(i, "A" if i % 2 == 0 else "B", arrived, delay, DURATIONS[i % 5], counts,
                            ISSUES.get(i, [])))
    # not_offered must total 72: adjust deterministically
    total_no = sum(v.counts["not_offered"] for v in visits)
    for v in visits:
        if total_no == 72:
            break
        if total_no > 72 and v.counts["not_offered"] == 1:
            v.counts["not_offered"] = 0
            total_no -= 1
        elif total_no < 72 and v.counts["not_offered"] == 0:
            v.counts["not_offered"] = 1
            total_no += 1
    return visits


def animal_arrivals():
    out = []
    for m in range(12):
        y, mo = (2023, 4 + m) if m < 9 else (2024, m - 8)
        local = datetime(y, mo, ANIMAL_DAYS_OF_MONTH[m], ANIMAL_HOURS_LOCAL[m], 30 if m % 2 else 0, tzinfo=LONDON)
        out.append(local.astimezone(utc(2000, 1, 1).tzinfo))
    return out


class Year:
    """The whole FY2023 of Northshire, plus noise that must not count."""

    def __init__(self):
        self.w = World("Northshire", "n")
        self.site_a = self.w.add_site("Central", cells=30)
        self.site_b = self.w.add_site("Harbourside", cells=12)
        self.site_c = self.w.add_site("Old Town (closed)", cells=8, active=False)
        self.dogs = self.w.add_site("Dog unit", kind="animal_unit", cells=0)
        self.ids = {"A": self.site_a["id"], "B": self.site_b["id"]}
        self.visits = plan_visits()
        pairs = [(0, 1), (2, 3)]
        for v in self.visits:
            s, p = pairs[v.index % 2]
            issues = [{"category": c, "description": f"Issue {c} on visit {v.index}",
                       "resolved_during_visit": v.index % 3 == 0} for c in v.issues]
            arrived = v.arrived.astimezone(LONDON) if v.index % 5 == 0 else v.arrived  # some with +01:00
            v.body = custody_body(self.ids[v.site], [self.w.vid(s), self.w.vid(p)], arrived,
                                  delay_min=v.delay, stay_min=v.total - v.delay, counts=v.counts,
                                  issues=issues,
                                  delay_reason=("Staff handover" if v.delay > 5 else ""))
            v.answer = post(self.w.visitors[s], "/api/v1/visits/", v.body)
        self.animal = []
        for m, arrived in enumerate(animal_arrivals()):
            s, p = pairs[m % 2]
            body = animal_body(self.dogs["id"], [self.w.vid(s), self.w.vid(p)], arrived, stay_min=ANIMAL_STAY)
            self.animal.append((arrived, post(self.w.visitors[s], "/api/v1/animal-visits/", body)))
        # Noise that must not count in FY2023 for Northshire:
        a = self.ids["A"]
        v01 = [self.w.vid(0), self.w.vid(1)]
        for k in range(3):  # drafts in the year, with issues and detainees
            post(self.w.visitors[0], "/api/v1/visits/", custody_body(
                a, v01, utc(2023, 5, 3 + k, 10, 0), delay_min=30, delay_reason="Suite busy", stay_min=600,
                status="draft", counts={"seen": 50, "observed": 7},
                issues=[{"category": "food-and-drink", "description": "draft issue", "resolved_during_visit": False}]))
        post(self.w.visitors[0], "/api/v1/animal-visits/",
             animal_body(self.dogs["id"], v01, utc(2023, 5, 9, 9, 0), status="draft", stay_min=600))
        # Just outside the year, in local time
        self.after = post(self.w.visitors[0], "/api/v1/visits/", custody_body(
            a, v01, utc(2024, 3, 31, 23, 30), counts={"seen": 100}, stay_min=600))  # 2024-04-01 00:30 BST
        self.before = post(self.w.visitors[0], "/api/v1/visits/", custody_body(
            a, v01, utc(2023, 3, 31, 22, 30), counts={"seen": 100}, stay_min=600))  # 2023-03-31 23:30 BST
        # Another scheme's year, which must not leak into Northshire's figures
        self.south = World("Southshire", "s", hourly_rate="99.00", n_visitors=2, root=self.w.root)
        self.south_site = self.south.add_site("Harbour")
        sv = [self.south.vid(0), self.south.vid(1)]
        for k in range(5):
            post(self.south.visitors[0], "/api/v1/visits/", custody_body(
                self.south_site["id"], sv, utc(2023, 6, 1 + k, 12, 0), counts={"seen": 40}, stay_min=300,
                issues=[{"category": "food-and-drink", "description": "south", "resolved_during_visit": False}]))

    # -- expectations worked out by hand from the documents --
    def in_period(self, start, end, site=None):
        return [v for v in self.visits if start <= v.local_date <= end and (site is None or v.site == site)]

    @staticmethod
    def figures(visits):
        tot = {k: sum(v.counts[k] for v in visits) for k in ("seen", "refused", "not_offered", "unavailable", "observed")}
        offered = tot["seen"] + tot["refused"]
        present = offered + tot["not_offered"] + tot["unavailable"] + tot["observed"]
        imm = sum(v.band == "immediate" for v in visits)
        return {
            "visits": len(visits),
            "access": {"immediate": imm, "6-15": sum(v.band == "6-15" for v in visits),
                       "over-15": sum(v.band == "over-15" for v in visits),
                       "immediate_pct": pct(imm, len(visits)),
                       # Version 1 reports name no rank: every delay is one without it.
                       "delays_authorised_below_inspector": 0,
                       "delays_without_rank": sum(v.band != "immediate" for v in visits)},
            "detainees": {
                "present": present, "offered": offered, "not_offered": tot["not_offered"],
                "unavailable": tot["unavailable"], "observed": tot["observed"], "seen": tot["seen"],
                "refused": tot["refused"],
                "offered_pct": pct(offered, present), "not_offered_pct": pct(tot["not_offered"], present),
                "unavailable_pct": pct(tot["unavailable"], present), "observed_pct": pct(tot["observed"], present),
                "seen_pct_of_offered": pct(tot["seen"], offered),
                "refused_pct_of_offered": pct(tot["refused"], offered),
            },
            "custody_minutes": sum(v.total for v in visits),
        }

    def animal_in(self, start, end):
        return [a for a, _ in self.animal if start <= a.astimezone(LONDON).date() <= end]

    def hours(self, start, end, site=None):
        minutes = 0
        if site in (None, "A", "B"):
            minutes += sum(v.total for v in self.in_period(start, end, site))
        if site in (None, "D"):
            minutes += ANIMAL_STAY * len(self.animal_in(start, end))
        return Decimal(minutes * 2) / 60  # two visitors on every report
