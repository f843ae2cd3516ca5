from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from tests.db_servers import PostgresServer, SqliteTemplate
from tests.doubles.saleor_double import SaleorDouble
from tests.harness import AppEnv, app_env
from tests.log_capture import app_logs
from tests.notifications.smtp_server import SmtpSink, smtp_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", help="run the long forms of the reliability suites")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--long"):
        return
    skip = pytest.mark.skip(reason="long form; run with --long")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    """A fresh migrated database; every test that uses it runs on SQLite and on PostgreSQL."""
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.new_database()
    return sqlite_template.new_database(tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    """A fresh migrated SQLite database, for tests whose subject is not the database."""
    return sqlite_template.new_database(tmp_path)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def saleor() -> SaleorDouble:
    double = SaleorDouble()
    double.seed_demo()
    return double


@pytest.fixture
async def env(database_url: str, tmp_path: Path, saleor: SaleorDouble) -> AsyncIterator[AppEnv]:
    """The app on a fresh database (SQLite and PostgreSQL), wired to a seeded Saleor double; not installed yet."""
    async with app_env(database_url, tmp_path, saleor=saleor) as environment:
        yield environment


@pytest.fixture
async def installed(env: AppEnv) -> AppEnv:
    await env.install()
    return env


@pytest.fixture
async def installed_sqlite(sqlite_url: str, tmp_path: Path, saleor: SaleorDouble) -> AsyncIterator[AppEnv]:
    """Installed app on SQLite only, for tests whose subject is not the database."""
    async with app_env(sqlite_url, tmp_path, saleor=saleor) as environment:
        await environment.install()
        yield environment


@pytest.fixture
def captured_logs() -> Iterator[Callable[[], str]]:
    """Everything the app logs (structlog and stdlib, at DEBUG, through its redaction), written to a buffer."""
    with app_logs() as logs:
        yield logs


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server on a free port, keeping what it receives."""
    with smtp_server() as sink:
        yield sink
