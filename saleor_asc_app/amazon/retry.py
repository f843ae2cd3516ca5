"""Exponential backoff with jitter and a bounded total time, on an injectable clock and RNG."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    # Upper bound on the time spent in attempts and backoff sleeps (rate-limiter waits excluded:
    # they are the usage plan, not a failure).
    max_total: float = 300.0

    def delay(self, retry_number: int, rng: random.Random) -> float:
        """Backoff before retry number `retry_number` (1-based): "equal jitter" in [d/2, d]."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass
class RetryBudget:
    """Tracks one call's attempts against its policy."""

    policy: RetryPolicy
    rng: random.Random
    started: float
    attempts: int = 0
    excluded: float = 0.0  # seconds spent waiting for rate-limit tokens
    _last_delay: float = field(default=0.0, repr=False)

    def next_delay(self, now: float, at_least: float = 0.0) -> float | None:
        """The backoff before the next attempt, or None when the budget is spent."""
        if self.attempts >= self.policy.max_attempts:
            return None
        delay = max(at_least, self.policy.delay(self.attempts, self.rng))
        spent = now - self.started - self.excluded
        if spent + delay > self.policy.max_total:
            return None
        self._last_delay = delay
        return delay
