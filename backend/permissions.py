from rest_framework import permissions

SAFE = permissions.SAFE_METHODS


class RolePermission(permissions.IsAuthenticated):
    """A view names the roles that may read it and those that may write to it.

    Objects outside the caller's querysets answer 404 by the querysets themselves, so this
    only decides whether the role may use the endpoint at all (403 when not).
    """

    message = "Your role may not do this."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        user = request.user
        if user.is_superuser:
            return True
        roles = view.read_roles if request.method in SAFE else view.write_roles
        return user.role in roles
