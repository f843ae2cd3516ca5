"""The incremental sync of one connection: ``searchOrders`` by ``lastUpdatedAfter`` over windows that start one
overlap before the stored cursor and end at least two minutes in the past; one call covers all of the connection's
marketplaces in its region.

searchOrders allows a burst of 20 calls, then one per 180 s, and every page is a call. A run pages as long as the
seller's bucket has tokens (the burst catches up a backlog), stores each page (and where paging stands) in one
transaction, and then reschedules itself for the moment the next token exists: at the steady 180 s cadence an
Amazon change reaches Saleor within about 2–5 minutes. While push is healthy (``push/health.py``: ORDER_CHANGE
notifications bring each change within seconds) the sync is the safety net: a catch-up sweep every
``ASC_PUSH_CATCH_UP_SECONDS`` that counts what push missed; when push degrades it is back at full speed within a
minute. A job never sleeps on the rate limit while holding a worker,
so sellers of all tenants take turns by ``run_after``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.amazon.client import WINDOW_END_LAG
from saleor_asc_app.amazon.errors import (
    AccessDenied,
    AuthorizationRevoked,
    ClientSecretInvalid,
    InvalidInput,
    LwaError,
    SpApiError,
)
from saleor_asc_app.amazon.models.orders import IMPORT_INCLUDED_DATA
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.amazon_access import ConnectionNotAuthorized, connection_client
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, record_progress
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.backfill import plan_backfill
from saleor_asc_app.orders.pii import BuyerPseudonyms
from saleor_asc_app.orders.replay import has_candidates
from saleor_asc_app.orders.schedule import enqueue_writer
from saleor_asc_app.orders.stored_orders import store_orders
from saleor_asc_app.orders.tables import SyncCursor
from saleor_asc_app.push.health import connection_status, count_missed
from saleor_asc_app.state import AppState

log = get_logger(__name__)

OVERLAP = timedelta(minutes=5)
END_LAG = WINDOW_END_LAG + timedelta(seconds=5)
MIN_WINDOW = timedelta(seconds=30)
TOKEN_MAX_AGE = timedelta(hours=23)  # Amazon's pagination tokens live 24 h
PAGE_SIZE = 100
INLINE_WAIT = 1.0  # a token this close is waited for inside the run
ERROR_DELAY = 300.0
AUTH_ERROR_DELAY = 3600.0
PAUSED_RECHECK = 300.0  # a paused connection (expired, revoked) looks at its state again; no Amazon call
REPLAY_CHECK = timedelta(minutes=10)
# Pages one run may fetch before it gives the worker back (and is due again at once): with Amazon's default limits
# the burst of 20 ends a run first, but a seller granted a higher rate (x-amzn-RateLimit-Limit) would otherwise page
# a large backlog in one run past the job's timeout, and hold a worker while other tenants wait.
MAX_PAGES_PER_RUN = 25
PUSH_RECHECK = 60.0  # while push is healthy the sync wakes this often to look at push health (no Amazon call)


@dataclass
class SyncOutcome:
    pages: int = 0
    orders: int = 0
    next_in: float | None = None  # seconds until the next run; None: the connection is gone, stop


def steady_interval(state: AppState, connection: AmazonConnection) -> float:
    """Seconds between calls that searchOrders sustains for the seller (180 s by default)."""
    rate = state.amazon.rate_of(connection, ops.SEARCH_ORDERS)
    return 1.0 / rate if rate > 0 else 180.0


async def load_connection(
    state: AppState, session: AsyncSession, installation_id: uuid.UUID, connection_id: str
) -> tuple[AmazonConnection | None, int]:
    loaded = await load_configuration(session, state, installation_id)
    connection = loaded.config.connection(connection_id)
    return connection, loaded.version


async def cursor_row(
    state: AppState, session: AsyncSession, installation_id: uuid.UUID, connection: AmazonConnection
) -> SyncCursor:
    """The connection's cursor; the first sync starts one overlap before now, and what lies before is the
    backfill's (from the configured start date)."""
    row = (
        await session.execute(
            select(SyncCursor).where(
                SyncCursor.installation_id == installation_id, SyncCursor.connection_id == connection.id
            )
        )
    ).scalar_one_or_none()
    if row is None:
        now = state.clock.now()
        row = SyncCursor(
            installation_id=installation_id,
            connection_id=connection.id,
            seller_id=connection.seller_id,
            cursor=now - OVERLAP,
            started_at=now,
        )
        session.add(row)
        await session.flush()
        await plan_backfill(state, session, installation_id, connection.id, until=now)
    return row


async def sync_connection(
    state: AppState, installation_id: uuid.UUID, connection_id: str, *, job_id: uuid.UUID | None = None
) -> SyncOutcome:
    outcome = SyncOutcome()
    clock = state.clock
    access = state.amazon
    pseudonyms = BuyerPseudonyms(state.settings.master_key)
    sink = state.pii_sink
    parsed = state.parsed_orders
    async with state.sessionmaker() as session, session.begin():
        connection, version = await load_connection(state, session, installation_id, connection_id)
        if connection is None:
            return outcome
        cursor = await cursor_row(state, session, installation_id, connection)
        now = clock.now()
        if cursor.replay_checked_at is None or now - cursor.replay_checked_at >= REPLAY_CHECK:
            # Parked orders whose cause may be gone (a configuration change, a variant added in Saleor) are
            # re-checked by the writer; make sure it runs now and then even when Amazon has nothing new.
            cursor.replay_checked_at = now
            if await has_candidates(session, installation_id, version):
                await enqueue_writer(session, installation_id, now=now)
        lifetime = state.settings.authorization_lifetime_days
        usability = await authorization.usable(session, installation_id, connection, now=now, lifetime_days=lifetime)
        if not usability.usable and usability.state is not authorization.State.NOT_AUTHORIZED:
            _note_error(cursor, usability.reason or "paused", now, PAUSED_RECHECK)
            outcome.next_in = PAUSED_RECHECK
            return outcome
        try:
            client = await connection_client(state, session, installation_id, connection)
        except ConnectionNotAuthorized as exc:
            _note_error(cursor, str(exc), clock.now(), AUTH_ERROR_DELAY)
            outcome.next_in = AUTH_ERROR_DELAY
            return outcome
        seller_id = connection.seller_id
        interval = steady_interval(state, connection)
        push = await connection_status(session, state.settings, installation_id, connection.id, now=clock.now())
        sweeping = push.healthy  # push brings the changes: this run is the catch-up sweep (safety net)
        if sweeping and cursor.window_start is None:
            wait = _catch_up_wait(state, cursor, clock.now())
            if wait > 0:
                outcome.next_in = wait
                cursor.next_run_at = clock.now() + timedelta(seconds=wait)
                return outcome
        outcome.next_in = _plan_window(
            cursor, clock.now(), await access.wait_time(connection, ops.SEARCH_ORDERS), interval
        )
        if outcome.next_in is not None:
            cursor.next_run_at = clock.now() + timedelta(seconds=outcome.next_in)
            return outcome
    try:
        while True:
            try:
                page = await client.search_orders(
                    last_updated_after=cursor.window_start,
                    last_updated_before=cursor.window_end,
                    marketplace_ids=list(connection.marketplace_ids) or None,
                    included_data=IMPORT_INCLUDED_DATA,
                    max_results_per_page=PAGE_SIZE,
                    pagination_token=cursor.next_token,
                )
            except InvalidInput:
                if not cursor.next_token:
                    raise
                page = None  # Amazon refused the pagination token (expired): page the window again
            now = clock.now()
            async with state.sessionmaker() as session, session.begin():
                if job_id is not None:
                    await record_progress(session, job_id)
                row = await _cursor(session, installation_id, connection_id)
                if page is None:
                    row.window_start = row.window_end = row.next_token = None
                else:
                    if sweeping:
                        await count_missed(session, installation_id, connection_id, page.orders)
                    stored = await store_orders(
                        session,
                        installation_id=installation_id,
                        connection_id=connection_id,
                        orders=page.orders,
                        now=now,
                        sink=sink,
                        pseudonyms=pseudonyms,
                        parsed=parsed,
                    )
                    row.pages += 1
                    row.orders_seen += len(page.orders)
                    row.page_at = now
                    row.last_error = None
                    if page.next_token:
                        row.next_token = page.next_token
                    else:
                        assert row.window_end is not None
                        row.cursor = max(row.cursor, row.window_end)
                        row.window_start = row.window_end = row.next_token = None
                        row.last_success_at = now
                    if stored.queued or stored.followups:
                        await enqueue_writer(session, installation_id, now=now)
                    outcome.pages += 1
                    outcome.orders += len(page.orders)
                outcome.next_in = _plan_window(
                    row, now, await access.wait_time(connection, ops.SEARCH_ORDERS), interval
                )
                if outcome.next_in is None and outcome.pages >= MAX_PAGES_PER_RUN:
                    outcome.next_in = 0.0
                if outcome.next_in is not None:
                    row.next_run_at = now + timedelta(seconds=outcome.next_in)
                    return outcome
                cursor = row
    except (SpApiError, ConnectionNotAuthorized) as exc:
        auth = isinstance(exc, LwaError | AccessDenied | ConnectionNotAuthorized)
        delay = AUTH_ERROR_DELAY if auth else ERROR_DELAY
        log.warning("order sync failed", seller_id=seller_id, error_code=getattr(exc, "code", "ERROR"))
        async with state.sessionmaker() as session, session.begin():
            if isinstance(exc, AuthorizationRevoked | ClientSecretInvalid):
                mark = (
                    authorization.mark_revoked
                    if isinstance(exc, AuthorizationRevoked)
                    else authorization.mark_client_secret_invalid
                )
                await mark(session, installation_id, connection_id, now=clock.now())
                delay = PAUSED_RECHECK
            _note_error(await _cursor(session, installation_id, connection_id), str(exc), clock.now(), delay)
        outcome.next_in = delay
        return outcome


def _catch_up_wait(state: AppState, cursor: SyncCursor, now: datetime) -> float:
    """While push is healthy: seconds until the next catch-up sweep is due, at most ``PUSH_RECHECK`` (push health is
    looked at again then, so a degraded push brings full-speed polling back within that)."""
    since = cursor.last_success_at or cursor.started_at
    due = timedelta(seconds=state.settings.push_catch_up_seconds) - (now - since)
    return min(max(due.total_seconds(), 0.0), PUSH_RECHECK) if due.total_seconds() > 0 else 0.0


def _plan_window(cursor: SyncCursor, now: datetime, wait: float, interval: float) -> float | None:
    """Set up the next window if none is being paged; None when a page should be fetched now, otherwise the
    seconds until the next run (no new window yet, or no searchOrders token)."""
    if cursor.window_start is None or cursor.window_end is None:
        start, end = cursor.cursor - OVERLAP, now - END_LAG
        if end - cursor.cursor < MIN_WINDOW:
            return max(interval, wait)
        cursor.window_start, cursor.window_end, cursor.next_token = start, end, None
    elif cursor.next_token and cursor.page_at and now - cursor.page_at > TOKEN_MAX_AGE:
        cursor.next_token = None  # Amazon's token has expired: page the window again from its start
        cursor.window_end = now - END_LAG
    return wait if wait > INLINE_WAIT else None


def _note_error(cursor: SyncCursor, message: str, now: datetime, delay: float) -> None:
    cursor.last_error = message[:2000]
    cursor.last_error_at = now
    cursor.next_run_at = now + timedelta(seconds=delay)


async def _cursor(session: AsyncSession, installation_id: uuid.UUID, connection_id: str) -> SyncCursor:
    return (
        await session.execute(
            select(SyncCursor).where(
                SyncCursor.installation_id == installation_id, SyncCursor.connection_id == connection_id
            )
        )
    ).scalar_one()


async def run_sync_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    outcome = await sync_connection(ctx, job.installation_id, str(job.payload["connection_id"]), job_id=job.id)
    if outcome.next_in is not None:
        # Not a failure: the sync is a standing job that runs again when searchOrders has a token.
        raise RetryJob(f"next sync in {outcome.next_in:.0f} s", delay=outcome.next_in, count_attempt=False)
