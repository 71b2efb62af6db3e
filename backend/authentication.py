"""The API's JWT check. A module of its own: DRF imports it while importing its views, so it
imports none of them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from visits.db import selected_once, stand_in


def _user_with_scheme(user_model):
    return user_model.objects.select_related("scheme").filter(**{api_settings.USER_ID_FIELD: stand_in(0)})


# Read on every request: compiling it took longer than the database took to answer.
_user_read = selected_once(_user_with_scheme)


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's, reading the user with their scheme in the same query: a report, a list or a
    figure asks for the sender's scheme next, and would read it on its own. The read is compiled once."""

    def get_user(self, validated_token):
        # simplejwt 5.5's get_user, but for the select_related.
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as e:
            raise InvalidToken(_("Token contained no recognizable user identification")) from e
        # simplejwt writes the id as text; anything but a plain number is left to the ORM to refuse as it does.
        if not (isinstance(user_id, str) and user_id.isascii() and user_id.isdigit() and len(user_id) < 19):
            return super().get_user(validated_token)
        [user] = _user_read(self.user_model, values=[int(user_id)]) or [None]
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and (
                validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class JWTAuthenticationScheme(SimpleJWTScheme):
    """In the schema it is simplejwt's bearer token, as before."""

    target_class = JWTAuthentication
