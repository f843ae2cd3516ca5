"""Enqueue, claim, finish. Claims use leases: a crashed worker's job becomes claimable again once its lease ends.

On PostgreSQL candidates are selected ``FOR UPDATE SKIP LOCKED`` so workers in several processes never claim the
same job; on SQLite every write transaction holds the database lock (``BEGIN IMMEDIATE``), which serialises claims.
Handlers must be idempotent: a job whose worker died after the effect but before ``complete`` runs again.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Required, TypedDict, Unpack

from sqlalchemy import Insert, and_, case, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.jobs.models import ACTIVE_PREDICATE, Job, JobStatus
from saleor_asc_app.jobs.priorities import priority_of

MAX_ERROR_LENGTH = 2000
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0


@dataclass(frozen=True)
class ClaimedJob:
    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    installation_id: uuid.UUID | None
    attempts: int
    max_attempts: int


class JobOptions(TypedDict, total=False):
    """What a new job may set besides its kind and payload (``now`` is required)."""

    installation_id: uuid.UUID | None
    run_after: datetime | None
    unique_key: str | None
    concurrency_key: str | None
    priority: int
    max_attempts: int
    now: Required[datetime]


def job_row(kind: str, payload: dict[str, Any] | None = None, **job: Unpack[JobOptions]) -> dict[str, Any]:
    """Every column of a new pending job (for Core inserts, one row or many)."""
    now = job["now"]
    return {
        "id": uuid.uuid4(),
        "kind": kind,
        "payload": payload or {},
        "installation_id": job.get("installation_id"),
        "run_after": job.get("run_after") or now,
        "unique_key": job.get("unique_key"),
        "concurrency_key": job.get("concurrency_key"),
        "priority": job.get("priority", priority_of(kind)),
        "max_attempts": job.get("max_attempts", 8),
        "status": JobStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


async def enqueue(
    session: AsyncSession, kind: str, payload: dict[str, Any] | None = None, **job: Unpack[JobOptions]
) -> bool:
    """Add a job to the caller's transaction. With ``unique_key``, does nothing (returns False) while a pending or
    running job with that key exists."""
    result = await session.execute(enqueue_statement(session, job_row(kind, payload, **job)))
    return bool(getattr(result, "rowcount", 1))


def enqueue_statement(session: AsyncSession, row: dict[str, Any]) -> Insert:
    """The Core ``INSERT`` of one ``job_row``, skipped on a conflicting active ``unique_key``."""
    stmt = dialect_insert(session, Job).values(**row)
    if row["unique_key"] is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["unique_key"], index_where=text(ACTIVE_PREDICATE))
    return stmt


async def take_job(
    session: AsyncSession, unique_key: str, worker_id: str, *, now: datetime, lease_seconds: float
) -> ClaimedJob | None:
    """Lease the active job with ``unique_key`` to ``worker_id`` whatever its ``run_after``, in the caller's
    transaction (``import --since`` runs the backfill and writer jobs in the foreground under their leases).
    None when a live worker holds it, or holds its concurrency key (the unique index refuses a second runner)."""
    job = (
        await session.execute(
            select(Job).where(
                Job.unique_key == unique_key, Job.status.in_([JobStatus.PENDING.value, JobStatus.RUNNING.value])
            )
        )
    ).scalar_one_or_none()
    if job is None:
        return None
    free = or_(
        Job.status == JobStatus.PENDING.value,
        and_(Job.status == JobStatus.RUNNING.value, or_(Job.locked_until < now, Job.locked_by == worker_id)),
    )
    try:
        async with session.begin_nested():
            result = await session.execute(
                update(Job)
                .where(Job.id == job.id, free)
                .values(
                    status=JobStatus.RUNNING.value,
                    locked_by=worker_id,
                    locked_until=now + timedelta(seconds=lease_seconds),
                    attempts=Job.attempts + 1,
                    updated_at=now,
                )
                .returning(Job.id, Job.kind, Job.payload, Job.installation_id, Job.attempts, Job.max_attempts)
                .execution_options(synchronize_session=False)
            )
            row = result.one_or_none()
    except IntegrityError:
        return None  # a worker runs another job with the same concurrency key
    return ClaimedJob(*row) if row is not None else None


async def record_progress(session: AsyncSession, job_id: uuid.UUID) -> None:
    """In the transaction that commits one step of a long run (a page, a batch): the crashes counted so far did not
    stop this work, so only crashes without progress in between count towards ``max_attempts``."""
    await session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING.value, Job.attempts > 1).values(attempts=1)
    )


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: base·2^(n-1), capped, times a random factor in [0.5, 1]."""
    raw: float = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(0, attempts - 1))
    return raw * (0.5 + 0.5 * (rng or random).random())


class JobQueue:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, lease_seconds: float = 300) -> None:
        self._sessionmaker = sessionmaker
        self._lease = timedelta(seconds=lease_seconds)

    async def claim(
        self, worker_id: str, limit: int, *, now: datetime, kinds: Sequence[str] | None = None
    ) -> list[ClaimedJob]:
        """Lease up to ``limit`` due jobs to ``worker_id``; expired leases of dead workers count as due."""
        async with self._sessionmaker() as session, session.begin():
            is_pg = _dialect(session) == "postgresql"
            held_keys = select(Job.concurrency_key).where(
                Job.status == JobStatus.RUNNING.value,
                Job.locked_until >= now,
                Job.concurrency_key.is_not(None),
            )
            due = or_(
                and_(Job.status == JobStatus.PENDING.value, Job.run_after <= now),
                and_(Job.status == JobStatus.RUNNING.value, Job.locked_until < now),
            )
            # Turns: each installation's first due job of each kind, then its second, ... (priority, then age,
            # inside a turn), so one tenant's backlog never holds every worker while the others wait.
            turn = (
                func.row_number()
                .over(
                    partition_by=(Job.installation_id, Job.kind),
                    # A job whose worker died comes back first (see expired_keys below).
                    order_by=(
                        case((Job.status == JobStatus.RUNNING.value, 0), else_=1),
                        Job.priority.desc(),
                        Job.run_after,
                    ),
                )
                .label("turn")
            )
            candidates = select(Job.id, turn).where(
                due, or_(Job.concurrency_key.is_(None), Job.concurrency_key.not_in(held_keys))
            )
            if kinds:
                candidates = candidates.where(Job.kind.in_(list(kinds)))
            ranked = candidates.subquery()
            query = (
                select(Job.id, Job.concurrency_key, Job.status, Job.attempts, Job.max_attempts)
                .join(ranked, ranked.c.id == Job.id)
                # Again here: PostgreSQL re-checks a row that another claim leased meanwhile against this level's
                # conditions only (not the subquery's), so a job just leased elsewhere is dropped, not taken twice.
                .where(due)
                .order_by(ranked.c.turn, Job.priority.desc(), Job.run_after)
                .limit(limit * 4)
            )
            if is_pg:
                query = query.with_for_update(skip_locked=True, of=Job)
            rows = (await session.execute(query)).all()

            chosen: list[uuid.UUID] = []
            dead: list[uuid.UUID] = []
            seen_keys: set[str] = set()
            # A key whose running job lost its lease goes back to that job: leasing another job of the key would
            # break the one-running-per-key index while the expired one still counts as running.
            expired_keys = {
                row.concurrency_key
                for row in rows
                if row.status == JobStatus.RUNNING.value and row.concurrency_key is not None
            }
            for row in rows:
                expired = row.status == JobStatus.RUNNING.value
                if expired and row.attempts >= row.max_attempts:
                    dead.append(row.id)  # its worker died on the last allowed attempt
                    expired_keys.discard(row.concurrency_key)  # marked dead below, before any lease
                    continue
                if row.concurrency_key is not None:
                    if row.concurrency_key in seen_keys or (not expired and row.concurrency_key in expired_keys):
                        continue
                    seen_keys.add(row.concurrency_key)
                chosen.append(row.id)
                if len(chosen) >= limit:
                    break
            if dead:
                await session.execute(
                    update(Job)
                    .where(Job.id.in_(dead))
                    .values(
                        status=JobStatus.DEAD.value,
                        locked_by=None,
                        locked_until=None,
                        finished_at=now,
                        updated_at=now,
                        last_error="worker lost during the last attempt (lease expired)",
                    )
                )
            if not chosen:
                return []
            try:
                async with session.begin_nested():
                    claimed = await self._lease_rows(session, chosen, worker_id, now)
            except IntegrityError:
                # Another worker took a concurrency key between our read and write: lease one at a time.
                claimed = []
                for job_id in chosen:
                    try:
                        async with session.begin_nested():
                            claimed += await self._lease_rows(session, [job_id], worker_id, now)
                    except IntegrityError:
                        continue
            return claimed

    async def _lease_rows(
        self, session: AsyncSession, ids: list[uuid.UUID], worker_id: str, now: datetime
    ) -> list[ClaimedJob]:
        result = await session.execute(
            update(Job)
            .where(Job.id.in_(ids))
            .values(
                status=JobStatus.RUNNING.value,
                locked_by=worker_id,
                locked_until=now + self._lease,
                attempts=Job.attempts + 1,
                updated_at=now,
            )
            .returning(Job.id, Job.kind, Job.payload, Job.installation_id, Job.attempts, Job.max_attempts)
        )
        return [ClaimedJob(*row) for row in result.all()]

    async def heartbeat(self, job_id: uuid.UUID, worker_id: str, *, now: datetime) -> bool:
        """Extend the lease; False means the job is no longer ours (lease lost) and its result must be dropped."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Job)
                .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == JobStatus.RUNNING.value)
                .values(locked_until=now + self._lease, updated_at=now)
            )
            return bool(getattr(result, "rowcount", 0))

    async def complete(self, job_id: uuid.UUID, worker_id: str, *, now: datetime) -> bool:
        async with self._sessionmaker() as session, session.begin():
            return await self.complete_in(session, job_id, worker_id, now=now)

    @staticmethod
    async def complete_in(session: AsyncSession, job_id: uuid.UUID, worker_id: str, *, now: datetime) -> bool:
        """Mark done inside the caller's transaction, so a handler's effect and its completion commit together."""
        result = await session.execute(
            update(Job)
            .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == JobStatus.RUNNING.value)
            .values(
                status=JobStatus.SUCCEEDED.value,
                locked_by=None,
                locked_until=None,
                finished_at=now,
                updated_at=now,
                last_error=None,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def fail(
        self,
        job_id: uuid.UUID,
        worker_id: str,
        error: str,
        *,
        now: datetime,
        delay: float | None = None,
        permanent: bool = False,
        count_attempt: bool = True,
    ) -> str:
        """Record a failure: back to pending after a delay, or dead once attempts are used up. Returns the status."""
        async with self._sessionmaker() as session, session.begin():
            job = (
                await session.execute(select(Job).where(Job.id == job_id, Job.locked_by == worker_id).with_for_update())
            ).scalar_one_or_none()
            if job is None or job.status != JobStatus.RUNNING.value:
                return "lost"
            # A deferred run reached its end: earlier lost leases (crashed workers) no longer count, so
            # ``max_attempts`` bounds consecutive crashes. Otherwise a standing job (a sync that reschedules itself
            # forever) would be dead-lettered by the eighth crash of its lifetime.
            attempts = job.attempts if count_attempt else 0
            job.attempts = attempts
            job.last_error = error[:MAX_ERROR_LENGTH]
            job.locked_by = None
            job.locked_until = None
            job.updated_at = now
            if permanent or (count_attempt and attempts >= job.max_attempts):
                job.status = JobStatus.DEAD.value
                job.finished_at = now
            else:
                job.status = JobStatus.PENDING.value
                job.run_after = now + timedelta(seconds=backoff_seconds(attempts) if delay is None else delay)
            return job.status

    async def retry_dead(self, job_id: uuid.UUID, *, now: datetime, installation_id: uuid.UUID | None) -> bool:
        """Staff action: give a dead job a fresh set of attempts."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Job)
                .where(
                    Job.id == job_id,
                    Job.status == JobStatus.DEAD.value,
                    Job.installation_id == installation_id,
                )
                .values(status=JobStatus.PENDING.value, attempts=0, run_after=now, finished_at=None, updated_at=now)
            )
            return bool(getattr(result, "rowcount", 0))

    async def counts(self, installation_id: uuid.UUID | None = None) -> dict[str, int]:
        async with self._sessionmaker() as session:
            query = select(Job.status, func.count()).group_by(Job.status)
            if installation_id is not None:
                query = query.where(Job.installation_id == installation_id)
            return {status: count for status, count in (await session.execute(query)).all()}
