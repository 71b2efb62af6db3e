from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Coverage and recommendations"

    def ready(self):
        from . import tasks  # noqa: F401  (registers them, so services.enqueue finds them by name)
