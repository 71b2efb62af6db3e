from django.utils import timezone, translation

from .language import offers_welsh


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


class PersonLanguageMiddleware:
    """A signed-in person's desk pages are in the language they chose; until they choose, LocaleMiddleware's
    choice (the language cookie, then Accept-Language) stands where Welsh is offered, else English.
    The API answers in its own way, so it is left to LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/") and (
                user.language or not offers_welsh(user)):
            translation.activate(user.language_code)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
