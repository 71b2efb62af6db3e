"""The rota: when visitors can go (availability, leave), and each planned visit given to a pair."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AvailabilityPeriod(models.TextChoices):
    QUARTER = "quarter", _("A quarter")
    MONTH = "month", _("A month")


class RotaSettings(models.Model):
    """A scheme's rota rules. A scheme without a row has the defaults (`selectors.settings_for`)."""

    scheme = models.OneToOneField("visits.Scheme", on_delete=models.CASCADE, related_name="rota_settings")
    availability_period = models.CharField(
        max_length=8, choices=AvailabilityPeriod.choices, default=AvailabilityPeriod.QUARTER,
        help_text=_("How long each availability a visitor gives lasts: a financial quarter or a calendar month."),
    )
    monthly_cap = models.PositiveSmallIntegerField(
        default=4, help_text=_("The most visits a visitor is given in a calendar month."),
    )
    repeat_pair_weight = models.FloatField(
        default=0.1,
        help_text=_("The chance of a pair who went together last time, relative to any other pair (0 to 1)."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Days before a period starts to remind visitors who have not given their availability."),
    )

    class Meta:
        verbose_name = _("rota settings")
        verbose_name_plural = _("rota settings")


class Availability(models.Model):
    """The cells (custody grid days × bands) a visitor can usually do in one period, and their leave."""

    scheme = models.ForeignKey("visits.Scheme", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_from = models.DateField()
    period_to = models.DateField()
    cells = models.JSONField(default=list, help_text=_('[{"day": "monday", "band": "08:00-11:59"}, ...]'))
    leave = models.JSONField(default=list, help_text=_('Dates they cannot go: ["2024-07-03", ...]'))
    by_email = models.BooleanField(default=False, help_text=_("Also tell them of the visits they are given by e-mail."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        ordering = ["period_from", "visitor_id"]
        constraints = [models.UniqueConstraint(fields=["visitor", "period_from"], name="availability_once_per_period")]


class State(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    MADE = "made", _("Made")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (State.PROPOSED, State.ACCEPTED, State.DECLINED)


class DeclineReason(models.TextChoices):
    UNWELL = "unwell", _("I am unwell")
    AWAY = "away", _("I am away")
    COMMITMENT = "commitment", _("Work or family")
    OTHER = "other", _("Another reason")


class RotaPlan(models.Model):
    """A site's plan period as the rota took it: assigned once, whatever number of plans are drawn for it,
    with the cells it had to drop because nobody available could go."""

    site = models.ForeignKey("visits.Site", on_delete=models.CASCADE, related_name="+")
    plan_from = models.DateField()
    plan_to = models.DateField()
    recommendation = models.ForeignKey("scheduling.Recommendation", null=True, on_delete=models.SET_NULL,
                                       related_name="+")
    unfilled = models.JSONField(default=list, help_text=_('Cells nobody could go to: [{"day", "band", "date"}]'))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "plan_from"], name="rota_plan_once_per_period")]


class Assignment(models.Model):
    """One planned visit given to a pair of visitors."""

    scheme = models.ForeignKey("visits.Scheme", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("visits.Site", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(RotaPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments")
    date = models.DateField()
    band = models.CharField(max_length=11)
    # The week (custody) or month (animal unit) in which a report by one of the pair makes it.
    window_from = models.DateField()
    window_to = models.DateField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Seat", related_name="+")
    custody_visit = models.ForeignKey("visits.CustodyVisit", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    animal_visit = models.ForeignKey("visits.AnimalVisit", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["date", "band", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "date", "band"], name="assignment_once_per_planned_visit")]
        indexes = [models.Index(fields=["scheme", "state", "date"], name="assignment_state_idx")]

    @property
    def report_id(self) -> int | None:
        return self.custody_visit_id or self.animal_visit_id


class Seat(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="seats")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "visitor"], name="seat_once_per_visitor")]


class Decline(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="declines")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=DeclineReason.choices)
    at = models.DateTimeField(default=timezone.now)
