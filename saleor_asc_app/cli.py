"""The ``saleor-asc-app`` command line."""

from __future__ import annotations

import asyncio
import ctypes
import errno
import gc
import multiprocessing
import signal
import socket
import sys
from datetime import datetime

import click

from saleor_asc_app.logging import configure_logging, get_logger
from saleor_asc_app.settings import Settings, SettingsError, load_settings

log = get_logger(__name__)


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    configure_logging(settings.log_level, json=settings.log_json)
    return settings


def _prepare_database(settings: Settings, *, migrated: bool = True) -> None:
    """The SQLite file with private permissions, and a database that answers (and has been migrated, unless the
    command migrates it); else one line and exit 1."""
    from saleor_asc_app.db.preflight import DatabaseUnavailable, prepare_database

    try:
        prepare_database(settings.resolved_database_url, migrated=migrated)
    except DatabaseUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def _migrate(settings: Settings) -> None:
    from saleor_asc_app.db.migrate import upgrade

    upgrade(settings.resolved_database_url)


def _listen(host: str, port: int) -> socket.socket:
    """Bind the listening socket before anything starts, so a busy port is said at once, in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            problem = "the port is already in use (is the app already running?); stop that process or pass --port"
        elif exc.errno == errno.EACCES:
            problem = "permission denied (ports below 1024 need privileges); pass --port 8000 or higher"
        else:
            problem = f"{exc.strerror or exc}; check --host"
        click.echo(f"error: cannot listen on {host}:{port}: {problem}.", err=True)
        sys.exit(1)


def _migrate_in_child(settings: Settings) -> None:
    """Migrate from a forked child: Alembic and the migration scripts (about 7 MiB) stay out of the long-lived
    serving process."""
    child = multiprocessing.get_context("fork").Process(target=_migrate, args=(settings,), name="migrate")
    child.start()
    child.join()
    if child.exitcode != 0:
        click.echo(f"error: database migration failed (exit code {child.exitcode})", err=True)
        sys.exit(1)


def _limit_malloc_arenas() -> None:
    """glibc gives every thread that allocates its own malloc arena (aiosqlite runs a thread per connection); memory
    freed in one is not reused by another, which shows as slowly growing RSS. Two arenas are plenty for one event
    loop. Elsewhere (musl, macOS) there is nothing to do."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_arena_max = -8  # <malloc.h>
    mallopt(m_arena_max, 2)


@click.group()
@click.version_option(package_name="saleor-asc-app", prog_name="saleor-asc-app")
def main() -> None:
    """Saleor App for Amazon Seller Central."""


@main.command()
def migrate() -> None:
    """Apply database migrations."""
    settings = _settings()
    _prepare_database(settings, migrated=False)
    _migrate(settings)
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--no-worker", is_flag=True, help="Do not run background jobs in this process.")
@click.option("--no-migrate", is_flag=True, help="Do not apply migrations on start (SQLite applies them by default).")
def serve(host: str, port: int, no_worker: bool, no_migrate: bool) -> None:
    """Serve the app (and, by default, run its background jobs in the same process)."""
    import uvicorn

    from saleor_asc_app.app import create_app

    settings = _settings()
    listener = _listen(host, port)
    settings.master_key  # noqa: B018  (generate the embedded key before serving, with its warning)
    _limit_malloc_arenas()
    migrates = settings.is_sqlite and not no_migrate
    _prepare_database(settings, migrated=not migrates)
    if migrates:
        _migrate_in_child(settings)
    if settings.demo_mode:
        log.info("no Amazon credentials set (ASC_LWA_CLIENT_ID): Amazon calls go to the built-in simulator")
    app = create_app(settings, run_worker=not no_worker and settings.run_worker_in_process)
    # Everything loaded so far lives as long as the process: keep it out of the collector's full passes, which
    # otherwise walk the whole of SQLAlchemy, pydantic and strawberry and show up as latency spikes.
    gc.freeze()
    config = uvicorn.Config(app, log_config=None, proxy_headers=True, forwarded_allow_ips="*")
    shown_host = f"[{host}]" if ":" in host else host
    log.info("listening", url=f"http://{shown_host}:{listener.getsockname()[1]}")
    uvicorn.Server(config).run(sockets=[listener])


@main.command()
def worker() -> None:
    """Run background jobs only (for deployments that scale workers separately)."""
    from saleor_asc_app.app import build_worker
    from saleor_asc_app.connections.checks import ensure_sweep
    from saleor_asc_app.push.consumer import start_consumer, stop_consumer
    from saleor_asc_app.wiring import build_state

    settings = _settings()
    _prepare_database(settings)
    _limit_malloc_arenas()

    async def run() -> None:
        state = build_state(settings)
        await ensure_sweep(state)  # the daily authorization sweep (also started by `serve`)
        worker = build_worker(state)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, worker.stop)
        consumer = start_consumer(state)  # the SQS consumer of push, when a queue is configured
        try:
            await worker.run()
        finally:
            await stop_consumer(consumer)
            await state.aclose()

    asyncio.run(run())


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def simulator(args: tuple[str, ...]) -> None:
    """Run the SP-API simulator (Amazon stand-in for demos and tests); `simulator --help` lists options."""
    from saleor_asc_app.simulator.__main__ import main as run_simulator

    sys.exit(run_simulator(list(args), prog="saleor-asc-app simulator"))


@main.command("import")
@click.option("--since", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (UTC) to import.")
@click.option("--saleor-url", default=None, help="The installation's Saleor API URL (needed with several).")
@click.option("--connection", "connection_id", default=None, help="One Amazon connection id (default: all).")
def import_orders(since: datetime, saleor_url: str | None, connection_id: str | None) -> None:
    """Backfill Amazon orders from a date in the foreground (the backfill job, with a progress line); resumable."""
    from saleor_asc_app.orders.import_command import run_import_command
    from saleor_asc_app.wiring import build_state

    settings = _settings()
    _prepare_database(settings)
    code = run_import_command(
        settings,
        build_state,
        since=since.date(),
        saleor_url=saleor_url,
        connection_id=connection_id,
        out=sys.stdout,
        err=sys.stderr,
    )
    sys.exit(code)


@main.command("rotate-keys")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000))
def rotate_keys(batch_size: int) -> None:
    """Re-wrap buyer-data keys under ASC_SECRET_KEY (old keys in ASC_PREVIOUS_SECRET_KEYS); runs beside the app."""
    from saleor_asc_app.pii.cli import run_rotate_keys

    settings = _settings()
    _prepare_database(settings)
    sys.exit(run_rotate_keys(settings, batch_size))


if __name__ == "__main__":
    main()
