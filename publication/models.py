"""A scheme's public statistics: its publication settings and release calendar, and its releases,
each a frozen, disclosure-controlled snapshot of a completed quarter or financial year."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.models import Scheme
from visits.periods import Period, fy_label, fy_period

YEAR = 0  # `quarter` of a release of the whole financial year


class PublicationSettings(models.Model):
    """How a scheme publishes: the address of its public page, the smallest count shown, and
    whether a superuser has hidden the page. `revision` moves on every change a public page
    shows (a release, a calendar date), so a cached page and its ETag follow it."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="publication")
    slug = models.SlugField(max_length=80, unique=True, help_text=_("The public page's address: /public/<slug>/."))
    small_count_threshold = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_("Counts of people from 1 to one less than this are shown as 'fewer than' it, never as a number."),
    )
    hidden = models.BooleanField(default=False, help_text=_("Set by a superuser: the public page and its files answer 404."))
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("publication settings")
        verbose_name_plural = _("publication settings")

    def __str__(self):
        return self.slug


class AnnouncedRelease(models.Model):
    """The release calendar: the date a period's figures will be published, announced in advance."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="announced_releases")
    due_on = models.DateField(help_text=_("Date the figures will be published."))
    fy = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(default=YEAR, validators=[MaxValueValidator(4)],
                                               help_text=_("1 to 4; 0 for the whole financial year."))

    class Meta:
        ordering = ["due_on", "fy", "quarter"]
        verbose_name = _("announced release")
        verbose_name_plural = _("announced releases")
        constraints = [models.CheckConstraint(name="announced_release_quarter_0_to_4", condition=models.Q(quarter__lte=4))]

    @property
    def period_label(self) -> str:
        return period_label(self.fy, self.quarter)


class Release(models.Model):
    """One published version of a period's figures. `figures` is what the public sees, frozen when
    published; `raw` keeps the uncontrolled counts it was built from, read only by later releases'
    disclosure control (so that no hidden count can be differenced out of two releases), never served."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="releases")
    fy = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(default=YEAR)
    date_from = models.DateField()
    date_to = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    note = models.TextField(blank=True, help_text=_("What changed from the previous version."))
    figures = models.JSONField()
    raw = models.JSONField()

    class Meta:
        ordering = ["-date_to", "quarter", "-version"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "fy", "quarter", "version"], name="release_version_unique"),
            models.CheckConstraint(name="release_quarter_0_to_4", condition=models.Q(quarter__lte=4)),
        ]

    def __str__(self):
        return f"{self.scheme} {self.period_label} v{self.version}"

    @property
    def period(self) -> Period:
        return Period(self.date_from, self.date_to)

    @property
    def period_label(self) -> str:
        return period_label(self.fy, self.quarter)

    @property
    def is_year(self) -> bool:
        return self.quarter == YEAR


def period_label(fy: int, quarter: int) -> str:
    """"2024/25" for a year, "2024/25 Q2" for a quarter."""
    return fy_label(fy) if quarter == YEAR else f"{fy_label(fy)} Q{quarter}"


def release_period(fy: int, quarter: int) -> Period:
    return fy_period(fy, None if quarter == YEAR else quarter)
