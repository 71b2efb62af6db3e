from django.utils import timezone


class SchemeTimeMiddleware:
    """Pages show times in the signed-in person's scheme's zone (analysts, who span schemes, in UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.scheme_id is not None:
            timezone.activate(user.scheme.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
