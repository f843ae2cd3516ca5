"""``push.receipt_purge`` with virtual time: receipts outlive SQS's 14-day retention (a message redelivered on day 14
still changes nothing), then the daily job deletes them in batches; younger receipts stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.push.receipt_purge import RECEIPT_PURGE_KIND, ensure_receipt_purge, purge_batch
from saleor_asc_app.push.tables import PushReceipt
from saleor_asc_app.settings import SettingsError, load_settings
from tests.orders.harness import SELLERS
from tests.push.harness import PushEnv, push_env
from tests.push.sqs_server import SqsServer, send

NA = "conn-na"
SELLER = SELLERS[NA][1]


async def receipts(env: PushEnv) -> int:
    async with env.orders.state.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(PushReceipt))).scalar_one())


async def new_orders(env: PushEnv, count: int, seed: int) -> None:
    now = env.orders.clock.now()
    env.simulator.generate_orders(SELLER, count, seed=seed, start=now - timedelta(minutes=2), end=now)


async def test_receipts_are_kept_past_sqs_retention_then_purged_daily(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server) as env:
        env.simulator.sellers[SELLER].orders.clear()
        await env.orders.configure({NA: SELLERS[NA]})
        await env.orders.run_jobs()
        clock, state = env.orders.clock, env.orders.state
        worker = env.worker(sync=False)
        sent: list[str] = []
        center = env.simulator.notifications
        original = center.take_due

        def recording(now):  # type: ignore[no-untyped-def]
            due = original(now)
            sent.extend(p.body for p in due)
            return due

        center.take_due = recording
        async with state.sessionmaker() as session, session.begin():
            assert await ensure_receipt_purge(session, now=clock.now())
        async with state.sessionmaker() as session, session.begin():
            assert not await ensure_receipt_purge(session, now=clock.now())  # one standing job

        await new_orders(env, 3, seed=1)
        await env.step(30, worker)
        day0 = await receipts(env)
        assert day0 >= 3 and sent

        clock.advance(timedelta(days=14).total_seconds())
        await new_orders(env, 2, seed=2)
        await env.step(30, worker)  # the purge runs too: nothing is old enough yet
        day14 = await receipts(env) - day0
        assert day14 >= 2
        await send(env.queue, sent[0])  # SQS may still redeliver a message of day 0
        duplicates = env.consumer.stats.duplicates
        assert await env.drain() == 1
        assert env.consumer.stats.duplicates == duplicates + 1  # recognised: its receipt is still there
        assert await receipts(env) == day0 + day14

        clock.advance(timedelta(days=1, hours=1).total_seconds())
        await env.orders.run_jobs(worker)
        assert await receipts(env) == day14  # day 0's are past 15 days; day 14's stay

        async with state.sessionmaker() as session:
            job = (await session.execute(select(Job).where(Job.kind == RECEIPT_PURGE_KIND))).scalar_one()
        assert job.status == JobStatus.PENDING.value  # standing: tomorrow again
        run_after = job.run_after.replace(tzinfo=None) - clock.now().replace(tzinfo=None)
        assert timedelta(hours=23) < run_after <= timedelta(days=1)

        async with state.sessionmaker() as session, session.begin():
            assert await purge_batch(session, clock.now() + timedelta(days=1), limit=1) == 1  # batches
        assert await receipts(env) == day14 - 1


def test_retention_shorter_than_sqs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ASC_PUSH_RECEIPT_RETENTION_DAYS"):
        load_settings(database_url="sqlite+aiosqlite://", data_dir=tmp_path, push_receipt_retention_days=14)
