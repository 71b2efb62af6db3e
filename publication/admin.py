from django.contrib import admin

from visits.admin import SuperuserOnlyAdmin

from .models import AnnouncedRelease, PublicationSettings, Release


@admin.register(PublicationSettings)
class PublicationSettingsAdmin(SuperuserOnlyAdmin):
    """Hiding a scheme's public page is a superuser's decision; managers publish from their desk."""

    list_display = ("scheme", "slug", "small_count_threshold", "hidden")
    list_editable = ("hidden",)
    readonly_fields = ("revision",)

    def save_model(self, request, obj, form, change):
        # Moves the cached public page and its ETag on, so a hidden page is gone at once.
        obj.revision += 1
        super().save_model(request, obj, form, change)


@admin.register(AnnouncedRelease)
class AnnouncedReleaseAdmin(SuperuserOnlyAdmin):
    list_display = ("scheme", "fy", "quarter", "due_on")


@admin.register(Release)
class ReleaseAdmin(SuperuserOnlyAdmin):
    list_display = ("scheme", "fy", "quarter", "version", "published_at")
    exclude = ("raw",)
    readonly_fields = ("scheme", "fy", "quarter", "date_from", "date_to", "version", "published_at", "published_by",
                       "note", "figures")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
