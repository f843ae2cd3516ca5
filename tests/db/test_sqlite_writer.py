"""The SQLite writer queue: one transaction per process at a time, and a task that already holds it cannot open a
second one (it would wait on itself): that is refused at once, not after the busy timeout."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.db.sqlite_batch import SqliteBatchInserter, sqlite_file
from saleor_asc_app.db.sqlite_writer import NestedWriterError, writer_queue
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.jobs.queue import job_row
from saleor_asc_app.orders.tables import table


@pytest.fixture
async def sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(sqlite_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_a_second_transaction_in_the_same_task_is_refused_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as outer:
        await outer.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: this task holds the queue now
        started = time.monotonic()
        with pytest.raises(NestedWriterError, match="already holds the SQLite writer queue"):
            async with sessions() as inner:
                await inner.execute(text("SELECT 1"))
        assert time.monotonic() - started < 1.0, "refused, not waited out"
    async with sessions() as after:  # once the first transaction ended, the task may write again
        assert (await after.execute(text("SELECT 1"))).scalar_one() == 1


async def test_a_batch_write_inside_an_open_transaction_is_refused_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    queue = writer_queue(sessions.kw["bind"].sync_engine)
    assert queue is not None
    async with sessions() as outer:
        await outer.execute(text("SELECT 1"))
        with pytest.raises(NestedWriterError):
            async with queue.hold():
                pass
    async with queue.hold():  # and the other way round
        with pytest.raises(NestedWriterError):
            async with sessions() as inner:
                await inner.execute(text("SELECT 1"))


async def test_other_tasks_still_queue_behind_the_holder(sessions: async_sessionmaker[AsyncSession]) -> None:
    order: list[str] = []

    async def second() -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("SELECT 1"))
            order.append("second")

    async with sessions() as first, first.begin():
        await first.execute(text("SELECT 1"))
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.05)
        assert not waiting.done(), "another task waits its turn"
        order.append("first")
    await asyncio.wait_for(waiting, 5)
    assert order == ["first", "second"]


# About two seconds of work for SQLite, far longer than the cancelled task waits for it.
LONG_STATEMENT = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000) SELECT count(*) FROM n"
)


async def test_a_transaction_cancelled_mid_statement_is_rolled_back_before_the_next_turn(
    sessions: async_sessionmaker[AsyncSession], sqlite_url: str
) -> None:
    """Cancelled while aiosqlite's thread runs its statement, the transaction never reaches ROLLBACK and its
    connection is invalidated: its write lock in SQLite must still end before anyone else's turn (before the fix
    the closed connection kept it while its cursor lived, and every other writer met "database is locked")."""
    started = asyncio.Event()

    async def cancelled_writer() -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("CREATE TABLE written (n INTEGER)"))
            started.set()
            await session.execute(text(LONG_STATEMENT))

    task = asyncio.create_task(cancelled_writer())
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async def write(sm: async_sessionmaker[AsyncSession]) -> None:
        async with sm() as session, session.begin():
            await session.execute(text("CREATE TABLE IF NOT EXISTS other (n INTEGER)"))

    await asyncio.wait_for(write(sessions), 10)  # this process's next turn
    fresh = create_engine(sqlite_url)  # and another process's connection
    try:
        await asyncio.wait_for(write(create_sessionmaker(fresh)), 10)
        async with create_sessionmaker(fresh)() as session:
            tables = (await session.execute(text("SELECT name FROM sqlite_master WHERE name = 'written'"))).all()
        assert tables == [], "the cancelled transaction was rolled back"
    finally:
        await fresh.dispose()


async def test_a_cancelled_batch_write_keeps_the_turn_until_its_thread_has_finished(sqlite_url: str) -> None:
    """The batch inserter writes in a thread of its own, which a cancellation does not stop: the caller's turn
    must last until that transaction ended, or the next writer meets it in SQLite's busy handler."""
    engine = create_engine(sqlite_url)
    path = sqlite_file(engine)
    assert path is not None
    inserter = SqliteBatchInserter(engine, path, [table(Job)])
    rows = [job_row("test.bulk", {"i": i}, now=datetime(2026, 3, 1, tzinfo=UTC)) for i in range(100_000)]
    try:
        await inserter.insert([(table(Job), rows[:1])])  # the thread's connection is open
        writing = asyncio.create_task(inserter.insert([(table(Job), rows[1:])]))
        await asyncio.sleep(0)  # the task prepares the rows (blocking the loop) and hands them to the thread
        await asyncio.sleep(0.3)  # which is inserting now (it takes seconds)
        writing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writing
        assert writing.cancelled()
        probe = sqlite3.connect(path, timeout=0)  # no busy wait: any transaction still open fails at once
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        finally:
            probe.close()
    finally:
        inserter.close()
        await engine.dispose()
