from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Recommendation(models.Model):
    """One run of the recommender for a site: every cell of its grid ranked over a window of
    past visits, and a plan of concrete dates and bands for the coming week (or month), drawn at
    random, with how predictable that draw was."""

    site = models.ForeignKey("visits.Site", on_delete=models.CASCADE, related_name="recommendations")
    request_key = models.CharField(
        max_length=100, unique=True, editable=False,
        help_text=_("Names the request, so a task delivered twice stores one recommendation."),
    )
    window_from = models.DateField()
    window_to = models.DateField()
    plan_from = models.DateField()
    plan_to = models.DateField()
    generated_at = models.DateTimeField(default=timezone.now)
    cells = models.JSONField(help_text=_('[{"day", "band", "visits_in_window", "rank", "last_visit_at", "handover"}]'))
    plan = models.JSONField(help_text=_('[{"date", "day", "band", "rank", "handover", "probability"}]'))
    drawn_probability = models.FloatField(
        null=True, blank=True,
        help_text=_("The chance the drawn plan had (the most likely of its visits, when it has several); "
                  "none without a plan."),
    )
    largest_probability = models.FloatField(
        null=True, blank=True,
        help_text=_("The largest chance of any cell in the distribution the plan was drawn from: the best an "
                  "observer who knows the rules and every visit could do at naming the planned cell."),
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["site", "-generated_at"], name="recommendation_latest_idx")]

    def __str__(self):
        return f"Recommendation for {self.site} at {self.generated_at:%Y-%m-%d %H:%M}"
