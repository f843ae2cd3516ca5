"""One rate budget per seller × region × operation for every worker: token buckets kept in PostgreSQL.

Amazon's limits are per seller and application, not per process: workers pacing themselves independently add up
past the limit and meet 429s. Here each bucket is one `rate_budget` row, and every change is a single atomic
statement in a short transaction of its own (the row lock is held for that statement only). The caller then
sleeps outside any transaction, so waiting for a token never holds a database connection.

- `acquire` refills the row from the time elapsed, reserves the next token (even a future one, as the in-memory
  bucket does) and returns how long to wait: concurrent workers queue on the row instead of provoking 429s.
- `observe_rate` writes a changed `x-amzn-RateLimit-Limit` to the row, so every worker adopts it.
- `throttled` (a 429) empties the row's bucket: every worker waits for it to refill, not only the one throttled.

Time is the injected clock's `now()` in epoch seconds, a scale all processes share (virtual clocks in tests and
benchmarks move it together; real workers rely on synchronised host clocks). The safety margin added to each wait
(larger than the in-process limiter's: a process's delays between taking a token and sending add up across
processes) shifts waits without lowering the rate. Amazon's header tells the rate, never the burst: the burst stays
the usage plan's. Rows are not tenant data (a seller id and numbers, shared by every installation connecting that
seller, as Amazon's limit is): they go when no installation connects the seller in that region any more, not with
one uninstall (``connections/budget_sweep.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from sqlalchemy import Double, String, Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.amazon.operations import Operation
from saleor_asc_app.amazon.ratelimit import (
    DEFAULT_LIMITS,
    RateBudget,
    RateLimit,
    RateLimiter,
    bucket_name,
    limit_of,
    parse_rate,
)
from saleor_asc_app.clock import Clock, external_work
from saleor_asc_app.db.base import Base
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

_EPSILON = 1e-9
# Epoch seconds carry ~0.2 µs of float error and `Clock.now()` whole microseconds, while Amazon counts exactly: a
# caller taking a token is put this far back in time, so a call made the moment its token is due (a job scheduled by
# `wait_time`) waits the safety margin instead of landing a hair before Amazon's bucket holds the token (a 429).
CLOCK_SLACK = 1e-3


class RateBudgetRow(Base):
    """A token bucket shared by every worker: `tokens` as of `updated` (epoch seconds), refilled at `rate`."""

    __tablename__ = "rate_budget"

    seller_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str] = mapped_column(String(200), primary_key=True)
    operation: Mapped[str] = mapped_column(String(100), primary_key=True)
    rate: Mapped[float] = mapped_column(Double)
    burst: Mapped[float] = mapped_column(Double)
    tokens: Mapped[float] = mapped_column(Double)
    updated: Mapped[float] = mapped_column(Double)


_TABLE: Table = RateBudgetRow.__table__  # type: ignore[assignment]
_COLUMNS = _TABLE.c


def _refilled(now: float) -> Any:
    """The row's tokens at `now` (never more than the burst; a clock behind the row's adds nothing)."""
    return func.least(_COLUMNS.burst, _COLUMNS.tokens + func.greatest(0.0, now - _COLUMNS.updated) * _COLUMNS.rate)


class SharedRateLimiter:
    """`RateBudget` on PostgreSQL rows, for several worker processes (and replicas) on one database."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        limits: Mapping[str, RateLimit] | None = None,
        *,
        safety_margin: float = 0.25,
    ) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("the shared rate budget needs PostgreSQL; one process on SQLite uses RateLimiter")
        self._engine = engine
        self._clock = clock
        self._limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._margin = safety_margin
        self._rates: dict[tuple[str, str, str], float] = {}  # as last read from the rows

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        """A short transaction of its own (committed on leaving), during which virtual time stands still."""
        with external_work(self._clock):
            async with self._engine.begin() as connection:
                yield connection

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _key(self, seller_id: str, operation: Operation | str, region: str) -> tuple[str, str, str]:
        return (seller_id, region, bucket_name(operation))

    def _where(self, key: tuple[str, str, str]) -> Any:
        seller_id, region, name = key
        return (_COLUMNS.seller_id == seller_id) & (_COLUMNS.region == region) & (_COLUMNS.operation == name)

    async def acquire(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        key = self._key(seller_id, operation, region)
        limit = limit_of(self._limits, operation)
        now = self._now() - CLOCK_SLACK
        statement = (
            insert(_TABLE)
            .values(
                seller_id=seller_id,
                region=region,
                operation=key[2],
                rate=limit.rate,
                burst=float(limit.burst),
                tokens=float(limit.burst) - 1.0,
                updated=now,
            )
            .on_conflict_do_update(
                index_elements=[_COLUMNS.seller_id, _COLUMNS.region, _COLUMNS.operation],
                set_={
                    "tokens": _refilled(now) - 1.0,
                    "updated": func.greatest(_COLUMNS.updated, now),
                },
            )
            .returning(_COLUMNS.tokens, _COLUMNS.rate, _COLUMNS.updated)
        )
        async with self._transaction() as connection:
            row = (await connection.execute(statement)).one()
        tokens, rate, updated = float(row.tokens), float(row.rate), float(row.updated)
        self._rates[key] = rate
        if tokens >= -_EPSILON:
            return 0.0
        # The token is due when the row's deficit has refilled, counted from the row's time (which a worker whose
        # clock is behind may not have reached yet).
        wait = max(0.0, updated - now) - tokens / rate + self._margin
        await self._clock.sleep(wait)
        return wait

    async def wait_time(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        key = self._key(seller_id, operation, region)
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    select(_COLUMNS.tokens, _COLUMNS.rate, _COLUMNS.updated, _COLUMNS.burst).where(self._where(key))
                )
            ).one_or_none()
        if row is None:
            return 0.0
        tokens, rate, updated, burst = (float(value) for value in row)
        self._rates[key] = rate
        now = self._now()
        tokens = min(burst, tokens + max(0.0, now - updated) * rate)
        if tokens >= 1.0 - _EPSILON:
            return 0.0
        return max(0.0, updated - now) + (1.0 - tokens) / rate

    async def observe_rate(
        self, seller_id: str, operation: Operation | str, header: str | None, *, region: str = ""
    ) -> None:
        rate = parse_rate(header)
        key = self._key(seller_id, operation, region)
        if rate is None or abs(self._rates.get(key, limit_of(self._limits, operation).rate) - rate) <= 1e-12:
            return
        now = self._now()
        async with self._transaction() as connection:
            changed = await connection.execute(
                update(_TABLE)
                .where(self._where(key), _COLUMNS.rate != rate)
                .values(tokens=_refilled(now), updated=func.greatest(_COLUMNS.updated, now), rate=rate)
            )
        self._rates[key] = rate
        if changed.rowcount:
            log.debug("spapi.rate_limit.updated", seller_id=seller_id, operation_name=key[2], rate=rate)

    async def throttled(self, seller_id: str, operation: Operation | str, *, region: str = "") -> None:
        key = self._key(seller_id, operation, region)
        now = self._now()
        async with self._transaction() as connection:
            await connection.execute(
                update(_TABLE)
                .where(self._where(key))
                .values(tokens=func.least(_refilled(now), 0.0), updated=func.greatest(_COLUMNS.updated, now))
            )

    def rate_of(self, seller_id: str, operation: Operation | str, *, region: str = "") -> float:
        rate = self._rates.get(self._key(seller_id, operation, region))
        return rate if rate is not None else limit_of(self._limits, operation).rate


def rate_budget(engine: AsyncEngine, clock: Clock) -> RateBudget:
    """The process's rate budget: shared rows on PostgreSQL (workers share it), in memory on SQLite (one process)."""
    if engine.dialect.name == "postgresql":
        return SharedRateLimiter(engine, clock)
    return RateLimiter(clock)
