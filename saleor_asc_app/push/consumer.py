"""The SQS consumer: one task per worker process, long-polling the operator's queue with aiobotocore.

Safe with several workers and replicas: SQS hands each message to one receiver at a time (visibility timeout), and
what a message does is idempotent (``intake.apply``: receipts keyed by NotificationId, jobs by order and change).
A message is deleted only after its effect committed; a worker killed in between leaves it on the queue, to be
received again once its visibility timeout ends and then found already applied. A message that is not a
notification, or that failed ``push_max_receives`` times, is recorded as a dead letter and deleted, so it never
blocks the queue. Every receive updates ``push_health`` (the dashboard's push state and the sync's pace read it).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.logging import get_logger
from saleor_asc_app.push import intake
from saleor_asc_app.push.receipt_purge import ensure_receipt_purge
from saleor_asc_app.push.tables import PushHealth
from saleor_asc_app.state import AppState

log = get_logger(__name__)

WAIT_SECONDS = 10  # SQS long poll (at most 20)
ERROR_PAUSE = 5.0


@functools.cache
def _session() -> Any:
    from aiobotocore.session import get_session

    return get_session()


def queue_region(queue_url: str) -> str:
    """``https://sqs.<region>.amazonaws.com/<account>/<name>`` → region (``us-east-1`` when the URL has none)."""
    host = queue_url.split("://", 1)[-1].split("/", 1)[0]
    parts = host.split(".")
    return parts[1] if len(parts) > 3 and parts[0] == "sqs" else "us-east-1"


@dataclass
class ConsumerStats:
    received: int = 0
    applied: int = 0
    duplicates: int = 0
    dead: int = 0
    errors: int = 0
    unmatched: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


class PushConsumer:
    def __init__(self, state: AppState, *, wait_seconds: int = WAIT_SECONDS, visibility: int | None = None):
        settings = state.settings
        self.state = state
        self.queue_url = settings.push_queue_url
        self.region = settings.push_queue_region or queue_region(self.queue_url)
        self.endpoint = settings.push_sqs_endpoint or None
        self.max_receives = settings.push_max_receives
        self.wait_seconds = wait_seconds
        self.visibility = visibility or settings.push_visibility_seconds  # SQS's VisibilityTimeout of each receive
        self.stats = ConsumerStats()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    def client(self) -> Any:
        """An aiobotocore SQS client context (credentials the usual AWS way)."""
        from aiobotocore.config import AioConfig

        config = AioConfig(
            connect_timeout=5, read_timeout=self.wait_seconds + 10, retries={"max_attempts": 2, "mode": "standard"}
        )
        return _session().create_client("sqs", region_name=self.region, endpoint_url=self.endpoint, config=config)

    async def run(self) -> None:
        log.info("push consumer started", region=self.region)
        await self._ensure_receipt_purge()
        while not self._stopping.is_set():
            async with self.client() as sqs:
                while not self._stopping.is_set():
                    if await self.poll_once(sqs) is None:
                        break  # a new client after the pause
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), ERROR_PAUSE)

    async def _ensure_receipt_purge(self) -> None:
        try:
            async with self.state.sessionmaker() as session, session.begin():
                await ensure_receipt_purge(session, now=self.state.clock.now())
        except Exception as exc:  # the next consumer start tries again; receipts only wait longer
            log.warning("push receipt purge not scheduled", error=type(exc).__name__)

    async def poll_once(self, sqs: Any) -> int | None:
        """One receive and its messages; None when the queue could not be reached (recorded in ``push_health``)."""
        try:
            return await self.receive_once(sqs)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.stats.errors += 1
            log.warning("push queue unreachable", error=type(exc).__name__)
            await self._health(error=f"{type(exc).__name__}: the queue could not be reached")
            return None

    async def receive_once(self, sqs: Any) -> int:
        """One long poll and the messages it brought; returns how many messages were handled."""
        answer = await sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=self.wait_seconds,
            VisibilityTimeout=self.visibility,
            AttributeNames=["ApproximateReceiveCount"],
        )
        messages = answer.get("Messages", [])
        await self._health(messages=bool(messages))
        handled = 0
        for message in messages:
            if await self.handle(message):
                await sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                handled += 1
        return handled

    async def handle(self, message: dict[str, Any]) -> bool:
        """Apply one message; True when it may be deleted (its effect or its dead letter committed)."""
        self.stats.received += 1
        message_id = str(message.get("MessageId", ""))
        body = str(message.get("Body", ""))
        receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            notification = intake.parse(body)
        except intake.Poison as poison:
            return await self._dead(message_id, body, str(poison), receives)
        try:
            async with self.state.sessionmaker() as session, session.begin():
                result = await intake.apply(session, notification, now=self.state.clock.now())
        except Exception as exc:
            self.stats.errors += 1
            log.warning("push message failed", error=type(exc).__name__, receive_count=receives)
            if receives >= self.max_receives:
                return await self._dead(message_id, body, f"failed {receives} times: {type(exc).__name__}", receives)
            return False  # back on the queue after its visibility timeout
        self.stats.applied += 1
        self.stats.duplicates += result.duplicates
        self.stats.unmatched += int(result.unmatched)
        self.stats.by_type[result.notification_type] = self.stats.by_type.get(result.notification_type, 0) + 1
        if result.fetches:
            wake = self.state.wake_worker
            if wake is not None:
                wake()
        log.info(
            "push notification",
            notification_type=result.notification_type,
            seller_id=result.seller_id,
            fetches=result.fetches,
            skipped=result.skipped,
            duplicates=result.duplicates,
        )
        return True

    async def _dead(self, message_id: str, body: str, reason: str, receives: int) -> bool:
        kind, seller = intake.seller_of(body)
        try:
            async with self.state.sessionmaker() as session, session.begin():
                await intake.dead_letter(
                    session,
                    message_id=message_id,
                    reason=reason,
                    receive_count=receives,
                    now=self.state.clock.now(),
                    notification_type=kind,
                    seller_id=seller,
                )
        except Exception as exc:
            log.warning("push dead letter not recorded", error=type(exc).__name__)
            return False
        self.stats.dead += 1
        log.warning("push message dead-lettered", notification_type=kind, reason=reason)
        return True

    async def _health(self, *, messages: bool = False, error: str | None = None) -> None:
        now = self.state.clock.now()
        try:
            async with self.state.sessionmaker() as session, session.begin():
                await record_health(session, self.queue_url, now, messages=messages, error=error)
        except Exception as exc:
            log.warning("push health not recorded", error=type(exc).__name__)


async def record_health(
    session: AsyncSession, queue_url: str, now: datetime, *, messages: bool = False, error: str | None = None
) -> None:
    values: dict[str, Any] = {"queue_url": queue_url}
    if error is None:
        values["last_receive_ok_at"] = now
        if messages:
            values["last_message_at"] = now
    else:
        values["last_error_at"] = now
        values["last_error"] = error[:2000]
    stmt = dialect_insert(session, PushHealth).values(**values)
    update = {k: v for k, v in values.items() if k != "queue_url"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["queue_url"], set_=update))


async def health(session: AsyncSession, queue_url: str) -> PushHealth | None:
    return (await session.execute(select(PushHealth).where(PushHealth.queue_url == queue_url))).scalar_one_or_none()


def start_consumer(state: AppState) -> tuple[PushConsumer, asyncio.Task[None]] | None:
    """The process's consumer task, when a queue is configured (called next to the worker)."""
    if not state.settings.push_enabled:
        return None
    consumer = PushConsumer(state)
    return consumer, asyncio.create_task(consumer.run())


async def stop_consumer(started: tuple[PushConsumer, asyncio.Task[None]] | None) -> None:
    if started is None:
        return
    consumer, task = started
    consumer.stop()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
