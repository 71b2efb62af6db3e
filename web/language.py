"""The desk in each person's language: asked once at sign-in on a scheme that offers Welsh, switched in
one tap from the header, and remembered on the person (and in Django's language cookie, so the sign-in
page after signing out speaks it too)."""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from visits import services
from visits.models import Language, User, django_language


def offers_welsh(user) -> bool:
    """Before signing in the scheme is not known, so both are offered; people who span schemes
    (analysts, staff) are offered both; anyone else on a scheme that offers Welsh, or who chose it."""
    if not user.is_authenticated or user.scheme_id is None:
        return True
    return user.scheme.offers_welsh or user.language == Language.WELSH


def ask_first(user: User, next_url: str) -> str:
    """Where signing in leads: the question of language first, for a person not asked yet."""
    if user.language_to_ask:
        return f"{reverse('web:language')}?{urlencode({'next': next_url})}"
    return next_url


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("web:start")


@require_http_methods(["GET", "POST"])
def language(request):
    """GET: the question (English or Cymraeg?), each answer in its own language. POST: the answer,
    or the header's switch."""
    if request.method == "GET":
        return render(request, "web/language.html", {"next": _safe_next(request, request.GET.get("next")), "asking": True})
    chosen = request.POST.get("language")
    if chosen not in Language.values:
        return HttpResponseBadRequest(gettext("Choose en or cy."))
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=chosen)
    answer = HttpResponseRedirect(_safe_next(request, request.POST.get("next")))
    answer.set_cookie(settings.LANGUAGE_COOKIE_NAME, django_language(chosen),
                      max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600, samesite="Lax",
                      secure=settings.SESSION_COOKIE_SECURE, httponly=True)
    return answer
