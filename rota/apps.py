from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    verbose_name = "Rota"

    def ready(self):
        from kombu.exceptions import OperationalError

        from scheduling.signals import plans_drawn
        from visits.services import enqueue

        from . import tasks  # noqa: F401  (registers them, so services.enqueue finds them by name)

        def assign(sender, recommendation_ids, **kwargs):
            # Sent after the plans' commit; a broker that is down leaves them to the sweep.
            try:
                enqueue("rota.assign_plans", list(recommendation_ids))
            except OperationalError:  # the broker is down: the sweep finds the plans without pairs
                return

        plans_drawn.connect(assign, weak=False, dispatch_uid="rota.assign_plans")
