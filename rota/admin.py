from django.contrib import admin

from visits.admin import SuperuserOnlyAdmin

from .models import RotaSettings


@admin.register(RotaSettings)
class RotaSettingsAdmin(SuperuserOnlyAdmin):
    """A scheme's rota rules, for a superuser; a scheme without a row has the defaults."""

    list_display = ["scheme", "availability_period", "monthly_cap", "repeat_pair_weight", "reminder_days"]
