"""Token buckets per seller × operation, the algorithm Amazon documents for its usage plans.

A bucket holds up to `burst` tokens and gains `rate` tokens a second; each request spends one.
The client *reserves* a token before sending and sleeps until it exists, so concurrent callers
queue in order instead of provoking 429s. The simulator uses the same bucket with `try_take`.

Amazon's limits are per seller and application, so a bucket is keyed by seller, region and operation. `RateLimiter`
keeps them in memory (one process: SQLite, tests); `amazon/shared_budget.py` keeps them in PostgreSQL so that every
worker spends from one budget. Both satisfy `RateBudget`, which is what the transport uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from saleor_asc_app.amazon.operations import ALL_OPERATIONS, Operation
from saleor_asc_app.clock import Clock
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

# Float refills can land a hair below a whole token exactly when the token is due.
_EPSILON = 1e-9


@dataclass
class TokenBucket:
    rate: float
    burst: float
    tokens: float
    updated: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> TokenBucket:
        return cls(rate=rate, burst=burst, tokens=float(burst), updated=now)

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def try_take(self, now: float) -> bool:
        """Spend a token if one is available now (server side)."""
        self.refill(now)
        if self.tokens >= 1.0 - _EPSILON:
            self.tokens -= 1.0
            return True
        return False

    def reserve(self, now: float) -> float:
        """Claim the next token, even a future one; return how long to wait for it (client side)."""
        self.refill(now)
        self.tokens -= 1.0
        if self.tokens >= -_EPSILON:
            return 0.0
        return -self.tokens / self.rate

    def drain(self, now: float) -> None:
        """Amazon said 429: assume the bucket is empty now."""
        self.refill(now)
        self.tokens = min(self.tokens, 0.0)

    def seconds_until_token(self, now: float) -> float:
        self.refill(now)
        return 0.0 if self.tokens >= 1.0 - _EPSILON else (1.0 - self.tokens) / self.rate


@dataclass(frozen=True, slots=True)
class RateLimit:
    rate: float
    burst: int


DEFAULT_LIMITS: Mapping[str, RateLimit] = {name: RateLimit(op.rate, op.burst) for name, op in ALL_OPERATIONS.items()}


class RateBudget(Protocol):
    """What the transport needs from a limiter; `region` separates a seller's buckets in different regions."""

    async def acquire(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        """Reserve the next token and wait for it; return the seconds waited."""
        ...

    async def wait_time(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        """Seconds until a token is free (0: call now), without taking one."""
        ...

    async def observe_rate(
        self, seller_id: str, operation: Operation | str, header: str | None, *, region: str = ""
    ) -> None:
        """Apply a response's `x-amzn-RateLimit-Limit` (requests per second) to the bucket."""
        ...

    async def throttled(self, seller_id: str, operation: Operation | str, *, region: str = "") -> None:
        """Amazon answered 429: nobody spends from this bucket until it refills."""
        ...

    def rate_of(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        """The bucket's rate as last seen by this process."""
        ...


def limit_of(limits: Mapping[str, RateLimit], operation: Operation | str) -> RateLimit:
    name = bucket_name(operation)
    limit = limits.get(name)
    if limit is None:
        if isinstance(operation, str):
            raise KeyError(f"no rate limit known for operation {name}")
        limit = RateLimit(operation.rate, operation.burst)
    return limit


def parse_rate(header: str | None) -> float | None:
    """The rate an `x-amzn-RateLimit-Limit` header gives, or None when absent or not a positive number."""
    if not header:
        return None
    try:
        rate = float(header)
    except ValueError:
        return None
    return rate if rate > 0 and rate != float("inf") else None


class RateLimiter:
    """In-memory limiter shared by every client of the process (one per app, not per seller).

    `safety_margin` seconds are added to every wait so that small clock differences with Amazon
    never turn a just-in-time request into a 429.
    """

    def __init__(
        self,
        clock: Clock,
        limits: Mapping[str, RateLimit] | None = None,
        *,
        safety_margin: float = 0.05,
    ) -> None:
        self._clock = clock
        self._limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._margin = safety_margin
        self._buckets: dict[tuple[str, str, str], TokenBucket] = {}

    def _bucket(self, seller_id: str, operation: Operation | str, region: str = "") -> TokenBucket:
        key = (seller_id, region, bucket_name(operation))
        bucket = self._buckets.get(key)
        if bucket is None:
            limit = limit_of(self._limits, operation)
            bucket = TokenBucket.full(limit.rate, limit.burst, self._clock.monotonic())
            self._buckets[key] = bucket
        return bucket

    async def acquire(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        """Wait for a token; return the seconds waited."""
        bucket = self._bucket(seller_id, operation, region)
        wait = bucket.reserve(self._clock.monotonic())
        if wait > 0:
            wait += self._margin
            await self._clock.sleep(wait)
        return wait

    async def wait_time(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        return self._bucket(seller_id, operation, region).seconds_until_token(self._clock.monotonic())

    async def observe_rate(
        self, seller_id: str, operation: Operation | str, header: str | None, *, region: str = ""
    ) -> None:
        """Apply the `x-amzn-RateLimit-Limit` header (requests per second) of a response."""
        rate = parse_rate(header)
        if rate is None:
            return
        bucket = self._bucket(seller_id, operation, region)
        if abs(bucket.rate - rate) > 1e-12:
            bucket.refill(self._clock.monotonic())
            log.debug(
                "spapi.rate_limit.updated",
                seller_id=seller_id,
                operation_name=bucket_name(operation),
                rate=rate,
            )
            bucket.rate = rate

    async def throttled(self, seller_id: str, operation: Operation | str, *, region: str = "") -> None:
        self._bucket(seller_id, operation, region).drain(self._clock.monotonic())

    def rate_of(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        return self._bucket(seller_id, operation, region).rate


def bucket_name(operation: Operation | str) -> str:
    return operation if isinstance(operation, str) else operation.name
