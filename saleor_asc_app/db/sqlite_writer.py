"""One SQLite writer at a time per process, queued in the event loop.

Every SQLite transaction of the app starts with ``BEGIN IMMEDIATE`` (it takes the database's write lock at once).
Without this queue, concurrent transactions of one process meet in SQLite's busy handler, which polls with sleeps
of up to 100 ms: under load most of the time goes into sleeping and the tail latency reaches seconds. Here a
transaction first takes an ``asyncio.Lock`` (FIFO, woken the moment the previous holder commits), so the busy
handler only ever waits for other processes (the worker process, the CLI).

The lock is taken in the engine's ``begin`` event, which SQLAlchemy runs inside the greenlet of an async call, so
``await_only`` can wait on it; it is released after the DBAPI ``COMMIT`` / ``ROLLBACK`` (the dialect's
``do_commit`` / ``do_rollback``, also used by the pool's reset-on-return) and, as a safety net, when the pool
checks the connection in or invalidates it. A transaction that cannot get the lock within the busy timeout fails
as SQLite would ("database is locked").

A transaction whose task is cancelled in the middle of a statement (a job's timeout) never reaches COMMIT or
ROLLBACK: SQLAlchemy invalidates the connection, and the statement still runs in aiosqlite's thread. Closing that
connection does not end its SQLite transaction while a cursor still holds a prepared statement (the connection stays
open as a "zombie", holding the write lock until the cursor is garbage-collected). So such a turn is settled before
it is handed on: a ``ROLLBACK`` queued on the connection (run once the statement ends), then the release. The same
applies when ``BEGIN IMMEDIATE`` itself, a ``COMMIT`` or a ``ROLLBACK`` is cancelled or fails.

The queue knows which task holds it. A task that holds it and opens a second transaction (another session, a
batch write) would wait on itself: that raises ``NestedWriterError`` at once, a programming error, instead of
stalling every writer of the process for the busy timeout. Read what the second transaction needs in the first
one, or open it after the first has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import weakref
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

SQLITE_LOCK_TIMEOUT_SECONDS = 30.0

_QUEUES: weakref.WeakKeyDictionary[Engine, SqliteWriterQueue] = weakref.WeakKeyDictionary()


class NestedWriterError(RuntimeError):
    """A task holding the SQLite writer queue tried to start a second writing transaction (it would deadlock)."""

    def __init__(self) -> None:
        super().__init__(
            "This task already holds the SQLite writer queue (an open transaction) and started a second one, which "
            "would wait on the first until the busy timeout: end the first transaction before opening another."
        )


def writer_queue(engine: Engine) -> SqliteWriterQueue | None:
    """The queue of a SQLite engine made by ``db.session.create_engine`` (None for other engines)."""
    return _QUEUES.get(engine)


class SqliteWriterQueue:
    def __init__(self, engine: Engine, *, timeout: float = SQLITE_LOCK_TIMEOUT_SECONDS) -> None:
        self._timeout = timeout
        # Locks belong to an event loop; an engine used from two loops (tests, threads) gets one lock per loop.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        # Raw DBAPI connection id -> (loop, lock) it holds, and its driver (aiosqlite) connection.
        self._holders: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}
        self._drivers: dict[int, Any] = {}
        # id(lock) -> the task holding it (for the nested-transaction check).
        self._owners: dict[int, asyncio.Task[Any]] = {}
        _QUEUES[engine] = self
        dialect = engine.dialect
        do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

        def commit_then_release(connection: Any) -> None:
            try:
                do_commit(connection)
            except BaseException:
                self.settle(_raw(connection))
                raise
            self.release(_raw(connection))

        def rollback_then_release(connection: Any) -> None:
            try:
                do_rollback(connection)
            except BaseException:
                self.settle(_raw(connection))
                raise
            self.release(_raw(connection))

        # Per-engine dialect instance (the pool uses the same one for reset-on-return).
        dialect.do_commit = commit_then_release  # type: ignore[method-assign, assignment]
        dialect.do_rollback = rollback_then_release  # type: ignore[method-assign, assignment]
        # A connection that comes back (or is invalidated) still holding the turn never reached COMMIT/ROLLBACK.
        event.listen(engine.pool, "checkin", lambda dbapi_connection, _record: self.settle(dbapi_connection))
        event.listen(engine.pool, "invalidate", lambda dbapi_connection, _record, _exc: self.settle(dbapi_connection))

    def _lock(self, loop: asyncio.AbstractEventLoop) -> asyncio.Lock:
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def acquire(self, connection: Any) -> None:
        """Called in the ``begin`` event: wait (in the event loop) until no other transaction of this process runs."""
        raw = connection.connection.dbapi_connection
        if id(raw) in self._holders:
            return  # a new transaction on a connection that still holds the lock (released after COMMIT/ROLLBACK)
        loop = asyncio.get_running_loop()
        lock = self._lock(loop)
        self._refuse_nesting(lock)
        try:
            await_only(_acquire(lock, self._timeout))
        except TimeoutError:
            raise OperationalError(
                "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked (in-process writer queue)")
            ) from None
        self._holders[id(raw)] = (loop, lock)
        self._drivers[id(raw)] = connection.connection.driver_connection
        self._take(lock)

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Take the queue's turn for a write that does not go through the engine (``db/sqlite_batch.py``)."""
        lock = self._lock(asyncio.get_running_loop())
        self._refuse_nesting(lock)
        try:
            await _acquire(lock, self._timeout)
        except TimeoutError:
            raise OperationalError(
                "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked (in-process writer queue)")
            ) from None
        self._take(lock)
        try:
            yield
        finally:
            self._owners.pop(id(lock), None)
            lock.release()

    def _refuse_nesting(self, lock: asyncio.Lock) -> None:
        task = asyncio.current_task()
        if task is not None and self._owners.get(id(lock)) is task:
            raise NestedWriterError()

    def _take(self, lock: asyncio.Lock) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._owners[id(lock)] = task

    def settle(self, raw: Any) -> None:
        """End the SQLite transaction of ``raw`` if it holds the turn (its COMMIT/ROLLBACK did not complete), then
        release the turn. The ``ROLLBACK`` queues behind whatever statement the connection still runs, so the next
        writer never meets this transaction in SQLite's busy handler. Outside the holder's event loop (garbage
        collection) it only releases: the connection and its cursors are going away, which ends the transaction."""
        held = self._holders.get(id(raw)) if raw is not None else None
        driver = self._drivers.get(id(raw)) if raw is not None else None
        try:
            if held is not None and driver is not None and in_greenlet() and _running_loop() is held[0]:
                with contextlib.suppress(Exception):  # a closed connection has no transaction left to end
                    await_only(asyncio.shield(driver.rollback()))
        finally:
            self.release(raw)

    def release(self, raw: Any) -> None:
        if raw is not None:
            self._drivers.pop(id(raw), None)
        held = self._holders.pop(id(raw), None) if raw is not None else None
        if held is None:
            return
        loop, lock = held
        self._owners.pop(id(lock), None)
        if _running_loop() is loop:
            lock.release()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(lock.release)  # e.g. a connection garbage-collected in another thread


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


async def _acquire(lock: asyncio.Lock, seconds: float) -> None:
    async with asyncio.timeout(seconds):
        await lock.acquire()


def _raw(connection: Any) -> Any:
    """The raw DBAPI connection behind a pool proxy (what ``begin`` recorded)."""
    return getattr(connection, "dbapi_connection", connection)
