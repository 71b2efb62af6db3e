import math
import uuid
import zoneinfo
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from . import grids

MAX_COUNT = 1000


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(zone)r is not a known time zone, e.g. 'Europe/London'.") % {"zone": value}) from None


def validate_custody_bands(value) -> None:
    grids.validate_bands(value, whole_day=True)


def validate_animal_bands(value) -> None:
    grids.validate_bands(value, whole_day=False)


def default_custody_bands():
    return list(grids.DEFAULT_CUSTODY_BANDS)


def default_animal_bands():
    return list(grids.DEFAULT_ANIMAL_BANDS)


def default_handover_windows():
    return list(grids.DEFAULT_HANDOVER_WINDOWS)


class PlanHorizon(models.IntegerChoices):
    QUARTER = 3, _("Financial quarter")
    HALF_YEAR = 6, _("Half of the financial year")
    FINANCIAL_YEAR = 12, _("Financial year")


class Language(models.TextChoices):
    """The languages a person may choose: the service treats Welsh no less favourably than English."""

    ENGLISH = "en", "English"  # each language by its own name, in every language
    WELSH = "cy", "Cymraeg"


def django_language(language: str) -> str:
    """The Django language code (settings.LANGUAGES) of a person's choice: English until they choose."""
    return "cy" if language == Language.WELSH else "en-gb"


class LeavingReason(models.TextChoices):
    """Why a volunteer left: a fixed list a scheme may narrow (`Scheme.leaving_reasons`); never free text,
    so nothing is written down about anyone's health beyond the word."""

    PERSONAL = "personal", _("Personal reasons")
    MOVED_AWAY = "moved_away", _("Moved away")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    HEALTH = "health", _("Health")
    PARENTAL_LEAVE = "parental_leave", _("Maternity or parental leave")
    OTHER = "other", _("Other")


def default_leaving_reasons() -> list[str]:
    return list(LeavingReason.values)


def validate_leaving_reasons(value) -> None:
    if not isinstance(value, list) or not value or any(reason not in LeavingReason.values for reason in value):
        raise ValidationError(_("Give a list of one or more of: %(values)s.") % {"values": ", ".join(LeavingReason.values)})


class SchemeLanguages(models.TextChoices):
    ENGLISH = "en", _("English only")
    BILINGUAL = "en,cy", _("English and Welsh")


class Scheme(models.Model):
    """One police area's scheme. Its rules and thresholds are data, set here."""

    name = models.CharField(max_length=200, unique=True)
    timezone = models.CharField(max_length=64, default="Europe/London", validators=[validate_timezone])
    weekly_target = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(50)], help_text=_("Visits each active custody suite should have each week.")
    )
    hourly_rate = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, validators=[MinValueValidator(0)],
        help_text=_("Value of one volunteer hour, for the annual report."),
    )
    min_visitors = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text=_("Visitors needed on a report.")
    )
    immediate_access_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(120)], help_text=_("An access delay up to this many minutes is immediate access.")
    )
    long_delay_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MaxValueValidator(24 * 60)], help_text=_("Delays above this many minutes fall in the longest band.")
    )
    clock_skew_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(60)], help_text=_("How far in the future a phone's clock may be before a report is refused.")
    )
    # Outbox for a settings change: set with the change, cleared once its stored reports follow it;
    # the sweep runs the re-derivation again for a scheme left set (its task lost to a broker outage).
    rederive_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    languages = models.CharField(
        max_length=8, choices=SchemeLanguages.choices, default=SchemeLanguages.ENGLISH,
        help_text=_("Whether Welsh is offered beside English: its people choose, and its public pages offer both."),
    )
    custody_bands = models.JSONField(default=default_custody_bands, validators=[validate_custody_bands])
    animal_bands = models.JSONField(default=default_animal_bands, validators=[validate_animal_bands])
    handover_windows = models.JSONField(default=default_handover_windows, validators=[grids.validate_windows])
    handover_proposal_rate = models.FloatField(
        default=0.5, validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text=_("How likely the plan is to propose a visited cell that overlaps a staff handover again, "
                  "compared with a cell like it that does not (0.5: half as likely). Never 0: those hours must "
                  "be covered too. Cells not yet visited are never held back."),
    )
    # The column's bound, stated: SQLite's would be 64 bits, and the API schema would depend on the database.
    plan_horizon_months = models.PositiveSmallIntegerField(
        default=12, choices=PlanHorizon.choices, validators=[MaxValueValidator(32767)],
        help_text=_("The period, counted from 1 April, in which every cell should have a visit: the plan gives the "
                  "gaps left more weight as the weeks of this period run out."),
    )
    plan_gap_strength = models.FloatField(
        default=3.0, validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("How strongly the plan favours the cells not yet visited: each gap's chance of being planned is at "
                  "least this ÷ the plan periods left in the horizon (and at least an even share of the grid)."),
    )
    long_service_years = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(50)], help_text=_("Length of service the annual report counts as long service.")
    )
    issue_response_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days the force has to respond to an issue, from the visit (or from its reopening); after that "
                  "it is overdue, in the manager's daily digest and the force's weekly reminder."),
    )
    certificate_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A long-service certificate marks each block of this many years of service."),
    )
    term_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Length of a visitor's term of appointment, in years; it is renewable."),
    )
    review_weeks = models.PositiveSmallIntegerField(
        default=12, validators=[MaxValueValidator(104)],
        help_text=_("How many weeks before a term ends its reappointment review falls."),
    )
    buddy_rule = models.BooleanField(
        default=True, help_text=_("Refuse a report whose visitors are all on probation: each needs an experienced visitor."),
    )
    leaving_reasons = models.JSONField(
        default=default_leaving_reasons, validators=[validate_leaving_reasons],
        help_text=_("The reasons for leaving the scheme records, from: personal, moved_away, conflict_of_interest, "
                  "health, parental_leave, other."),
    )
    # The volunteer register's settings (the volunteers app reads them).
    meetings_required = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(52)],
        help_text=_("Team meetings each volunteer should attend in twelve months (0: no requirement)."),
    )
    meeting_time_counts = models.BooleanField(
        default=True, help_text=_("Whether time at team meetings and training counts in the volunteer hours, beside "
                                  "visits and travel."),
    )
    cohort_min_group = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_("A group of the cohort with fewer volunteers than this is shown as 'fewer than' it, never counted, "
                  "to everyone but the managers."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("How far ahead the managers' weekly reminder looks for what needs doing."),
    )
    leaver_retention_years = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Years a leaver's personal details are kept after they leave; then they are anonymised."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.long_delay_minutes < self.immediate_access_minutes:
            raise ValidationError({"long_delay_minutes": [_("The longest delay band must start after immediate access ends.")]})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_today(self) -> date:
        return timezone.now().astimezone(self.zone).date()

    @property
    def offers_welsh(self) -> bool:
        return self.languages == SchemeLanguages.BILINGUAL

    def financial_year_to_date(self, today: date | None = None) -> tuple[date, date]:
        """1 April of the current UK financial year to today, in the scheme's zone."""
        today = today or self.local_today()
        start_year = today.year if (today.month, today.day) >= (4, 1) else today.year - 1
        return date(start_year, 4, 1), today

    def issue_due_on(self, day: date) -> date:
        """When the force's response to an issue sent on that day is due."""
        return day + timedelta(days=self.issue_response_days)

    def access_band(self, delay_minutes: int) -> str:
        if delay_minutes <= self.immediate_access_minutes:
            return AccessBand.IMMEDIATE
        if delay_minutes <= self.long_delay_minutes:
            return AccessBand.MEDIUM
        return AccessBand.LONG


class Role(models.TextChoices):
    VISITOR = "visitor", _("Independent custody visitor")
    MANAGER = "manager", _("Volunteer manager")
    CUSTODY = "custody", _("Custody inspector / sergeant")
    ANALYST = "analyst", _("National analyst")


class Stage(models.TextChoices):
    """Where a volunteer is in the register, from application to leaving."""

    APPLICANT = "applicant", _("Applicant")
    IN_CHECKS = "in_checks", _("In checks")
    PROBATION = "probation", _("On probation")
    APPOINTED = "appointed", _("Appointed")
    LEFT = "left", _("Left")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    schemes = models.ManyToManyField(
        Scheme, blank=True, related_name="analysts", help_text=_("Schemes an analyst may read KPIs of.")
    )
    language = models.CharField(
        max_length=2, choices=Language.choices, blank=True,
        help_text=_("The language of this person's pages and e-mails; empty until they choose (English meanwhile)."),
    )
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    probation_ends_on = models.DateField(null=True, blank=True)
    # The volunteer register. Nothing recorded refuses no one: a scheme adopts it person by person.
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.APPOINTED)
    buddy = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="buddies",
        help_text=_("The experienced visitor who accompanies this one on probation."),
    )
    probation_signed_off_on = models.DateField(null=True, blank=True)
    probation_signed_off_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    term_starts_on = models.DateField(null=True, blank=True)
    term_ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True, help_text=_("When the reappointment review is due."))
    vetting_cleared_on = models.DateField(null=True, blank=True)
    vetting_expires_on = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=32, choices=LeavingReason.choices, blank=True)
    exit_interview_held = models.BooleanField(null=True, blank=True)
    # Set between pre_save and post_save when a new password or a deactivation must end the sign-ins.
    _revoke_tokens = False
    sites: models.ManyToManyField = models.ManyToManyField(
        "Site", blank=True, related_name="custody_staff",
        help_text=_("Custody staff: the sites they answer for; none means all of their scheme's."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="user_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(vetting_expires_on__isnull=True) | Q(vetting_cleared_on__isnull=True)
                | Q(vetting_expires_on__gte=F("vetting_cleared_on")),
                name="user_vetting_expires_after_cleared",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True) | Q(term_starts_on__isnull=True)
                | Q(term_ends_on__gte=F("term_starts_on")),
                name="user_term_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(term_ends_on__isnull=True) | Q(review_on__lte=F("term_ends_on")),
                name="user_review_before_term_ends",
            ),
            models.CheckConstraint(condition=~Q(stage=Stage.LEFT) | Q(left_on__isnull=False), name="user_left_has_date"),
            models.CheckConstraint(condition=~Q(buddy=F("pk")), name="user_not_own_buddy"),
        ]

    @property
    def language_code(self) -> str:
        """The Django language to serve this person in: their choice, English until they make one."""
        return django_language(self.language)

    @property
    def language_to_ask(self) -> bool:
        """Whether to ask them which language they want: not yet asked, on a scheme that offers Welsh."""
        return not self.language and self.scheme is not None and self.scheme.offers_welsh

    def is_member_on(self, day: date) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or day <= self.left_on)


# The courses a new scheme starts with (key, name), stored in English like the issue categories.
DEFAULT_COURSES = (
    ("induction", gettext_noop("Induction"), None),
    ("tact", gettext_noop("TACT visits"), None),
    ("animal_welfare", gettext_noop("Animal welfare visits"), None),
    ("refresher", gettext_noop("Refresher"), 36),
)
DEFAULT_COURSE_NAMES = frozenset(name for _key, name, _months in DEFAULT_COURSES)


class TrainingCourse(models.Model):
    """A course of a scheme's training; a record of it is valid for `validity_months` (none: for good)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="training_courses")
    key = models.SlugField(max_length=64, help_text=_("e.g. induction, tact, animal_welfare, refresher"))
    name = models.CharField(max_length=200)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("How long a completion stays valid; empty: for good."),
    )
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(Decimal(0)),
                                                                       MaxValueValidator(Decimal(500))],
        help_text=_("The hours a completion takes, counted in the volunteer hours where the scheme counts "
                    "meeting and training time."),
    )

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["scheme", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="course_key_unique_in_scheme")]

    def __str__(self):
        return self.name

    def display_name(self) -> str:
        return gettext(self.name) if self.name in DEFAULT_COURSE_NAMES else self.name


class TrainingRecord(models.Model):
    """A volunteer completed a course on a day; valid from then until `expires_on` (exclusive; none: for good).
    The expiry is fixed when recorded, from the course's validity then, and set to a day to end it early."""

    volunteer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("completed_on")),
                                   name="training_expires_after_completed"),
            # A course completed on a day is one record, however often it is sent.
            models.UniqueConstraint(fields=["volunteer", "course", "completed_on"], name="training_once_a_day"),
        ]
        indexes = [models.Index(fields=["volunteer", "course"], name="training_volunteer_course_idx")]

    def is_valid_on(self, day: date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day < self.expires_on)


class SiteKind(models.TextChoices):
    CUSTODY_SUITE = "custody_suite", _("Custody suite")
    ANIMAL_UNIT = "animal_unit", _("Animal unit")


class Site(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=SiteKind.choices, default=SiteKind.CUSTODY_SUITE)
    cells = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(MAX_COUNT)])
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["scheme", "name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="site_name_unique_in_scheme")]

    def __str__(self):
        return self.name

    @property
    def grid(self) -> grids.Grid:
        """A custody suite is planned on a weekly grid, an animal unit on a monthly one."""
        return grids.animal_grid(self.scheme) if self.kind == SiteKind.ANIMAL_UNIT else grids.custody_grid(self.scheme)

    @property
    def report_model(self) -> type["Report"]:
        """The kind of report a visit here makes."""
        return AnimalVisit if self.kind == SiteKind.ANIMAL_UNIT else CustodyVisit


class SiteActivityChange(models.Model):
    """When a suite opened or closed. Before its first change a site was in the opposite state;
    a site with no changes has always been as `Site.active` says."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="activity_changes")
    active = models.BooleanField()
    effective_on = models.DateField()
    recorded_by = models.ForeignKey("User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("site activity change")
        verbose_name_plural = _("site activity changes")
        ordering = ["site", "effective_on", "id"]


# The categories a new scheme starts with (slug, name). The names are marked but stored in English:
# a scheme's categories are its data, and `IssueCategory.display_name` translates one still named so.
DEFAULT_ISSUE_CATEGORIES = (
    ("food-and-drink", gettext_noop("Food and drink")),
    ("cell-and-contents", gettext_noop("Cell and its contents")),
    ("hygiene", gettext_noop("Hygiene and female hygiene products")),
    ("health-care", gettext_noop("Health care and medication")),
    ("rights-and-entitlements", gettext_noop("Rights and entitlements")),
    ("clothing-and-bedding", gettext_noop("Clothing and bedding")),
    ("exercise-and-fresh-air", gettext_noop("Exercise and fresh air")),
    ("reading-and-faith", gettext_noop("Reading material and faith items")),
    ("staffing-and-conduct", gettext_noop("Staffing and conduct")),
    ("facilities", gettext_noop("Facilities")),
    ("other", gettext_noop("Other")),
)
DEFAULT_CATEGORY_NAMES = frozenset(name for _slug, name in DEFAULT_ISSUE_CATEGORIES)


class IssueCategory(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="issue_categories")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True, help_text=_("Retired categories stay on old reports but take no new issues."))

    class Meta:
        verbose_name = _("issue category")
        verbose_name_plural = _("issue categories")
        ordering = ["scheme", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "slug"], name="category_slug_unique_in_scheme")]

    def __str__(self):
        return self.name

    def display_name(self) -> str:
        """The name for a reader in the active language: a default category still named as it came
        reads in that language; a name the manager wrote or changed reads as written."""
        return gettext(self.name) if self.name in DEFAULT_CATEGORY_NAMES else self.name


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class AccessBand(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    MEDIUM = "6-15", _("6 to 15 minutes")
    LONG = "over-15", _("Over 15 minutes")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    REMOTE = "remote", _("Remote monitoring (telephone or video)")
    ACCESS_REFUSED = "access_refused", _("Access refused")
    ABANDONED = "abandoned", _("Abandoned")


# What a scheme reports as visits made: every attempt but those refused entry.
VISIT_MADE_OUTCOMES = (Outcome.COMPLETED, Outcome.REMOTE, Outcome.ABANDONED)
ANIMAL_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.REMOTE]
# Visitors were not admitted to the suite, so there is no admission time.
NOT_ADMITTED_OUTCOMES = (Outcome.REMOTE, Outcome.ACCESS_REFUSED)


class AuthorisingRank(models.TextChoices):
    """Who authorised a delay in admitting visitors: the Code of Practice allows it only from an inspector up."""

    NONE = "", _("No delay")
    SERGEANT = "sergeant", _("Sergeant")
    INSPECTOR = "inspector", _("Inspector")
    CHIEF_INSPECTOR = "chief_inspector", _("Chief inspector")
    SUPERINTENDENT_OR_ABOVE = "superintendent_or_above", _("Superintendent or above")
    NOT_GIVEN = "not_given", _("Not given")


class WelfareState(models.TextChoices):
    MET = "met", _("Met")
    CONCERN = "concern", _("Concern")
    NOT_CHECKED = "not_checked", _("Not checked")


# The five needs of the Animal Welfare Act 2006, section 9.
WELFARE_NEEDS = ("environment", "diet", "behaviour", "company", "health")


class Report(models.Model):
    """What custody and animal welfare visits share; the cell columns are set at write time."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    client_uuid = models.UUIDField(default=uuid.uuid4, help_text=_("Made on the phone: the idempotency key."))
    content_hash = models.CharField(max_length=64, editable=False)
    visitors = models.ManyToManyField(User, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    arrived_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    travel_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(24 * 60)], help_text=_("Travel time of all the visitors together.")
    )
    # Each kind names these: the site kind it goes to, and the name its issues and corrections give it.
    site_kind: str
    link: str
    comments = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.COMPLETED)
    outcome_reason = models.TextField(blank=True, help_text=_("Why the visit was not completed."))
    # Set from the arrival time in the scheme's zone, so coverage is one GROUP BY over indexed columns.
    local_date = models.DateField(editable=False)
    slot_day = models.PositiveSmallIntegerField(editable=False)
    slot_band = models.PositiveSmallIntegerField(null=True, editable=False, help_text=_("Null: outside every band."))
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept beside the visitors so the roll-up's visitor hours are a sum over this table alone.
    visitor_count = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def set_cell(self) -> None:
        local = self.arrived_at.astimezone(self.scheme.zone)
        self.local_date = local.date()
        self.slot_day, self.slot_band = self.site.grid.cell_for(local)

    @property
    def timeslot(self) -> dict:
        return self.site.grid.label(self.slot_day, self.slot_band)

    @property
    def duration_minutes(self) -> float | None:
        return None if self.left_at is None else (self.left_at - self.arrived_at).total_seconds() / 60


def report_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["scheme", "client_uuid"], name=f"{prefix}_client_uuid_unique"),
        models.CheckConstraint(
            condition=Q(left_at__isnull=True) | Q(left_at__gte=F("arrived_at")), name=f"{prefix}_left_after_arrival"
        ),
        models.CheckConstraint(
            condition=Q(status=ReportStatus.DRAFT) | Q(left_at__isnull=False), name=f"{prefix}_submitted_has_departure"
        ),
        models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name=f"{prefix}_outcome_known"),
        models.CheckConstraint(
            condition=Q(outcome=Outcome.COMPLETED) | ~Q(outcome_reason=""), name=f"{prefix}_outcome_has_reason"
        ),
    ]


def report_indexes(prefix: str) -> list:
    """Partial indexes of the submitted reports, chosen from EXPLAIN (ANALYZE, BUFFERS) (the plans are
    in benchmarks/results/speed_*.json). A site's rows lie one to a heap page among the other sites',
    so coverage reads them all from its covering index and no heap page. A period's rows are read
    by (scheme, local date); the columns visitor time and the joins need are in the index. The KPI
    sums read some thirty columns of every report of the period: an index holding them all would be
    as wide as the table. INCLUDE is PostgreSQL's; SQLite keeps the partial indexes without it."""
    submitted = Q(status=ReportStatus.SUBMITTED)
    return [
        models.Index(fields=["site", "local_date"], include=["slot_day", "slot_band", "arrived_at", "id"],
                     condition=submitted, name=f"{prefix}_coverage_idx"),
        models.Index(fields=["scheme", "local_date"], include=["site", "id", "arrived_at", "left_at"],
                     condition=submitted, name=f"{prefix}_period_idx"),
    ]


# Those present are each offered a visit, not offered one, unavailable or only observed; those
# offered are seen or refuse. One list, read by the model, the checks, the KPIs and their docs.
DETAINEE_SPLIT = ("offered", "not_offered", "unavailable", "observed")
DETAINEES = ("present", *DETAINEE_SPLIT, "seen", "refused")
COUNT_FIELDS = tuple(f"detainees_{name}" for name in DETAINEES)
CHECK_FIELDS = (
    "cells_clean", "kitchen_clean", "yard_clean", "food_in_date",
    "hygiene_products_offered", "female_officer_available",
)


def count_field():
    return models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(MAX_COUNT)])


class CustodyVisit(Report):
    site_kind = SiteKind.CUSTODY_SUITE
    link = "custody_visit"  # the name issues and corrections give their visit of this kind
    admitted_at = models.DateTimeField(null=True, blank=True)
    access_delay_minutes = models.PositiveIntegerField(null=True, editable=False)
    access_band = models.CharField(max_length=16, choices=AccessBand.choices, blank=True, editable=False)
    delay_reason = models.TextField(blank=True)
    detainees_present = count_field()
    detainees_offered = count_field()
    detainees_seen = count_field()
    detainees_refused = count_field()
    detainees_not_offered = count_field()
    detainees_unavailable = count_field()
    detainees_observed = count_field()
    # Checks of the suite: None means not checked on this visit.
    cells_clean = models.BooleanField(null=True, blank=True)
    kitchen_clean = models.BooleanField(null=True, blank=True)
    yard_clean = models.BooleanField(null=True, blank=True)
    food_in_date = models.BooleanField(null=True, blank=True)
    hygiene_products_offered = models.BooleanField(null=True, blank=True)
    female_officer_available = models.BooleanField(null=True, blank=True)
    delay_authorised_by_rank = models.CharField(
        max_length=32, choices=AuthorisingRank.choices, default=AuthorisingRank.NONE, blank=True
    )
    tact = models.BooleanField(default=False, help_text=_("A visit to detainees held under the Terrorism Act."))
    juveniles_present = count_field()
    vulnerable_present = count_field()
    custody_records_examined = count_field()
    # An allegation or sign of ill-treatment: it goes to the managers at once and stays open until handled.
    # Written through the report's `concern` object, so not editable as separate fields.
    concern_raised = models.BooleanField(default=False, editable=False)
    concern_details = models.TextField(blank=True, editable=False)
    concern_handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    concern_handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    concern_handled_note = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("custody visit")
        verbose_name_plural = _("custody visits")
        ordering = ["-arrived_at", "-id"]
        constraints = report_constraints("custodyvisit") + [
            models.CheckConstraint(
                condition=Q(
                    detainees_present=F("detainees_offered") + F("detainees_not_offered")
                    + F("detainees_unavailable") + F("detainees_observed")
                ),
                name="custodyvisit_detainees_add_up",
            ),
            models.CheckConstraint(
                condition=Q(detainees_offered=F("detainees_seen") + F("detainees_refused")),
                name="custodyvisit_offered_add_up",
            ),
            models.CheckConstraint(
                condition=Q(detainees_present__lte=MAX_COUNT), name="custodyvisit_present_at_most_max",
            ),
            models.CheckConstraint(
                condition=Q(admitted_at__isnull=True)
                | (Q(admitted_at__gte=F("arrived_at")) & (Q(left_at__isnull=True) | Q(left_at__gte=F("admitted_at")))),
                name="custodyvisit_times_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(admitted_at__isnull=False)
                | Q(outcome__in=NOT_ADMITTED_OUTCOMES),
                name="custodyvisit_submitted_admitted_unless_not_admitted",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=NOT_ADMITTED_OUTCOMES) | Q(admitted_at__isnull=True),
                name="custodyvisit_not_admitted_has_no_admission",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.ACCESS_REFUSED) | Q(detainees_present=0),
                name="custodyvisit_refused_saw_no_one",
            ),
            models.CheckConstraint(
                condition=Q(delay_authorised_by_rank__in=AuthorisingRank.values), name="custodyvisit_rank_known",
            ),
            models.CheckConstraint(
                condition=Q(juveniles_present__lte=F("detainees_present"))
                & Q(vulnerable_present__lte=F("detainees_present"))
                & Q(custody_records_examined__lte=F("detainees_seen")),
                name="custodyvisit_subgroups_within_counts",
            ),
            models.CheckConstraint(
                condition=Q(concern_raised=True) & ~Q(concern_details="")
                | Q(concern_raised=False, concern_details="", concern_handled_at__isnull=True),
                name="custodyvisit_concern_has_details",
            ),
        ]
        indexes = report_indexes("custodyvisit")

    def __str__(self):
        return f"Custody visit to {self.site} on {self.local_date}"

    @property
    def concern(self) -> dict:
        return {"raised": self.concern_raised, "details": self.concern_details}

    @property
    def delayed(self) -> bool:
        """Admission was not immediate, so the delay needs its reason and who authorised it."""
        return self.access_band not in ("", AccessBand.IMMEDIATE)

    def set_access(self) -> None:
        if self.admitted_at is None:
            self.access_delay_minutes, self.access_band = None, ""
            return
        # A part-minute counts as a whole one: 5 min 30 s is not "5 minutes or less".
        self.access_delay_minutes = math.ceil((self.admitted_at - self.arrived_at).total_seconds() / 60)
        self.access_band = self.scheme.access_band(self.access_delay_minutes)


class SeenProfileCount(models.Model):
    """The profile of those seen, as counts only, so it sums in SQL: ("gender", "female", 3)."""

    visit = models.ForeignKey(CustodyVisit, on_delete=models.CASCADE, related_name="seen_profile")
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=64)
    count = models.PositiveSmallIntegerField(validators=[MaxValueValidator(MAX_COUNT)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "dimension", "value"], name="seen_profile_unique"),
        ]


def welfare_field():
    return models.CharField(max_length=16, choices=WelfareState.choices, default=WelfareState.NOT_CHECKED,
                            editable=False)


class AnimalVisit(Report):
    site_kind = SiteKind.ANIMAL_UNIT
    link = "animal_visit"
    animals_seen = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(MAX_COUNT)])
    records_checked = models.BooleanField(default=False)
    kennels_observed = models.BooleanField(default=False)
    vehicles_observed = models.BooleanField(default=False)
    training_observed = models.BooleanField(default=False)
    # Written through the report's `welfare_needs` object.
    welfare_environment = welfare_field()
    welfare_diet = welfare_field()
    welfare_behaviour = welfare_field()
    welfare_company = welfare_field()
    welfare_health = welfare_field()

    class Meta:
        verbose_name = _("animal visit")
        verbose_name_plural = _("animal visits")
        ordering = ["-arrived_at", "-id"]
        constraints = report_constraints("animalvisit") + [
            models.CheckConstraint(condition=~Q(outcome=Outcome.REMOTE), name="animalvisit_not_remote"),
            models.CheckConstraint(
                condition=Q(**{f"welfare_{need}__in": WelfareState.values for need in WELFARE_NEEDS}),
                name="animalvisit_welfare_known",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.ACCESS_REFUSED) | Q(animals_seen=0),
                name="animalvisit_refused_saw_none",
            ),
        ]
        indexes = report_indexes("animalvisit")

    def __str__(self):
        return f"Animal welfare visit to {self.site} on {self.local_date}"

    @property
    def welfare_needs(self) -> dict:
        return {need: getattr(self, f"welfare_{need}") for need in WELFARE_NEEDS}


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Not yet sent to the force")
    REFERRED = "referred", _("Sent to the force, awaiting its response")
    RESPONDED = "responded", _("Force responded")
    CLOSED = "closed", _("Closed")


# Waiting on the force: past its due date in one of these, an issue is overdue.
AWAITING_FORCE = (IssueStatus.OPEN, IssueStatus.REFERRED)


class VisitIssue(models.Model):
    """An issue raised on a visit, carried to the force and back."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    custody_visit = models.ForeignKey(CustodyVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="issues")
    animal_visit = models.ForeignKey(AnimalVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="issues")
    # Where and when it was raised: the visit's site and local date, kept here so that routing,
    # due dates and trends are plain filters on one table.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="issues")
    raised_on = models.DateField()
    category = models.ForeignKey(IssueCategory, on_delete=models.PROTECT, related_name="issues")
    description = models.TextField()
    resolved_during_visit = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    due_on = models.DateField(null=True, blank=True, help_text=_("The force's response is due by this local date."))
    force_response = models.TextField(blank=True)
    by_telephone = models.BooleanField(default=False, help_text=_("The response was given by telephone, recorded by the manager."))
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, help_text=_("When the force was last reminded it is overdue."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit issue")
        verbose_name_plural = _("visit issues")
        ordering = ["id"]
        indexes = [models.Index(fields=["scheme", "status", "due_on"], name="issue_overdue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(custody_visit__isnull=False, animal_visit__isnull=True)
                | Q(custody_visit__isnull=True, animal_visit__isnull=False),
                name="issue_on_exactly_one_visit",
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.description[:40]}"

    @property
    def visit(self):
        return self.custody_visit or self.animal_visit

    def is_overdue(self, today: date) -> bool:
        return self.status in AWAITING_FORCE and self.due_on is not None and self.due_on < today


class IssueEvent(models.Model):
    """One change of an issue's status: who (none: the service itself), when, from, to, and a note."""

    issue = models.ForeignKey(VisitIssue, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=16, choices=IssueStatus.choices, blank=True,
                                   help_text=_("Blank: the issue was raised."))
    to_status = models.CharField(max_length=16, choices=IssueStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ReportCorrection(models.Model):
    """A manager's change to a submitted report: who, when, what changed (old and new values).
    It belongs to the report's scheme, whoever made it (a superuser belongs to none)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    custody_visit = models.ForeignKey(CustodyVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections")
    animal_visit = models.ForeignKey(AnimalVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections")
    corrected_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(help_text='{"field": {"from": old, "to": new}}')
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("report correction")
        verbose_name_plural = _("report corrections")
        ordering = ["corrected_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(custody_visit__isnull=False, animal_visit__isnull=True)
                | Q(custody_visit__isnull=True, animal_visit__isnull=False),
                name="correction_on_exactly_one_visit",
            ),
        ]


class NotificationKind(models.TextChoices):
    ISSUE_RAISED = "issue_raised", _("Issues raised on a visit, to the force")
    ISSUE_REOPENED = "issue_reopened", _("An issue reopened by the manager, to the force")
    ISSUE_REMINDER = "issue_reminder", _("Overdue issues, reminder to the force")
    OVERDUE_DIGEST = "overdue_digest", _("Overdue issues, digest to the manager")
    CONCERN_RAISED = "concern_raised", _("A concern of ill-treatment, urgent to the managers")
    VOLUNTEER_REMINDERS = "volunteer_reminders", _("What the volunteer register needs soon, weekly to the managers")
    # Written by a feature through notifications.message_notify; never to custody staff.
    TO_VISITOR = "to_visitor", _("A message to a visitor (a visit given to them, a reminder)")
    TO_MANAGER = "to_manager", _("A message to the managers (a planned visit nobody can make)")


class Notification(models.Model):
    """Outbox: written in the same transaction as its cause, sent by a task that claims the row
    with a lease, swept again if the broker or a worker was down, so a notification is never lost."""

    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices, blank=True)
    issues = models.ManyToManyField(VisitIssue, blank=True, related_name="notifications")
    # Makes a scheduled notification (a digest, a reminder) once however often its task runs.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # With the id, names the e-mail in its Message-ID: the same on every attempt, never reused by
    # another database (a rebuilt demo restarts its ids).
    token = models.UUIDField(default=uuid.uuid4, editable=False)
    to_email = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text=_("A worker is sending it until then."))
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text=_("After a failure: not before then."))
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True, help_text=_("Given up after the last attempt."))
    # The column's bound, stated (see plan_horizon_months).
    attempts = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(32767)])
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at"], name="notification_pending_idx")]

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        return "failed" if self.failed_at else "pending"


# --- the roll-up: sums of the submitted reports per site and local day, and per site and month ---


class Grain(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


def rollup_key(prefix: str, *more: str) -> list:
    return [
        models.UniqueConstraint(fields=["site", "grain", "starts_on", *more], name=f"{prefix}_key"),
    ]


class RollupRow(models.Model):
    """A site's sums over one local day, or one calendar month, of its submitted reports. Kept in
    step by the write path in the report's own transaction (visits.rollup), so the KPIs of any
    period read whole months and the odd days at its ends, never the reports themselves."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=8, choices=Grain.choices)
    starts_on = models.DateField(help_text=_("The day, or the first day of the month."))

    class Meta:
        abstract = True


def rollup_count():
    return models.IntegerField(default=0)


class SiteTotals(RollupRow):
    visits_attempted = rollup_count()
    visits = rollup_count()  # made: every attempt but those refused entry
    outcome_completed = rollup_count()
    outcome_remote = rollup_count()
    outcome_access_refused = rollup_count()
    outcome_abandoned = rollup_count()
    travel_minutes = rollup_count()
    visitor_time = models.DurationField(default=timedelta(0), help_text=_("Arrival to departure, once per visitor."))
    access_immediate = rollup_count()
    access_medium = rollup_count()
    access_long = rollup_count()
    delays_authorised_below_inspector = rollup_count()
    delays_without_rank = rollup_count()
    juveniles_present = rollup_count()
    vulnerable_present = rollup_count()
    custody_records_examined = rollup_count()
    tact_visits = rollup_count()
    concerns_raised = rollup_count()
    concerns_open = rollup_count()
    detainees_present = rollup_count()
    detainees_offered = rollup_count()
    detainees_seen = rollup_count()
    detainees_refused = rollup_count()
    detainees_not_offered = rollup_count()
    detainees_unavailable = rollup_count()
    detainees_observed = rollup_count()

    class Meta:
        constraints = rollup_key("sitetotals")
        indexes = [models.Index(fields=["scheme", "grain", "starts_on"], name="sitetotals_period_idx")]


class SiteProfileTotals(RollupRow):
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=64)
    count = rollup_count()

    class Meta:
        constraints = rollup_key("siteprofiletotals", "dimension", "value")
        indexes = [models.Index(fields=["scheme", "grain", "starts_on"], name="siteprofiletotals_period_idx")]


class SiteIssueTotals(RollupRow):
    category = models.ForeignKey(IssueCategory, on_delete=models.CASCADE, related_name="+")
    raised = rollup_count()
    resolved_during_visit = rollup_count()

    class Meta:
        constraints = rollup_key("siteissuetotals", "category")
        indexes = [models.Index(fields=["scheme", "grain", "starts_on"], name="siteissuetotals_period_idx")]
