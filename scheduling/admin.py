from django.contrib import admin

from visits.admin import ManagerScopedAdmin

from .models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(ManagerScopedAdmin):
    """Read-only: recommendations are made by the recommender, never by hand."""

    scheme_path = "site__scheme"
    list_display = ["site", "generated_at", "window_from", "window_to", "plan_from", "plan_to", "largest_probability",
                    "requested_by"]
    list_filter = ["site__kind"]
    list_select_related = ["site", "requested_by"]
    readonly_fields = ["site", "request_key", "window_from", "window_to", "plan_from", "plan_to", "generated_at",
                       "cells", "plan", "drawn_probability", "largest_probability", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
