"""The throttle on signing in and on asking for a password reset, by account and by address, for the
API's token endpoint and the desk's forms alike: one count per account and per address, whichever
door a guesser knocks on."""

import hashlib
import logging
import math

from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


def too_many(seconds: float) -> str:
    """The same words whether or not the account exists, so the answer tells a guesser nothing."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("Too many attempts; try again in %(minutes)s minute.",
                    "Too many attempts; try again in %(minutes)s minutes.", minutes) % {"minutes": minutes}


class _SignInThrottle(SimpleRateThrottle):
    """Counts every attempt, right or wrong. A cache that is down lets the attempt through (and says
    so in the log): signing in matters more than slowing a guesser during a Redis outage."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("sign-in throttle skipped: the cache is not answering", exc_info=True)
            return True


class SignInAddressThrottle(_SignInThrottle):
    scope = "sign-in-address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInAccountThrottle(_SignInThrottle):
    """Keyed by the name typed, existing or not, in any case (so `Bob` and `bob` share one count)."""

    scope = "sign-in-account"
    field = "username"

    def get_cache_key(self, request, view):
        # The API's parsed body, or a desk form's.
        sent = request.data if hasattr(request, "data") else request.POST
        name = sent.get(self.field) if hasattr(sent, "get") else None
        if not isinstance(name, str) or not name.strip():
            return None  # nothing to count against: the form refuses the request
        digest = hashlib.sha256(name.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class PasswordResetAccountThrottle(SignInAccountThrottle):
    """Keyed by the e-mail address typed, so nobody fills one inbox with reset links."""

    scope = "password-reset-account"
    field = "email"


SIGN_IN = (SignInAddressThrottle, SignInAccountThrottle)
PASSWORD_RESET = (SignInAddressThrottle, PasswordResetAccountThrottle)


def attempt_wait(request, throttles) -> float | None:
    """Count one attempt against each throttle, as DRF's views do: None when every throttle lets it
    through, else the seconds to wait before the next."""
    waits = []
    for throttle in (cls() for cls in throttles):
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or throttle.duration)
    return max(waits, default=None)
