"""Writes about people: accounts, roles, and analysts' grants."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Language,
    Role,
    User,
)
from .register import training_flag_set

# Version 1's training flags, kept as records of these courses.
TRAINING_FLAGS = {"tact_trained": "tact", "animal_welfare_trained": "animal_welfare"}


def _flags_pop(fields: dict) -> dict[str, bool]:
    return {key: fields.pop(flag) for flag, key in TRAINING_FLAGS.items() if flag in fields}


def _flags_set(user: User, flags: dict[str, bool], by: User | None) -> None:
    for key, trained in flags.items():
        training_flag_set(volunteer=user, key=key, trained=trained, by=by)
    if flags:
        user.__dict__.pop("training_rows", None)  # read before the change: `is_trained` reads it again


def _check_sites(user: User, sites) -> None:
    if sites and user.role != Role.CUSTODY:
        raise ValidationError({"sites": [_("Only custody staff answer for sites.")]})
    foreign = sorted(site.pk for site in sites if site.scheme_id != user.scheme_id)
    if foreign:
        raise ValidationError({"sites": [_("Not sites of this person's scheme: %(ids)s.") % {"ids": ", ".join(map(str, foreign))}]})


@transaction.atomic
def user_create(*, password: str, schemes=(), sites=(), by: User | None = None, **fields) -> User:
    flags = _flags_pop(fields)
    user = User(**fields)
    _check_sites(user, sites)
    # Managers use the admin for their own scheme (it scopes them there).
    user.is_staff = user.is_staff or user.role == Role.MANAGER
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if schemes:
        user.schemes.set(schemes)
    if sites:
        user.sites.set(sites)
    _flags_set(user, flags, by)
    return user


def _granted(*, by: User, fields: dict) -> dict:
    """What `by` may set on an account: a superuser places anyone (an analyst in no scheme, granted
    schemes instead); a manager only people of their own scheme, and never grants schemes."""
    if by.is_superuser:
        if fields.get("role") == Role.ANALYST and fields.get("scheme"):
            raise ValidationError({"scheme": [_("An analyst belongs to no scheme; grant schemes with 'schemes'.")]})
        if fields.get("role") not in (None, Role.ANALYST) and "scheme" in fields and fields["scheme"] is None:
            raise ValidationError({"scheme": [_("Name the scheme this person belongs to.")]})
        return fields
    if fields.get("role") == Role.ANALYST or fields.get("schemes"):
        raise ValidationError({"role": [_("Only a superuser creates analysts and grants schemes.")]})
    return {**fields, "scheme": by.scheme}


def user_add(*, by: User, fields: dict) -> User:
    """A manager adds a person to their scheme; a superuser anyone anywhere."""
    fields = _granted(by=by, fields=fields)
    if not fields.get("password"):
        raise ValidationError({"password": [_("Set a password.")]})
    if fields.get("role") != Role.ANALYST and fields.get("scheme") is None:
        raise ValidationError({"scheme": [_("Name the scheme this person belongs to.")]})
    return user_create(by=by, **fields)


@transaction.atomic
def user_update(*, user: User, by: User, fields: dict) -> User:
    """Change an account. A new role brings its admin access with it: a manager is staff (the
    admin scopes them to their scheme), anyone else is not, unless a superuser."""
    fields = _granted(by=by, fields=fields)
    password = fields.pop("password", None)
    schemes = fields.pop("schemes", None)
    sites = fields.pop("sites", None)
    flags = _flags_pop(fields)
    role_before = user.role
    for name, value in fields.items():
        setattr(user, name, value)
    if user.role != role_before:
        user.is_staff = user.is_superuser or user.role == Role.MANAGER
    if password:
        user.set_password(password)
    _check_sites(user, user.sites.all() if sites is None else sites)
    user.save()
    if schemes is not None:
        user.schemes.set(schemes)
    if sites is not None:
        user.sites.set(sites)
    _flags_set(user, flags, by)
    return user


def user_tokens_revoke(*, user: User) -> int:
    """Blacklist every refresh token the user still holds, so that no phone or browser signed in
    before a password change, a reset or a deactivation can get a new access token with it."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    held = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    return len(BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in held],
                                                    ignore_conflicts=True))


def user_language_set(*, user: User, language: str) -> User:
    """A person chooses the language of their pages and e-mails (English or Welsh)."""
    if language not in Language.values:
        raise ValidationError({"language": [_("Choose one of: %(values)s.") % {"values": ", ".join(Language.values)}]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
