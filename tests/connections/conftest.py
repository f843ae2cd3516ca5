from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.connections.harness import ConnEnv, connections_env
from tests.notifications.smtp_server import SmtpSink


@pytest.fixture
async def conn(database_url: str, tmp_path: Path, smtp: SmtpSink) -> AsyncIterator[ConnEnv]:
    """Installed app + simulator + SMTP server, on SQLite and on PostgreSQL."""
    async with connections_env(database_url, tmp_path, smtp=smtp) as environment:
        yield environment


@pytest.fixture
async def conn_sqlite(sqlite_url: str, tmp_path: Path, smtp: SmtpSink) -> AsyncIterator[ConnEnv]:
    """The same on SQLite only, for tests whose subject is not the database."""
    async with connections_env(sqlite_url, tmp_path, smtp=smtp) as environment:
        yield environment
