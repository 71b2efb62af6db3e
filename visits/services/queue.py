"""The one seam between the services and the task queue: a service names the task it wants run and
its arguments, and never imports the tasks module (which calls the services), so the import graph
has no circle. A task is looked up in the Celery app's registry by its name, so the laptop demo's
in-process setting (CELERY_TASK_ALWAYS_EAGER) applies as it would to the task itself."""

from celery import current_app
from django.db import transaction


class QueueUnavailable(Exception):
    """The broker did not take the task, so nothing was queued."""


def enqueue(task_name: str, *args) -> None:
    """Queue the named task (e.g. "visits.notification_send") with its arguments now. Raises the
    broker's error (kombu's OperationalError) when it is down: callers decide what that means."""
    current_app.tasks[task_name].delay(*args)


def enqueue_on_commit(task_name: str, *args, robust: bool = False) -> None:
    """Queue the named task once the current transaction commits (at once outside one). `robust`:
    a broker that is down is logged, not raised, where something else (the sweep) will do it later."""

    def send() -> None:  # a named function: Django logs a robust callback's failure by its name
        enqueue(task_name, *args)

    transaction.on_commit(send, robust=robust)
