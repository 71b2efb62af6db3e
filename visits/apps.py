from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Schemes, people and visit reports")

    def ready(self):
        from . import (
            signals,  # noqa: F401  (connects the token revocation on a credentials change)
            tasks,  # noqa: F401  (registers them, so services.enqueue finds them by name)
        )
