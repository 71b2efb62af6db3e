from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "KPIs and annual reports"

    def ready(self):
        from . import tasks  # noqa: F401  (registers them, so services.enqueue finds them by name)
