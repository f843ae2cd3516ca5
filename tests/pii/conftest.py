from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import structlog

from saleor_asc_app.logging import configure_logging
from tests.pii.harness import PiiEnv, pii_env


@pytest.fixture
async def env(database_url: str, tmp_path: Path) -> AsyncIterator[PiiEnv]:
    """Two installed stores on SQLite and on PostgreSQL."""
    async with pii_env(database_url, tmp_path) as environment:
        yield environment


@pytest.fixture
async def env_sqlite(sqlite_url: str, tmp_path: Path) -> AsyncIterator[PiiEnv]:
    """Two installed stores on SQLite, for tests whose subject is not the database."""
    async with pii_env(sqlite_url, tmp_path) as environment:
        yield environment


@pytest.fixture
def captured_logs() -> Iterator[Callable[[], str]]:
    """Everything the app logs (structlog and stdlib, at DEBUG, through its redaction), written to a buffer."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    buffer = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(buffer))
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    yield buffer.getvalue
    structlog.configure(**saved)
    root.handlers = handlers
    root.setLevel(level)
