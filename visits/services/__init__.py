"""Writes: every rule about storing schemes, people, reports and issues lives here, once, split by
concern. Callers use `from visits import services` and the names below."""

from .issues import category_add, category_update, issue_close, issue_reopen, issue_respond
from .notifications import (
    issues_overdue_notify,
    message_id,
    message_notify,
    notification_deliver,
    notifications_health,
    notifications_pending,
)
from .people import user_add, user_create, user_language_set, user_tokens_revoke, user_update
from .queue import QueueUnavailable, enqueue, enqueue_on_commit
from .register import (
    course_save,
    courses_create_default,
    training_flag_set,
    training_record_add,
    volunteer_update,
)
from .reports import (
    PROFILE_DIMENSIONS,
    DuplicateConflict,
    ReportLocked,
    concern_mark_handled,
    report_lock_reason,
    report_submit,
    report_update,
)
from .schemes import (
    scheme_create,
    scheme_reports_rederive,
    scheme_update,
    schemes_rederive_due,
    site_save,
    timeslots_recompute,
)

__all__ = [
    "PROFILE_DIMENSIONS", "DuplicateConflict", "QueueUnavailable", "ReportLocked",
    "category_add", "course_save", "courses_create_default", "training_flag_set", "training_record_add",
    "volunteer_update", "category_update", "concern_mark_handled", "issue_close", "issue_reopen", "issue_respond",
    "enqueue", "enqueue_on_commit", "issues_overdue_notify", "message_id", "message_notify", "notification_deliver", "notifications_health", "notifications_pending",
    "report_lock_reason", "report_submit", "report_update",
    "scheme_create", "scheme_reports_rederive", "scheme_update", "schemes_rederive_due", "site_save", "timeslots_recompute",
    "user_add", "user_create", "user_language_set", "user_tokens_revoke", "user_update",
]
