from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteer register: meetings, cohort, reminders")

    def ready(self):
        from . import tasks  # noqa: F401  (registers them, so the beat schedule finds them by name)
