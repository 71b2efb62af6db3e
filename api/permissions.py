from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

SAFE = permissions.SAFE_METHODS


class RolePermission(permissions.IsAuthenticated):
    """A view names the roles that may read it and those that may write to it.

    On an object's route (`/things/{id}/…`) the object is looked up in what the caller may see
    first, so another scheme's object is a 404 whatever the role; only then does the role decide
    (403). On other routes the role decides at once.
    """

    message = _("Your role may not do this.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if is_object_route(view):
            return True
        return role_allowed(request, view)

    def has_object_permission(self, request, view, obj):
        return role_allowed(request, view)


def is_object_route(view) -> bool:
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return bool(lookup) and lookup in getattr(view, "kwargs", {})


def role_allowed(request, view) -> bool:
    user = request.user
    if user.is_superuser:
        return True
    # A read-only view names no writers: a write to it is refused, never a crash.
    roles = view.read_roles if request.method in SAFE else getattr(view, "write_roles", ())
    return user.role in roles
