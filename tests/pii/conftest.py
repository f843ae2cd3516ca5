from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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
