"""``saleor-asc-app import --since DATE``: the report-based backfill (``backfill.py``) of one installation's Amazon
connections, run in the foreground with a progress line, followed by the Saleor writer (``writer.py``).

It is the backfill job run by hand, not a second implementation: the command takes over the connection's
``orders.backfill`` job (and, to write, the installation's ``orders.write`` job) through the job table — it leases
the job like a worker does and extends the lease while it runs. So a worker never runs the same backfill or a second
writer at the same time: while the worker holds the backfill, the command refuses to start; while it holds the
writer, the command waits. Progress is the backfill's stored progress: Ctrl-C gives the job back (due at once) and
the same command later continues where it stopped; the writer's exactly-once rules mean nothing is imported twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import configuration_repository, load_configuration
from saleor_asc_app.connections import authorization
from saleor_asc_app.db.models import Installation
from saleor_asc_app.installations import get_by_url, normalise_api_url
from saleor_asc_app.jobs.queue import ClaimedJob, take_job
from saleor_asc_app.jobs.worker import make_worker_id
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.backfill import AUTH_ERROR_DELAY, backfill_row, plan_backfill, run_backfill, start_of_day
from saleor_asc_app.orders.schedule import enqueue_backfill, enqueue_writer
from saleor_asc_app.orders.sync import cursor_row
from saleor_asc_app.orders.tables import AmazonOrder, Backfill, BackfillStatus, OrderState
from saleor_asc_app.orders.writer import release_unique_key, write_orders
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState

log = get_logger(__name__)

EXIT_REFUSED = 2  # unknown installation or connection, not authorized, bad date
EXIT_BUSY = 3  # the worker is running this backfill right now
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
WRITER_RETRY_SECONDS = 2.0  # the worker holds the installation's writer: look again after this


class ImportRefused(Exception):
    """The import cannot start or go on; the message says why and what to do."""

    def __init__(self, message: str, exit_code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Progress:
    connection_id: str
    seller_id: str
    status: str
    windows_done: int
    windows_total: int
    found: int
    fetched: int
    imported: int
    parked: int
    waiting: int
    other: int  # cancelled or skipped
    last_error: str | None = None

    def line(self) -> str:
        text = (
            f"{self.connection_id}: windows {self.windows_done}/{self.windows_total} · found {self.found}"
            f" · fetched {self.fetched} · imported {self.imported} · parked {self.parked} · waiting {self.waiting}"
            f" · cancelled/skipped {self.other} · {self.status}"
        )
        return f"{text} ({self.last_error})" if self.last_error else text


ProgressSink = Callable[[Progress], None]


@dataclass(frozen=True)
class ImportResult:
    installation_id: uuid.UUID
    connections: tuple[Progress, ...]


# --- the command ---------------------------------------------------------------------------------------------------


class ImportCommand:
    def __init__(
        self,
        state: AppState,
        *,
        since: date,
        saleor_url: str | None = None,
        connection_id: str | None = None,
        progress: ProgressSink | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.state = state
        self.since = start_of_day(since)
        self.saleor_url = saleor_url
        self.connection_id = connection_id
        self.progress = progress or (lambda _p: None)
        self.worker_id = worker_id or f"import-command:{make_worker_id()}"
        self.lease = float(state.settings.job_lease_seconds)
        self._held: ClaimedJob | None = None  # the backfill job while the command runs it

    async def run(self) -> ImportResult:
        installation_id, connections = await self._resolve()
        done = []
        for connection in connections:
            done.append(await self._connection(installation_id, connection))
        return ImportResult(installation_id, tuple(done))

    # --- what to import ------------------------------------------------------------------------------------------

    async def _resolve(self) -> tuple[uuid.UUID, list[AmazonConnection]]:
        state = self.state
        now = state.clock.now()
        if self.since >= now:
            raise ImportRefused(f"--since {self.since.date()} is not in the past.")
        try:
            async with state.sessionmaker() as session:
                installation = await self._installation(session)
                installation_id = installation.id
                loaded = await load_configuration(session, state, installation.id)
                connections = list(loaded.config.connections)
                if self.connection_id is not None:
                    connections = [c for c in connections if c.id == self.connection_id]
                    if not connections:
                        known = ", ".join(c.id for c in loaded.config.connections) or "none configured"
                        raise ImportRefused(
                            f"Unknown Amazon connection {self.connection_id!r} for {installation.saleor_api_url} "
                            f"(connections: {known})."
                        )
                if not connections:
                    raise ImportRefused(
                        f"{installation.saleor_api_url} has no Amazon connection: add one on the app's configuration "
                        "page first."
                    )
                repository = configuration_repository(session, state)
                lifetime = state.settings.authorization_lifetime_days
                for connection in connections:
                    usability = await authorization.usable(
                        session, installation.id, connection, now=now, lifetime_days=lifetime
                    )
                    token = await repository.refresh_token(installation.id, connection.id)
                    if not token or (
                        not usability.usable and usability.state is not authorization.State.NOT_AUTHORIZED
                    ):
                        reason = usability.reason or "it has no authorization: authorize it on the app's page."
                        raise ImportRefused(
                            f"Amazon connection {connection.id!r} (seller {connection.seller_id}) is not authorized: "
                            f"{reason}"
                        )
                await session.rollback()  # usable() may have written the connection's status row; the sync owns it
        except (OperationalError, ProgrammingError) as exc:
            raise ImportRefused(
                f"The database is not ready ({type(exc.orig).__name__ if exc.orig else 'error'}): "
                "run `saleor-asc-app migrate` first."
            ) from None
        return installation_id, connections

    async def _installation(self, session: AsyncSession) -> Installation:
        if self.saleor_url:
            installation = await get_by_url(session, self.saleor_url)
            if installation is None:
                raise ImportRefused(
                    f"No installation for {normalise_api_url(self.saleor_url)}: install the app in that Saleor "
                    "first (or check the URL, e.g. https://shop.example.com/graphql/)."
                )
            return installation
        installations: Sequence[Installation] = (await session.execute(select(Installation).limit(2))).scalars().all()
        if not installations:
            raise ImportRefused("The app is not installed in any Saleor yet: install it first.")
        if len(installations) > 1:
            raise ImportRefused("The app is installed in several Saleor instances: choose one with --saleor-url.")
        return installations[0]

    # --- one connection --------------------------------------------------------------------------------------------

    async def _connection(self, installation_id: uuid.UUID, connection: AmazonConnection) -> Progress:
        state = self.state
        async with state.sessionmaker() as session, session.begin():
            now = state.clock.now()
            # The backfill reaches up to where the incremental sync begins; the sync starts here if it has not yet.
            cursor = await cursor_row(state, session, installation_id, connection)
            until = _utc(cursor.started_at)
            row = await backfill_row(session, installation_id, connection.id)
            restart = (
                row is not None
                and (row.status == BackfillStatus.FAILED.value or _utc(row.since) != self.since)
                and self.since < until
            )
            row = await plan_backfill(
                state, session, installation_id, connection.id, until=until, since=self.since, restart=restart
            )
            if row is None:
                raise ImportRefused(
                    f"Nothing to backfill for {connection.id!r}: its sync began at {until.isoformat()}, "
                    f"before --since {self.since.date()}."
                )
            if row.status != BackfillStatus.DONE.value:
                await enqueue_backfill(session, installation_id, connection.id, now=now)
                job = await take_job(
                    session,
                    _backfill_key(installation_id, connection.id),
                    self.worker_id,
                    now=now,
                    lease_seconds=self.lease,
                )
                if job is None:
                    raise ImportRefused(
                        f"The worker is running the backfill of {connection.id!r} right now; wait for it (its "
                        "progress shows on the order inbox) or stop the worker and run this command again.",
                        EXIT_BUSY,
                    )
                self._held = job
        try:
            await self._report(installation_id, connection)
            while self._held is not None:
                delay = await run_backfill(state, installation_id, connection.id)
                await self._heartbeat()
                progress = await self._report(installation_id, connection)
                if delay is None:
                    break
                if progress.last_error and delay >= AUTH_ERROR_DELAY:
                    raise ImportRefused(f"Amazon refused the backfill of {connection.id!r}: {progress.last_error}", 1)
                await self._write(installation_id, wait=False)
                await self._sleep(delay)
            # Everything the backfill found is decided and written before the command ends.
            await self._write(installation_id, wait=True)
            if self._held is not None:
                await state.queue.complete(self._held.id, self.worker_id, now=state.clock.now())
                self._held = None
            return await self._report(installation_id, connection)
        finally:
            if self._held is not None:  # interrupted or failed: the worker may continue from the stored progress
                job, self._held = self._held, None
                await asyncio.shield(self._release(job))

    async def _release(self, job: ClaimedJob) -> None:
        await self.state.queue.fail(
            job.id,
            self.worker_id,
            "the import command stopped; the backfill continues from its stored progress",
            now=self.state.clock.now(),
            delay=0.0,
            count_attempt=False,
        )

    async def _write(self, installation_id: uuid.UUID, *, wait: bool) -> None:
        """Run the installation's writer here, holding its job; when the worker runs it, wait or leave it to it."""
        state = self.state
        while True:
            async with state.sessionmaker() as session, session.begin():
                now = state.clock.now()
                await enqueue_writer(session, installation_id, now=now)
                job = await take_job(
                    session, f"write:{installation_id}", self.worker_id, now=now, lease_seconds=self.lease
                )
            if job is not None:
                break
            if not wait:
                return
            await self._sleep(WRITER_RETRY_SECONDS)
        try:
            await release_unique_key(state, job.id)  # as the worker's writer does: later orders queue a new run
            await write_orders(state, installation_id)
        except BaseException as exc:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            await asyncio.shield(state.queue.fail(job.id, self.worker_id, message, now=state.clock.now()))
            raise
        await state.queue.complete(job.id, self.worker_id, now=state.clock.now())

    async def _sleep(self, seconds: float) -> None:
        """Wait (report polling, rate limits) while keeping the backfill's lease alive."""
        step = max(1.0, self.lease / 3)
        while seconds > 0:
            chunk = min(seconds, step)
            await self.state.clock.sleep(chunk)
            seconds -= chunk
            await self._heartbeat()

    async def _heartbeat(self) -> None:
        if self._held is None:
            return
        if not await self.state.queue.heartbeat(self._held.id, self.worker_id, now=self.state.clock.now()):
            self._held = None
            raise ImportRefused("Lost the backfill's lease to another worker; it continues there.", EXIT_BUSY)

    async def _report(self, installation_id: uuid.UUID, connection: AmazonConnection) -> Progress:
        async with self.state.sessionmaker() as session:
            row = await backfill_row(session, installation_id, connection.id)
            assert row is not None
            progress = await progress_of(session, row, connection.seller_id)
        self.progress(progress)
        return progress


async def progress_of(session: AsyncSession, row: Backfill, seller_id: str) -> Progress:
    """The backfill's stored progress and the states of the orders in its range."""
    result = await session.execute(
        select(AmazonOrder.state, func.count())
        .where(
            AmazonOrder.installation_id == row.installation_id,
            AmazonOrder.connection_id == row.connection_id,
            AmazonOrder.amazon_created_at >= row.since,
            AmazonOrder.amazon_created_at < row.until,
        )
        .group_by(AmazonOrder.state)
    )
    counts: dict[str, int] = {state: count for state, count in result.all()}
    return Progress(
        connection_id=row.connection_id,
        seller_id=seller_id,
        status=row.status,
        windows_done=row.windows_done,
        windows_total=row.windows_total,
        found=row.orders_found,
        fetched=row.orders_fetched,
        imported=counts.get(OrderState.IMPORTED.value, 0) + counts.get(OrderState.SHIPPED.value, 0),
        parked=counts.get(OrderState.PARKED.value, 0),
        waiting=counts.get(OrderState.WAITING.value, 0) + counts.get(OrderState.READY.value, 0),
        other=counts.get(OrderState.CANCELLED.value, 0) + counts.get(OrderState.SKIPPED.value, 0),
        last_error=row.last_error,
    )


def _backfill_key(installation_id: uuid.UUID, connection_id: str) -> str:
    return f"backfill:{installation_id}:{connection_id}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- the terminal --------------------------------------------------------------------------------------------------


class ProgressLine:
    """One line rewritten in place on a terminal; elsewhere (logs, pipes) a line whenever the figures change."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last = ""
        self._width = 0

    def __call__(self, progress: Progress) -> None:
        text = progress.line()
        if text == self._last:
            return
        self._last = text
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._last:
            self.stream.write("\n")
            self.stream.flush()
            self._last = ""


def run_import_command(
    settings: Settings,
    build_state: Callable[[Settings], AppState],
    *,
    since: date,
    saleor_url: str | None,
    connection_id: str | None,
    out: IO[str],
    err: IO[str],
) -> int:
    """The command line's entry: runs the import to its end, in a state ``build_state`` makes (the wiring's),
    and returns the exit status."""
    line = ProgressLine(err)

    async def run() -> ImportResult:
        state = build_state(settings)
        try:
            command = ImportCommand(
                state, since=since, saleor_url=saleor_url, connection_id=connection_id, progress=line
            )
            return await command.run()
        finally:
            await state.aclose()

    try:
        result = asyncio.run(run())
    except ImportRefused as exc:
        line.finish()
        err.write(f"error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        line.finish()
        err.write("interrupted: the progress is stored; run the same command again to continue.\n")
        return EXIT_INTERRUPTED
    line.finish()
    for progress in result.connections:
        out.write(
            f"{progress.connection_id} (seller {progress.seller_id}): backfill {progress.status}; "
            f"{progress.imported} in Saleor, {progress.parked} parked, {progress.waiting} waiting, "
            f"{progress.other} cancelled or skipped\n"
        )
    return 0
