"""Group commit of webhooks: concurrent webhooks share transactions, yet each answer waits for its own commit and a
webhook for a deleted installation fails alone, whichever batch it landed in."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.webhooks.registry import JOB_KIND
from saleor_asc_app.webhooks.storage import EventStore, ReceivedEvent
from tests.harness import AppEnv

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def test_a_webhook_for_a_deleted_installation_fails_alone(installed: AppEnv) -> None:
    state = installed.state
    async with state.sessionmaker() as session:
        installation_id = (await session.execute(select(Installation.id))).scalar_one()
    gone = uuid.uuid4()  # as if deleted after its webhook was verified
    store = EventStore(state.engine)
    try:
        received = [
            ReceivedEvent(
                installation_id=gone if n % 3 == 0 else installation_id,
                event="ORDER_CANCELLED",
                body=f'{{"n": {n}}}'.encode(),
                received_at=NOW,
            )
            for n in range(60)
        ]
        results = await asyncio.gather(*(store.store(r) for r in received), return_exceptions=True)
    finally:
        store.close()

    for n, result in enumerate(results):
        if n % 3 == 0:
            assert isinstance(result, IntegrityError), (n, result)
        else:
            assert isinstance(result, uuid.UUID), (n, result)
    async with state.sessionmaker() as session:
        events = (await session.execute(select(WebhookEvent))).scalars().all()
        jobs = (await session.execute(select(Job).where(Job.kind == JOB_KIND))).scalars().all()
    stored = {event.id: event for event in events}
    assert set(stored) == {r for r in results if isinstance(r, uuid.UUID)}
    assert sorted(event.body for event in events) == sorted(r.body for r in received if r.installation_id != gone)
    assert {event.received_at for event in events} == {NOW}
    assert {event.installation_id for event in events} == {installation_id}
    # Each event has exactly one pending job pointing at it, readable like any job the queue enqueues.
    assert sorted(job.payload["event_id"] for job in jobs) == sorted(str(event_id) for event_id in stored)
    assert {(job.status, job.installation_id, job.run_after, job.attempts) for job in jobs} == {
        (JobStatus.PENDING.value, installation_id, NOW, 0)
    }


@pytest.mark.parametrize("concurrent", [1, 200])
async def test_every_caller_gets_its_own_event_once_committed(installed: AppEnv, concurrent: int) -> None:
    state = installed.state
    async with state.sessionmaker() as session:
        installation_id = (await session.execute(select(Installation.id))).scalar_one()
    store = EventStore(state.engine, max_batch=64)
    try:

        async def one(n: int) -> tuple[uuid.UUID, bytes]:
            body = f'{{"n": {n}}}'.encode()
            event_id = await store.store(
                ReceivedEvent(installation_id=installation_id, event="ORDER_CANCELLED", body=body, received_at=NOW)
            )
            # Committed by the time the caller hears of it: another connection sees it.
            async with state.sessionmaker() as session:
                assert (await session.get(WebhookEvent, event_id)) is not None
            return event_id, body

        results = await asyncio.gather(*(one(n) for n in range(concurrent)))
    finally:
        store.close()
    async with state.sessionmaker() as session:
        rows = (await session.execute(select(WebhookEvent.id, WebhookEvent.body))).all()
        bodies = {event_id: body for event_id, body in rows}
        jobs = (await session.execute(select(func.count()).select_from(Job).where(Job.kind == JOB_KIND))).scalar_one()
    assert bodies == dict(results)
    assert jobs == concurrent
