"""What a job handler raises to steer the queue. Any other exception is a transient failure (retried)."""

from __future__ import annotations


class RetryJob(Exception):
    """Run again after ``delay`` seconds; ``count_attempt=False`` for waits that are not failures
    (rate limits, a paused Amazon connection)."""

    def __init__(self, reason: str, *, delay: float, count_attempt: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
        self.count_attempt = count_attempt


class PermanentJobError(Exception):
    """Retrying cannot help: the job goes to the dead-letter state at once with this message."""
