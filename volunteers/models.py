"""The volunteer register's features beside the core record: team meetings and their attendance,
the cohort's self-declared answers and the area's population by the same groups."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.models import Scheme, User

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class Meeting(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    duration_hours = models.DecimalField(
        max_digits=4, decimal_places=2, default=2, validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    format = models.CharField(max_length=16, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON)
    attendees = models.ManyToManyField(User, blank=True, related_name="meetings_attended", through="Attendance")

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["scheme", "held_on", "id"]


class Attendance(models.Model):
    """A volunteer was at the meeting (no row: not there)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    volunteer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "volunteer"], name="attendance_once")]


# The groups as the 2021 Census of England and Wales (ONS) counts them, so that the population's
# shares are entered by the same groups; "prefer not to say" is an answer of its own.
class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    ANOTHER = "another", _("Another gender identity")
    PREFER_NOT = PREFER_NOT_TO_SAY, _("Prefer not to say")


class AgeBand(models.TextChoices):
    A18_19 = "18-19", _("18 to 19")
    A20_24 = "20-24", _("20 to 24")
    A25_34 = "25-34", _("25 to 34")
    A35_49 = "35-49", _("35 to 49")
    A50_64 = "50-64", _("50 to 64")
    A65_74 = "65-74", _("65 to 74")
    A75 = "75+", _("75 and over")
    PREFER_NOT = PREFER_NOT_TO_SAY, _("Prefer not to say")


class EthnicGroup(models.TextChoices):
    ASIAN = "asian", _("Asian, Asian British or Asian Welsh")
    BLACK = "black", _("Black, Black British, Black Welsh, Caribbean or African")
    MIXED = "mixed", _("Mixed or Multiple ethnic groups")
    WHITE = "white", _("White")
    OTHER = "other", _("Other ethnic group")
    PREFER_NOT = PREFER_NOT_TO_SAY, _("Prefer not to say")


class HomeArea(models.Model):
    """A scheme's home areas (e.g. Leicester, Leicestershire, Rutland): its data, not code."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="home_areas")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("home area")
        verbose_name_plural = _("home areas")
        ordering = ["scheme", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "slug"], name="home_area_slug_unique_in_scheme")]

    def __str__(self):
        return self.name


class Profile(models.Model):
    """A volunteer's own answers, each optional (empty: not answered). Only they and their
    scheme's managers see it; deleted when a leaver is anonymised."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="cohort_profile")
    gender = models.CharField(max_length=32, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=32, choices=AgeBand.choices, blank=True)
    ethnic_group = models.CharField(max_length=32, choices=EthnicGroup.choices, blank=True)
    home_area = models.ForeignKey(HomeArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    home_area_withheld = models.BooleanField(default=False, help_text=_("Prefer not to say where they live."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("volunteer's profile")
        verbose_name_plural = _("volunteers' profiles")


class PopulationShare(models.Model):
    """The area's population share (%) of one group of one dimension, from the census."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="population_shares")
    dimension = models.CharField(max_length=32)
    group = models.CharField(max_length=64)
    share_pct = models.DecimalField(max_digits=5, decimal_places=2,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("population share")
        verbose_name_plural = _("population shares")
        ordering = ["scheme", "dimension", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "dimension", "group"], name="population_share_once")]


class Anonymisation(models.Model):
    """A leaver whose personal details were replaced, once their scheme's keeping time had passed."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="anonymisation")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
