"""Real databases for the tests: a migrated SQLite file, and a throw-away PostgreSQL cluster.

PostgreSQL comes from ``ASC_TEST_POSTGRES_URL`` when set, otherwise ``scripts/postgres`` starts a cluster for the
test session (installing the server from Debian when it is missing and we are root). Each test gets a fresh
database copied from a migrated template, so migrations run once per session.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg

from saleor_asc_app.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DB = "asc_template"


def run_sync(coroutine_function: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
    """Run async set-up from a sync fixture in a thread of its own, whatever event loop this thread runs."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function(*args))).result()


def migrate(url: str) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(upgrade, url).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    def __init__(self) -> None:
        self._dir: str | None = None
        self.url = os.environ.get("ASC_TEST_POSTGRES_URL", "")
        self._template_ready = False

    def start(self) -> None:
        if self.url:
            return
        self._dir = tempfile.mkdtemp(prefix="asc-pg-", dir="/tmp")
        os.chmod(self._dir, 0o755)
        out = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), "start", f"{self._dir}/data", str(free_port())],
            check=True,
            capture_output=True,
            text=True,
        )
        self.url = out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        if self._dir:
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", f"{self._dir}/data"], check=False)
            shutil.rmtree(self._dir, ignore_errors=True)

    def _dsn(self, database: str) -> str:
        base = self.url.replace("postgresql+asyncpg://", "postgresql://")
        return base.rsplit("/", 1)[0] + "/" + database

    async def _admin(self, *statements: str) -> None:
        conn = await asyncpg.connect(self._dsn("postgres"))
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    def new_database(self) -> str:
        """A fresh, migrated database; returns its SQLAlchemy URL."""
        if not self._template_ready:
            run_sync(self._admin, f"DROP DATABASE IF EXISTS {TEMPLATE_DB}", f"CREATE DATABASE {TEMPLATE_DB}")
            migrate(self.url.rsplit("/", 1)[0] + "/" + TEMPLATE_DB)
            self._template_ready = True
        name = f"asc_{uuid.uuid4().hex[:12]}"
        run_sync(self._admin, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
        return self.url.rsplit("/", 1)[0] + "/" + name


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self._path = directory / "template.sqlite3"
        self._ready = False

    def new_database(self, directory: Path) -> str:
        if not self._ready:
            migrate(f"sqlite+aiosqlite:///{self._path}")
            self._ready = True
        target = directory / "app.sqlite3"
        shutil.copyfile(self._path, target)
        return f"sqlite+aiosqlite:///{target}"


def iter_backends() -> Iterator[str]:
    yield "sqlite"
    yield "postgres"
