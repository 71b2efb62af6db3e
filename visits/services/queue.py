"""What a service raises when the task queue did not take its follow-up."""




class QueueUnavailable(Exception):
    """The broker did not take the task, so nothing was queued."""
