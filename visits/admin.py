from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    WELFARE_NEEDS,
    AnimalVisit,
    CustodyVisit,
    IssueCategory,
    IssueEvent,
    Notification,
    ReportCorrection,
    Role,
    Scheme,
    SeenProfileCount,
    Site,
    SiteActivityChange,
    User,
    VisitIssue,
)


def is_manager(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.role == Role.MANAGER and user.scheme_id is not None


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """What only a superuser decides (a feature's settings for a scheme, hiding its public page)."""

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


class ManagerScopedAdmin(admin.ModelAdmin):
    """A manager (staff, role manager) works on their own scheme's rows; a superuser on all.
    `scheme_path` is the lookup from the model to its scheme."""

    scheme_path = "scheme"
    manager_can_delete = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if is_manager(request):
            return qs.filter(**{self.scheme_path: request.user.scheme_id})
        return qs.none()

    def has_module_permission(self, request):
        return request.user.is_superuser or is_manager(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or is_manager(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or is_manager(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser or (self.manager_can_delete and is_manager(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.name == "scheme":
            kwargs["queryset"] = Scheme.objects.filter(pk=request.user.scheme_id)
        elif not request.user.is_superuser and db_field.name in ("site", "category"):
            kwargs["queryset"] = db_field.related_model.objects.filter(scheme_id=request.user.scheme_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Scheme)
class SchemeAdmin(ManagerScopedAdmin):
    scheme_path = "pk"
    list_display = ["name", "timezone", "weekly_target", "hourly_rate", "min_visitors"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            # `obj` already holds the new values: the service compares against the stored row.
            services.scheme_update(scheme=Scheme.objects.get(pk=obj.pk),
                                   fields={name: getattr(obj, name) for name in form.changed_data})
        else:
            fields = {f: form.cleaned_data[f] for f in form.cleaned_data}
            form.instance = services.scheme_create(**fields)
            obj.pk = form.instance.pk


class SiteActivityChangeInline(admin.TabularInline):
    model = SiteActivityChange
    extra = 0
    fields = ["active", "effective_on", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Site)
class SiteAdmin(ManagerScopedAdmin):
    list_display = ["name", "scheme", "kind", "cells", "active"]
    list_filter = ["kind", "active"]
    inlines = [SiteActivityChangeInline]


@admin.register(IssueCategory)
class IssueCategoryAdmin(ManagerScopedAdmin):
    list_display = ["name", "slug", "scheme", "active"]
    list_filter = ["active"]


@admin.register(User)
class UserAdmin(ManagerScopedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "scheme", "joined_on", "left_on", "is_active"]
    list_filter = ["role", "is_active", "stage"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()),
        (_("Scheme"), {"fields": ("role", "scheme", "schemes", "joined_on", "left_on", "probation_ends_on",
                               "stage")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Scheme"), {"fields": ("role", "scheme")}),)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Managers do not hand out staff or superuser rights, nor analysts' grants.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"]
                                       if f not in ("is_superuser", "groups", "user_permissions", "schemes", "is_staff")]})
            for name, opts in fieldsets
        ]


class IssueInline(admin.TabularInline):
    model = VisitIssue
    extra = 0
    fields = ["category", "description", "resolved_during_visit", "status", "due_on", "force_response"]
    # The way to the force and back goes through the API's operations, which keep the history.
    readonly_fields = ["status", "due_on", "force_response"]


class CorrectionInline(admin.TabularInline):
    model = ReportCorrection
    extra = 0
    readonly_fields = ["corrected_by", "corrected_at", "changes", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ManagerScopedAdmin):
    """Reports and their issues are read here and written only through their services: a correction
    there keeps its trace (who, when, why), the computed cells and the roll-up the KPIs read, and an
    issue's way to the force keeps its history; a form here would keep none of them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportAdmin(ReadOnlyAdmin):
    list_display = ["site", "local_date", "arrived_at", "status", "outcome", "created_by"]
    list_filter = ["status", "outcome", "site"]
    date_hierarchy = "local_date"
    readonly_fields = ["client_uuid", "local_date", "slot_day", "slot_band", "submitted_at", "created_at"]
    filter_horizontal = ["visitors"]


class SeenProfileInline(admin.TabularInline):
    model = SeenProfileCount
    extra = 0


@admin.register(CustodyVisit)
class CustodyVisitAdmin(ReportAdmin):
    list_display = ReportAdmin.list_display + ["access_band", "detainees_present", "tact", "concern_raised"]
    list_filter = ReportAdmin.list_filter + ["tact", "concern_raised"]
    # A concern is raised on the report and handled through the API, so its trace is not edited here.
    readonly_fields = ReportAdmin.readonly_fields + [
        "access_delay_minutes", "access_band", "concern_raised", "concern_details", "concern_handled_at",
        "concern_handled_by", "concern_handled_note",
    ]
    inlines = [SeenProfileInline, IssueInline, CorrectionInline]


@admin.register(AnimalVisit)
class AnimalVisitAdmin(ReportAdmin):
    readonly_fields = ReportAdmin.readonly_fields + [f"welfare_{need}" for need in WELFARE_NEEDS]
    inlines = [IssueInline, CorrectionInline]


class IssueEventInline(admin.TabularInline):
    model = IssueEvent
    extra = 0
    fields = readonly_fields = ("at", "by", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VisitIssue)
class VisitIssueAdmin(ReadOnlyAdmin):
    list_display = ["category", "description", "site", "raised_on", "status", "due_on", "resolved_during_visit"]
    list_filter = ["status", "category"]
    readonly_fields = ["site", "raised_on", "status", "due_on", "force_response", "by_telephone", "responded_by",
                       "responded_at", "reminded_at"]
    inlines = [IssueEventInline]


@admin.register(ReportCorrection)
class ReportCorrectionAdmin(ManagerScopedAdmin):
    scheme_path = "scheme"
    list_display = ["corrected_at", "corrected_by", "custody_visit", "animal_visit", "reason"]
    readonly_fields = ["custody_visit", "animal_visit", "corrected_by", "corrected_at", "changes", "reason"]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["to_email", "kind", "subject", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "scheme", "issues", "dedupe_key", "to_email", "subject", "body", "created_at",
                       "claimed_until", "next_attempt_at", "sent_at", "failed_at", "attempts", "last_error"]
