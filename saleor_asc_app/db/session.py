"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from saleor_asc_app.db.sqlite_writer import SQLITE_LOCK_TIMEOUT_SECONDS, SqliteWriterQueue

T = TypeVar("T")

# Server-side idle timeouts and restarts close connections; instead of a `SELECT 1` before every checkout
# (pool_pre_ping), connections are replaced after this age and a dropped one is retried once
# (`retry_on_disconnect`).
POSTGRES_POOL_RECYCLE_SECONDS = 300
SQLITE_CACHE_KIB = 512


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": echo}
    if database_url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": SQLITE_LOCK_TIMEOUT_SECONDS}
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_recycle=POSTGRES_POOL_RECYCLE_SECONDS)
    engine = create_async_engine(database_url, **kwargs)
    if database_url.startswith("sqlite"):
        _configure_sqlite(engine)
    return engine


def configure_sqlite_connection(dbapi_connection: Any) -> None:
    """Settings of every SQLite connection the app opens (the engine's and ``db/sqlite_batch.py``'s)."""
    # WAL lets readers run beside the single writer; foreign keys are off by default in SQLite. Autocommit mode:
    # transactions start with BEGIN IMMEDIATE (the engine's ``begin`` event, ``sqlite_batch.py``) so two writers
    # queue on the lock instead of failing with "database is locked" when one upgrades a read to a write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_LOCK_TIMEOUT_SECONDS * 1000)}")
    # Page cache per connection (default 2 MiB, and the app keeps several connections): pages also stay in the
    # operating system's file cache, so a smaller one costs a read call, not a disk access.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _configure_sqlite(engine: AsyncEngine) -> None:
    writers = SqliteWriterQueue(engine.sync_engine)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        configure_sqlite_connection(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Transactions of this process queue in the event loop first (FIFO, no polling); SQLite's busy handler
        # (which sleeps in steps of up to 100 ms) then only waits for other processes.
        writers.acquire(connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            # Cancelled (aiosqlite's thread may still run BEGIN IMMEDIATE) or failed: end it before the next turn.
            writers.settle(connection.connection.dbapi_connection)
            raise


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def retry_on_disconnect(operation: Callable[[], Awaitable[T]]) -> T:
    """Run ``operation`` (one whole transaction); run it again once if the database had dropped its connection.

    SQLAlchemy invalidates the pool when it sees a disconnect, so the second attempt gets a new connection. For
    operations whose repetition is harmless: if the connection dropped during COMMIT the first attempt may have
    committed (webhooks are at-least-once anyway: Saleor retries whatever it did not see answered)."""
    try:
        return await operation()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return await operation()
