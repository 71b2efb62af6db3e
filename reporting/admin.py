from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "fy", "quarter", "format", "status", "progress", "rows", "created_at")
    list_filter = ("status", "format", "fy")
    readonly_fields = ("id", "owner", "format", "schemes", "fy", "quarter", "status", "progress", "rows", "file",
                       "error", "created_at", "finished_at")

    def has_add_permission(self, request):
        return False
