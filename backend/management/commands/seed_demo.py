"""A demo scheme with the last financial year and this one so far of realistic visits, built
through the same services the API uses."""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from publication.models import YEAR, release_period
from publication.services import announced_release_add, release_publish, settings_for
from scheduling.services import recommendations_refresh_week_turned
from visits import services
from visits.eligibility import on_probation, refusal
from visits.models import (
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    IssueStatus,
    Notification,
    Role,
    Scheme,
    Site,
    SiteActivityChange,
    SiteKind,
    Stage,
    TrainingCourse,
    VisitIssue,
)
from visits.periods import fy_of, fy_period
from visits.services.notifications import MAX_ATTEMPTS

SCHEME_NAME = "Demoshire"
PASSWORD = "demo-password-2024"
# Members of the demo scheme, by which it is known whatever its name.
DEMO_USERNAMES = ("manager", "inspector")
SUITES = (("Northgate", 32), ("Riverside", 24), ("Eastfield", 12))
FIRST = ["Ann", "Ben", "Carys", "Dev", "Elin", "Femi", "Gareth", "Hana", "Ibrahim", "Jo", "Kiran", "Lowri",
         "Mo", "Nia", "Owen", "Priya", "Rhys", "Sian", "Tom", "Yusuf"]
LAST = ["Davies", "Evans", "Hughes", "Jones", "Khan", "Lewis", "Morgan", "Patel", "Price", "Roberts",
        "Smith", "Thomas", "Walker", "Williams", "Wright", "Ahmed", "Clarke", "Hall", "Young", "Bell"]
ISSUES = {
    "food-and-drink": ["Detainee had not been offered a hot drink since arrival", "Microwave meals out of date"],
    "cell-and-contents": ["No toilet paper in cell 4", "Blanket missing in cell 7", "Toilet not flushing in cell 2"],
    "hygiene": ["Female detainee not offered hygiene products", "No soap at the wash basin"],
    "health-care": ["Detainee waiting over two hours for the healthcare practitioner", "Medication not recorded"],
    "rights-and-entitlements": ["Detainee unsure whether a solicitor had been called", "No one informed yet"],
    "clothing-and-bedding": ["Detainee asked for a replacement jumper", "No clean mattress available"],
    "exercise-and-fresh-air": ["Exercise yard out of use", "Detainee held 20 hours without fresh air"],
    "reading-and-faith": ["No Qur'an available", "Reading material in English only"],
    "staffing-and-conduct": ["Only one detention officer on the floor", "Long wait at the front desk"],
    "facilities": ["CCTV monitor not working in the charge room", "Shower out of order"],
    "other": ["Interpreter not available for Polish-speaking detainee"],
}
RESPONSES = [
    "Items replaced the same day; staff reminded at briefing.",
    "Maintenance job raised; repaired within the week.",
    "Reviewed by the custody inspector; procedure re-circulated to all sergeants.",
    "Healthcare provider contacted; staffing rota adjusted.",
]
# How visits end, as schemes report them: most completed, one in ten by video, refused entry or cut short
# (by the visit's number, so each year of the demo has a few of each).
OUTCOMES = {7: "remote", 17: "access_refused", 27: "abandoned"}
OUTCOME_REASONS = {
    "remote": "Suite in lockdown after an incident: spoke to detainees by video link.",
    "access_refused": "Turned away at the front desk: the suite was full and staff could not escort us.",
    "abandoned": "Fire alarm part way through: the suite was evacuated.",
}
# Who authorised a delay in admission; a few reports leave it out, as a version 1 phone does.
RANKS = {"inspector": 60, "chief_inspector": 5, "sergeant": 15, None: 20}
CONCERN = ("Detainee in cell 6 said an officer had pushed him against the wall on arrival; "
           "red marks on his left arm. He agreed we could pass this on.")
# Hour of arrival: most visits in the day and evening, some late at night, as schemes report.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 6, 6, 6, 6, 7, 8, 8, 6, 4, 3]


def first_day(scheme) -> date:
    """1 April of the last financial year, so the demo has one whole year to report on."""
    return date(scheme.financial_year_to_date()[0].year - 1, 4, 1)


class Command(BaseCommand):
    help = ("Load the Demoshire scheme: 3 custody suites, a dog unit, 20 visitors, and visits from the start of "
            "the last financial year to today.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help="Random seed, for a repeatable demo.")

    def handle(self, *args, seed, **options):
        loaded = self._loaded()
        if loaded is not None:
            self.stdout.write(f"{SCHEME_NAME} is already loaded (as {loaded!r}); nothing to do.")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            scheme, people = self._people(rng)
            suites, dog_unit = self._sites(scheme)
            self._custody_staff(scheme, people, suites)
            custody, animal = self._visits(rng, scheme, people, suites, dog_unit)
            self._mail_refused(scheme)
        # The e-mails to the force went on commit; now its answers come back.
        with transaction.atomic():
            self._responses(rng, scheme, people)
        recommendations_refresh_week_turned()
        published = self._publish(scheme, people["manager"])
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {SCHEME_NAME}: {len(suites)} custody suites, a dog unit, {len(people['visitors'])} visitors, "
            f"{custody} custody visits and {animal} animal welfare visits since {first_day(scheme)}, "
            "and a recommendation for each site."
        ))
        self.stdout.write(f"Public statistics ({', '.join(published)}): {settings.SITE_URL}/public/{settings_for(scheme).slug}/")
        self.stdout.write(
            f"Sign in at {settings.SITE_URL}/signin/ or POST /api/v1/auth/token/ with password {PASSWORD!r} as: "
            "manager (volunteer manager), inspector (custody inspector, all suites), sergeant.northgate "
            "(custody sergeant, Northgate only), analyst (ICVA analyst), "
            f"{people['visitors'][0].username} (a visitor)."
        )

    @staticmethod
    def _publish(scheme, manager) -> list[str]:
        """The last financial year and the two latest completed quarters, published as the manager
        would, and the next quarter's release date announced."""
        today = scheme.local_today()
        last_fy = fy_of(today) - 1
        quarters = [(fy, q) for fy in (last_fy, last_fy + 1) for q in (1, 2, 3, 4)
                    if fy_period(fy, q).date_to < today][-2:]
        # In the order their periods ended, as they would have been published.
        periods = sorted([(last_fy, YEAR), *quarters], key=lambda period: release_period(*period).date_to)
        released = [release_publish(scheme=scheme, fy=fy, quarter=q, user=manager) for fy, q in periods]
        upcoming = next((fy, q) for fy in (last_fy + 1, last_fy + 2) for q in (1, 2, 3, 4)
                        if fy_period(fy, q).date_to >= today)
        announced_release_add(scheme=scheme, due_on=fy_period(*upcoming).date_to + timedelta(days=35),
                              fy=upcoming[0], quarter=upcoming[1])
        return [release.period_label for release in released]

    @staticmethod
    def _loaded() -> str | None:
        """The demo scheme's present name, or None when it is not loaded. Found by its own accounts as
        well as by name: its manager may rename it (the API allows it), and the usernames stay."""
        scheme = Scheme.objects.filter(Q(name=SCHEME_NAME) | Q(members__username__in=DEMO_USERNAMES)).first()
        return None if scheme is None else scheme.name

    def _people(self, rng):
        scheme = services.scheme_create(name=SCHEME_NAME, hourly_rate="18.37", weekly_target=1)
        manager = services.user_create(username="manager", password=PASSWORD, role=Role.MANAGER, scheme=scheme,
                                       first_name="Morwenna", last_name="Price", email="manager@demoshire.example")
        custody = [services.user_create(username="inspector", password=PASSWORD, role=Role.CUSTODY, scheme=scheme,
                                        first_name="Ian", last_name="Sergeant", email="custody@demoshire.example")]
        services.user_create(username="analyst", password=PASSWORD, role=Role.ANALYST, schemes=[scheme],
                             first_name="Ana", last_name="Lyst", email="analyst@icva.example")
        visitors = []
        courses = {course.key: course for course in TrainingCourse.objects.filter(scheme=scheme)}
        start = first_day(scheme)
        for index, (first, last) in enumerate(zip(FIRST, LAST)):
            # A few join and leave during the demo's period, as in any scheme's year.
            if index in (3, 11):
                joined = start + timedelta(days=rng.randint(30, 300))
            else:
                joined = start - timedelta(days=rng.randint(30, 365 * 12))
            left = start + timedelta(days=rng.randint(120, 360)) if index in (5, 13, 17) else None
            visitor = services.user_create(
                username=f"{first}.{last}".lower(), password=PASSWORD, role=Role.VISITOR, scheme=scheme,
                first_name=first, last_name=last, email=f"{first}.{last}@volunteers.example".lower(),
                joined_on=joined, left_on=left, probation_ends_on=joined + timedelta(days=182),
                stage=Stage.LEFT if left and left <= scheme.local_today() else Stage.APPOINTED,
            )
            # Trained when they joined: TACT one in four, animal welfare one in three.
            visitor.trained = {key for key, every, at in (("tact", 4, 1), ("animal_welfare", 3, 0)) if index % every == at}
            for key in sorted(visitor.trained):
                services.training_record_add(volunteer=visitor, course=courses[key], completed_on=joined, by=manager)
            visitors.append(visitor)
        return scheme, {"manager": manager, "custody": custody, "visitors": visitors}

    @staticmethod
    def _custody_staff(scheme, people, suites):
        """The inspector answers for every suite; each suite also has its own custody sergeant."""
        for (first, last), suite in zip((("Nadia", "Okafor"), ("Rob", "Hale"), ("Erin", "Moss")), suites):
            people["custody"].append(services.user_create(
                username=f"sergeant.{suite.name.lower()}", password=PASSWORD, role=Role.CUSTODY, scheme=scheme,
                first_name=first, last_name=last, email=f"custody.{suite.name.lower()}@demoshire-police.example",
                sites=[suite],
            ))

    def _sites(self, scheme):
        suites = [Site.objects.create(scheme=scheme, name=name, cells=cells) for name, cells in SUITES]
        # Eastfield is a secondary suite, closed for refurbishment for three months of the last financial year.
        closed = first_day(scheme) + timedelta(days=230)
        SiteActivityChange.objects.create(site=suites[2], active=False, effective_on=closed)
        SiteActivityChange.objects.create(site=suites[2], active=True, effective_on=closed + timedelta(days=91))
        dog_unit = Site.objects.create(scheme=scheme, name="Dog unit", kind=SiteKind.ANIMAL_UNIT)
        return suites, dog_unit

    def _visits(self, rng, scheme, people, suites, dog_unit):
        zone = scheme.zone
        today = timezone.localdate()
        start = first_day(scheme)
        slugs = list(IssueCategory.objects.filter(scheme=scheme).values_list("slug", flat=True))
        closures = {s.pk: list(s.activity_changes.values_list("effective_on", flat=True)) for s in suites}
        custody = animal = 0
        concern_raised = False
        week = start - timedelta(days=start.weekday())
        while week <= today:
            for suite in suites:
                changes = closures[suite.pk]
                if changes and changes[0] <= week < changes[1]:
                    continue
                for _ in range(rng.choices([0, 1, 2], weights=[1, 8, 2])[0]):
                    day = week + timedelta(days=rng.randrange(7))
                    arrived = self._local_time(rng, zone, day)
                    if day < start or arrived > timezone.now() - timedelta(hours=3):
                        continue
                    # One concern of ill-treatment, in the autumn of the last financial year, still open.
                    concern = not concern_raised and arrived.date() >= start + timedelta(days=200)
                    outcome = "completed" if concern else OUTCOMES.get(custody % 30, "completed")
                    self._custody_visit(rng, scheme, people, suite, arrived, slugs, outcome=outcome, concern=concern)
                    concern_raised = concern_raised or concern
                    custody += 1
            week += timedelta(days=7)
        month = date(start.year, start.month, 1)
        while month <= today:
            day = month + timedelta(days=rng.randrange(27))
            arrived = datetime.combine(day, time(rng.choice([9, 10, 11, 15, 16, 17]), rng.randrange(60)), zone)
            if start <= day and arrived < timezone.now() - timedelta(hours=3):
                pair = self._pair(rng, people, day, trained=True)
                health = "concern" if animal == 7 else "met"
                services.report_submit(model=AnimalVisit, sender=pair[0], data={
                    "client_uuid": uuid.UUID(int=rng.getrandbits(128)), "site": dog_unit.pk,
                    "visitors": [v.pk for v in pair], "arrived_at": arrived,
                    "left_at": arrived + timedelta(minutes=rng.randint(45, 100)),
                    "animals_seen": rng.randint(6, 14), "records_checked": True, "kennels_observed": True,
                    "vehicles_observed": rng.random() < 0.6, "training_observed": rng.random() < 0.4,
                    "welfare_needs": {"environment": "met", "diet": "met", "behaviour": "met",
                                      "company": rng.choice(["met", "not_checked"]), "health": health},
                    "issues": [{"category": "health-care", "description": "One dog lame on a foreleg; not yet seen by the vet.",
                                "resolved_during_visit": False}] if health == "concern" else [],
                    "comments": "Dogs well cared for; kennels clean.", "status": "submitted",
                })
                animal += 1
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return custody, animal

    @staticmethod
    def _local_time(rng, zone, day):
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        return datetime.combine(day, time(hour, rng.randrange(60)), zone)

    @staticmethod
    def _pair(rng, people, day, trained=False, tact=False):
        pool = [v for v in people["visitors"]
                if refusal(v, day) is None and ("animal_welfare" in v.trained or not trained)]
        # The buddy rule: the lead is an experienced visitor (and TACT trained on a TACT visit).
        leads = [v for v in pool if not on_probation(v, day) and ("tact" in v.trained or not tact)]
        lead = rng.choice(leads)
        return [lead, rng.choice([v for v in pool if v != lead])]

    def _custody_visit(self, rng, scheme, people, suite, arrived, slugs, outcome, concern):
        # Northgate holds the force's terrorism suspects: some of its visits are TACT visits.
        tact = suite.name == "Northgate" and rng.random() < 0.1
        pair = self._pair(rng, people, arrived.date(), tact=tact)
        delay = rng.choices([rng.randint(0, 5), rng.randint(6, 15), rng.randint(16, 50)], weights=[85, 5, 10])[0]
        present = rng.randint(2, min(suite.cells, 22))
        not_offered = rng.randint(0, present // 6)
        unavailable = rng.randint(0, (present - not_offered) // 4)
        observed = rng.randint(0, (present - not_offered - unavailable) // 2)
        offered = present - not_offered - unavailable - observed
        refused = rng.randint(0, offered // 5)
        seen = offered - refused
        female = rng.randint(0, seen // 4)
        juvenile = rng.randint(0, seen // 8)
        issues = [
            {"category": slug, "description": rng.choice(ISSUES[slug]), "resolved_during_visit": rng.random() < 0.4}
            for slug in rng.sample(slugs, rng.choices([0, 1, 2], weights=[6, 3, 1])[0])
        ]
        admitted = arrived + timedelta(minutes=delay)
        vulnerable = rng.randint(0, present // 4)
        data = {
            "client_uuid": uuid.UUID(int=rng.getrandbits(128)), "site": suite.pk,
            "visitors": [v.pk for v in pair], "arrived_at": arrived, "admitted_at": admitted,
            "left_at": admitted + timedelta(minutes=rng.randint(40, 120)),
            "delay_reason": "" if delay <= 5 else rng.choice(["Suite busy", "Staff shortage", "Staff handover"]),
            "detainees_present": present, "detainees_offered": offered, "detainees_seen": seen,
            "detainees_refused": refused, "detainees_not_offered": not_offered,
            "detainees_unavailable": unavailable, "detainees_observed": observed,
            "seen_profile": {"gender": {"female": female, "male": seen - female},
                             "age_group": {"juvenile": juvenile, "adult": seen - juvenile}},
            "cells_clean": rng.random() < 0.9, "kitchen_clean": rng.random() < 0.9, "food_in_date": rng.random() < 0.95,
            "hygiene_products_offered": rng.random() < 0.85, "female_officer_available": rng.random() < 0.9,
            "travel_minutes": rng.choice([0, 30, 40, 60]),
            "issues": issues, "comments": "", "status": "submitted",
            "tact": tact, "juveniles_present": juvenile, "vulnerable_present": vulnerable,
            "custody_records_examined": rng.randint(0, seen // 3),
        }
        if delay > 5:
            rank = rng.choices(list(RANKS), weights=list(RANKS.values()))[0]
            if rank:
                data["delay_authorised_by_rank"] = rank
        if concern:
            data["concern"] = {"raised": True, "details": CONCERN}
        if outcome != "completed":
            data.update(outcome=outcome, outcome_reason=OUTCOME_REASONS[outcome])
        if outcome in ("remote", "access_refused"):
            data.update(admitted_at=None, delay_reason="")
            data.pop("delay_authorised_by_rank", None)
        if outcome == "access_refused":
            data.update({f"detainees_{name}": 0 for name in
                         ("present", "offered", "seen", "refused", "not_offered", "unavailable", "observed")},
                        seen_profile={}, juveniles_present=0, vulnerable_present=0, custody_records_examined=0,
                        issues=[], tact=False)
        services.report_submit(model=CustodyVisit, sender=pair[0], data=data)

    @staticmethod
    def _mail_refused(scheme):
        """The newest report's e-mails to the force came back refused after every retry, so its
        issues are still open and the manager sees the failure (in the outbox and /health/)."""
        last = VisitIssue.objects.filter(scheme=scheme, status=IssueStatus.OPEN).order_by("-raised_on", "-id").first()
        if last is not None:
            Notification.objects.filter(issues__in=last.visit.issues.all()).update(
                failed_at=timezone.now(), attempts=MAX_ATTEMPTS,
                last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
            )

    @staticmethod
    def _responses(rng, scheme, people):
        """The force answers most issues within days and the manager closes most answered ones; a
        few are reopened, and some go unanswered past their due date. Each step goes through the
        services, then is dated as it would have happened."""
        manager, today = people["manager"], scheme.local_today()
        zone = scheme.zone
        waiting = VisitIssue.objects.filter(scheme=scheme, status__in=(IssueStatus.OPEN, IssueStatus.REFERRED))
        for issue in waiting.select_related("site").order_by("raised_on", "id"):
            age = (today - issue.raised_on).days
            if age < 3 or rng.random() < 0.05:
                continue  # still with the force: overdue once past its due date
            staff = [u for u in people["custody"] if not u.sites.exists() or issue.site in u.sites.all()]
            answered_on = issue.raised_on + timedelta(days=rng.randint(1, min(age - 1, 24)))
            by_phone = rng.random() < 0.1
            services.issue_respond(issue=issue, by=manager if by_phone else rng.choice(staff),
                                   response=rng.choice(RESPONSES), by_telephone=by_phone)
            when = datetime.combine(answered_on, time(rng.randint(8, 17), rng.randrange(60)), zone)
            issue.history.filter(to_status=IssueStatus.RESPONDED).update(at=when)
            VisitIssue.objects.filter(pk=issue.pk).update(responded_at=when)
            if (today - answered_on).days < 4:
                continue
            if rng.random() < 0.08:
                services.issue_reopen(issue=issue, by=manager,
                                      note="The detainee's complaint was about the evening meal; please look again.")
            elif rng.random() < 0.8:
                services.issue_close(issue=issue, by=manager, note=rng.choice(["", "Checked on the next visit."]))
                closed = datetime.combine(answered_on + timedelta(days=rng.randint(1, 3)), time(10), zone)
                issue.history.filter(to_status=IssueStatus.CLOSED).update(at=min(closed, timezone.now()))
