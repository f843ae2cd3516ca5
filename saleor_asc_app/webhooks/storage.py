"""Storing verified webhooks: each one's ``webhook_event`` row and ``webhook`` job, committed together.

Group commit: webhooks that arrive while a transaction is being written wait and go together into the next one
(one ``executemany`` for the events, one for the jobs; on a SQLite file from a thread of its own,
``db/sqlite_batch.py``). Every caller still waits for the commit that holds its own
rows, so a 2xx is only ever answered for a stored event; the batch grows with the number of concurrent webhooks,
which spreads a transaction's fixed cost (begin, commit, the driver's thread or network round trips) over them.

A batch fails as a whole. When it fails on a foreign key (an installation deleted since its webhooks were
verified) its webhooks are written again one transaction each, so only that installation's webhooks are refused.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.db.session import retry_on_disconnect
from saleor_asc_app.db.sqlite_batch import SqliteBatchInserter, sqlite_file
from saleor_asc_app.jobs import priorities
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.jobs.queue import job_row
from saleor_asc_app.webhooks.registry import JOB_KIND

WEBHOOK_JOB_PRIORITY = priorities.WEBHOOK
MAX_BATCH = 256
_EVENTS: Table = WebhookEvent.__table__  # type: ignore[assignment]  # declared tables are Tables
_JOBS: Table = Job.__table__  # type: ignore[assignment]
_INSERT_EVENT = insert(WebhookEvent)
_INSERT_JOB = insert(Job)


@dataclass(frozen=True)
class ReceivedEvent:
    installation_id: uuid.UUID
    event: str
    body: bytes
    received_at: datetime


_Waiting = tuple[ReceivedEvent, uuid.UUID, "asyncio.Future[uuid.UUID]"]


class EventStore:
    """Commits received webhooks in groups; ``store`` returns once the event's own transaction has committed."""

    def __init__(self, engine: AsyncEngine, *, max_batch: int = MAX_BATCH) -> None:
        self._engine = engine
        self._max_batch = max_batch
        # Futures and tasks belong to one event loop; a store used from two loops (tests) keeps a queue per loop.
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = weakref.WeakKeyDictionary()
        path = sqlite_file(engine)
        self._sqlite = SqliteBatchInserter(engine, path, [_EVENTS, _JOBS]) if path is not None else None

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()

    async def store(self, received: ReceivedEvent) -> uuid.UUID:
        """The new event's id, once committed; raises ``IntegrityError`` when the installation no longer exists."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue()
        future: asyncio.Future[uuid.UUID] = loop.create_future()
        queue.waiting.append((received, uuid.uuid4(), future))
        if queue.flusher is None:
            queue.flusher = loop.create_task(self._flush(queue))
        # The write goes on if the request is cancelled (the client hung up): Saleor's retry finds it stored.
        return await asyncio.shield(future)

    async def _flush(self, queue: _Queue) -> None:
        try:
            while queue.waiting:
                batch = queue.waiting[: self._max_batch]
                del queue.waiting[: self._max_batch]
                await self._write(batch)
        finally:
            queue.flusher = None

    async def _write(self, batch: list[_Waiting]) -> None:
        try:
            try:
                await retry_on_disconnect(lambda: self._insert(batch))
            except IntegrityError:
                if len(batch) == 1:
                    raise
                for waiting in batch:
                    try:
                        await retry_on_disconnect(partial(self._insert, [waiting]))
                    except Exception as exc:  # handed to the webhook's own request
                        _fail(waiting[2], exc)
                    else:
                        _succeed(waiting[2], waiting[1])
                return
        except BaseException as exc:  # a cancelled flush must not leave requests waiting forever
            for _received, _event_id, future in batch:
                _fail(future, exc if isinstance(exc, Exception) else RuntimeError("webhook storage stopped"))
            if not isinstance(exc, Exception):
                raise
            return
        for _received, event_id, future in batch:
            _succeed(future, event_id)

    async def _insert(self, batch: list[_Waiting]) -> None:
        events: list[dict[str, Any]] = []
        jobs: list[dict[str, Any]] = []
        for received, event_id, _future in batch:
            events.append(
                {
                    "id": event_id,
                    "installation_id": received.installation_id,
                    "event": received.event,
                    "body": received.body,
                    "received_at": received.received_at,
                    "processed_at": None,
                }
            )
            jobs.append(
                job_row(
                    JOB_KIND,
                    {"event_id": str(event_id)},
                    installation_id=received.installation_id,
                    priority=WEBHOOK_JOB_PRIORITY,
                    now=received.received_at,
                )
            )
        if self._sqlite is not None:
            await self._sqlite.insert([(_EVENTS, events), (_JOBS, jobs)])
            return
        async with self._engine.begin() as connection:
            await connection.execute(_INSERT_EVENT, events)
            await connection.execute(_INSERT_JOB, jobs)


class _Queue:
    def __init__(self) -> None:
        self.waiting: list[_Waiting] = []
        self.flusher: asyncio.Task[None] | None = None


def _succeed(future: asyncio.Future[uuid.UUID], event_id: uuid.UUID) -> None:
    if not future.done():
        future.set_result(event_id)


def _fail(future: asyncio.Future[uuid.UUID], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
