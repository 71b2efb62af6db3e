from celery import shared_task

from scheduling.tasks import RETRY

from . import services


@shared_task(name="rota.assign_plans", **RETRY)
def assign_plans(recommendation_ids: list[int]) -> int:
    """Give the plans just drawn their pairs; safe to repeat (one rota plan per site and period)."""
    return services.plans_assign(recommendation_ids=recommendation_ids)


@shared_task(name="rota.refill", **RETRY)
def refill(assignment_id: int) -> bool:
    """Draw who goes in place of a visitor who declined; safe to repeat (only a declined visit is refilled)."""
    return services.assignment_refill(assignment_id=assignment_id)


@shared_task(name="rota.sweep", **RETRY)
def sweep() -> dict:
    """Every few minutes: visits made or missed, plans drawn but not yet given pairs (a message lost on the
    way), declined visits not yet refilled, and the reminders to give availability."""
    return {**services.rota_sweep(), "assigned": services.plans_assign_due(), "refilled": services.refill_due(),
            "reminded": services.availability_remind()}
