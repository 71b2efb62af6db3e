"""A user's refresh tokens die with the credentials they were issued for, whichever way those change:
the API, the admin, `manage.py changepassword`, a manager's reset or deactivation."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import services
from .models import User

CREDENTIALS = {"password", "is_active"}


@receiver(pre_save, sender=User)
def _note_credentials_change(sender, instance: User, update_fields=None, raw=False, **kwargs):
    instance._revoke_tokens = False
    if raw or instance.pk is None or (update_fields is not None and not CREDENTIALS & set(update_fields)):
        return
    stored = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is not None:
        instance._revoke_tokens = (stored["password"] != instance.password
                                   or (stored["is_active"] and not instance.is_active))


@receiver(post_save, sender=User)
def _revoke_tokens_after_credentials_change(sender, instance: User, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        services.user_tokens_revoke(user=instance)
