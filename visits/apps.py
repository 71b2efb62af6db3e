from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Schemes, people and visit reports"

    def ready(self):
        from . import (
            signals,  # noqa: F401  (connects the token revocation on a credentials change)
            tasks,  # noqa: F401  (registers them, so services.enqueue finds them by name)
        )
