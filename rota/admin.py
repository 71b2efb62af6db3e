from django.contrib import admin

from .models import RotaSettings


@admin.register(RotaSettings)
class RotaSettingsAdmin(admin.ModelAdmin):
    """A scheme's rota rules, for a superuser; a scheme without a row has the defaults."""

    list_display = ["scheme", "availability_period", "monthly_cap", "repeat_pair_weight", "reminder_days"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
