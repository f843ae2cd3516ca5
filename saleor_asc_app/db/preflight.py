"""Before a command uses the database: the SQLite file and its directory exist with private permissions (0600 and
0700, whichever command runs first), and the database answers. A failure is one line that names the server and
what to check, never a traceback or the password."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from saleor_asc_app.db.session import create_engine

CONNECT_TIMEOUT_SECONDS = 15.0


class DatabaseUnavailable(Exception):
    """The database cannot be used; the message is one line for the operator."""


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def prepare_sqlite_file(path: Path) -> None:
    """Create the directory (0700) and the empty database file (0600) unless they exist; SQLite gives its -wal and
    -shm files the database file's permissions."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def describe(database_url: str) -> str:
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        return f"SQLite database {url.database}"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return f"PostgreSQL at {where} (database {url.database or '?'}, user {url.username or '?'})"


def unreachable_message(database_url: str, exc: BaseException) -> str:
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(cause, TimeoutError):
        reason = f"no answer within {CONNECT_TIMEOUT_SECONDS:.0f} s"
    else:
        reason = " ".join(str(cause).split())[:300] or type(cause).__name__
    password = make_url(database_url).password
    if password:
        reason = reason.replace(str(password), "***")
    if make_url(database_url).drivername.startswith("sqlite"):
        advice = "check that the directory exists and is writable by this user (ASC_DATA_DIR / ASC_DATABASE_URL)"
    else:
        advice = (
            "check that the server is running and reachable from here (host, port, firewall) and the user, "
            "password and database name in ASC_DATABASE_URL"
        )
    return f"cannot connect to {describe(database_url)}: {reason}; {advice}."


async def check_connection(database_url: str, *, migrated: bool = False) -> None:
    """Raise ``DatabaseUnavailable`` unless the database answers a query (and, with ``migrated``, has been
    migrated: Alembic's version table has its row)."""
    engine = create_engine(database_url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            if migrated:
                try:
                    version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).first()
                except DBAPIError:
                    version = None
                if version is None:
                    raise DatabaseUnavailable(
                        f"the {describe(database_url)} has no tables yet: run `saleor-asc-app migrate` first."
                    )
    except DatabaseUnavailable:
        raise
    except Exception as exc:  # any failure to connect means the same to the operator: check the server
        raise DatabaseUnavailable(unreachable_message(database_url, exc)) from None
    finally:
        await engine.dispose()


def prepare_database(database_url: str, *, migrated: bool = False) -> None:
    """Private SQLite file, then a connection check (sync: for the command line, before any event loop)."""
    path = sqlite_path(database_url)
    if path is not None:
        try:
            prepare_sqlite_file(path)
        except OSError as exc:
            raise DatabaseUnavailable(unreachable_message(database_url, exc)) from None
    asyncio.run(check_connection(database_url, migrated=migrated))
