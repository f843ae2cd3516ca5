"""The backfill of one connection: orders from the configured start date up to where the incremental sync began.

1. The order-tracking report ``GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL`` finds the orders in bulk, one
   report per window of at most 30 days (Amazon's limit). Its rows carry ids, statuses and dates but not the
   breakdowns the money recipe needs. Orders it shows as pending or cancelled need nothing more: they are stored as
   waiting or cancelled (a pending order's next change lies after the sync's start, so the sync reads it).
2. Every other order is fetched with ``getOrder`` (its own bucket, 0.5/s, so the backfill never slows the sync),
   newest first.

Progress (windows, orders found and fetched) is stored after every step, so the job resumes where it stopped and
the inbox shows it. Reports are polled by rescheduling the job, never by sleeping in it; while push is healthy the job
waits for REPORT_PROCESSING_FINISHED instead (``push/notified.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.amazon.errors import AccessDenied, LwaError, MalformedResponse, NotFound, SpApiError
from saleor_asc_app.amazon.models.feeds import ProcessingStatus
from saleor_asc_app.amazon.models.notifications import REPORT_PROCESSING_FINISHED
from saleor_asc_app.amazon.models.reports import ORDERS_BY_LAST_UPDATE_REPORT, OrderTrackingRow
from saleor_asc_app.amazon.regions import MARKETPLACES
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.amazon_access import ConnectionNotAuthorized, connection_client
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.pii import BuyerPseudonyms
from saleor_asc_app.orders.schedule import enqueue_backfill, enqueue_writer
from saleor_asc_app.orders.stored_orders import store_orders
from saleor_asc_app.orders.tables import AmazonOrder, Backfill, BackfillStatus, OrderState
from saleor_asc_app.push.notified import NotifiedOutcome, notified_outcome, wait_for_notification
from saleor_asc_app.state import AppState

log = get_logger(__name__)

REPORT_WINDOW = timedelta(days=30)
REPORT_POLL_SECONDS = 60.0
REPORT_RETRY_SECONDS = 600.0
FETCH_BATCH = 10  # getOrder answers stored per transaction
MAX_RUN_WAIT = 30.0  # seconds of rate-limit waiting one run may spend before it gives the worker back
ERROR_DELAY = 300.0
AUTH_ERROR_DELAY = 3600.0
PAUSED_RECHECK = 300.0  # as the sync: a paused connection (expired, revoked) is looked at again, not called
_BY_NAME = {m.name.lower(): m.id for m in MARKETPLACES} | {m.domain.lower(): m.id for m in MARKETPLACES}
_REPORT_STATUS = {"pending": "PENDING", "cancelled": "CANCELLED", "canceled": "CANCELLED"}
_FETCH = {
    "state": OrderState.WAITING.value,
    "reason_code": "fetching",
    "reason": "Found by the backfill's order report; its details are being fetched.",
    "needs_fetch": True,
}
_REPORT_STATES: dict[str, dict[str, Any]] = {
    "PENDING": {
        "state": OrderState.WAITING.value,
        "reason_code": "pending_payment",
        "reason": "Amazon has not authorised payment yet (report: Pending); it is imported once released.",
        "needs_fetch": False,
    },
    "CANCELLED": {
        "state": OrderState.CANCELLED.value,
        "reason_code": "cancelled_before_import",
        "reason": "Cancelled at Amazon before it was imported.",
        "needs_fetch": False,
    },
}


def start_of_day(day: Any) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def plan_backfill(
    state: AppState,
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection_id: str,
    *,
    until: datetime,
    since: datetime | None = None,
    restart: bool = False,
) -> Backfill | None:
    """Create (or, with ``restart``, reset) the connection's backfill and enqueue its job. ``since`` defaults to
    the configured import start date; without one there is nothing to backfill."""
    if since is None:
        loaded = await load_configuration(session, state, installation_id)
        day = loaded.config.order_processing.import_orders_since
        if day is None:
            return None
        since = start_of_day(day)
    if since >= until:
        return None
    now = state.clock.now()
    row = await backfill_row(session, installation_id, connection_id)
    if row is not None and not restart:
        return row
    windows = max(1, -(-int((until - since).total_seconds()) // int(REPORT_WINDOW.total_seconds())))
    if row is None:
        row = Backfill(installation_id=installation_id, connection_id=connection_id, since=since, until=until)
        session.add(row)
    row.since, row.until = since, until
    row.status = BackfillStatus.PENDING.value
    row.window_start, row.report_id = since, None
    row.windows_total, row.windows_done = windows, 0
    row.orders_found = row.orders_fetched = 0
    row.last_error, row.finished_at = None, None
    row.started_at = row.updated_at = now
    await session.flush()
    await enqueue_backfill(session, installation_id, connection_id, now=now)
    return row


async def backfill_row(session: AsyncSession, installation_id: uuid.UUID, connection_id: str) -> Backfill | None:
    return (
        await session.execute(
            select(Backfill).where(Backfill.installation_id == installation_id, Backfill.connection_id == connection_id)
        )
    ).scalar_one_or_none()


async def run_backfill(
    state: AppState,
    installation_id: uuid.UUID,
    connection_id: str,
    *,
    notified: NotifiedOutcome | None = None,
    wait_for_push: bool = False,
) -> float | None:
    """One step of the backfill; returns seconds until the next step, or None when it is finished. ``notified``: a
    REPORT_PROCESSING_FINISHED the job received; ``wait_for_push``: while push is healthy, wait for it instead of
    polling ``getReport`` (the job; ``import --since`` in the foreground polls)."""
    clock = state.clock
    access = state.amazon
    async with state.sessionmaker() as session, session.begin():
        row = await backfill_row(session, installation_id, connection_id)
        if row is None or row.status in (BackfillStatus.DONE.value, BackfillStatus.FAILED.value):
            return None
        loaded = await load_configuration(session, state, installation_id)
        connection = loaded.config.connection(connection_id)
        if connection is None:
            row.status, row.last_error, row.finished_at = BackfillStatus.FAILED.value, "connection removed", clock.now()
            return None
        row.status = BackfillStatus.RUNNING.value
        usability = await authorization.usable(
            session,
            installation_id,
            connection,
            now=clock.now(),
            lifetime_days=state.settings.authorization_lifetime_days,
        )
        if not usability.usable and usability.state is not authorization.State.NOT_AUTHORIZED:
            row.last_error = usability.reason or "paused"
            return PAUSED_RECHECK
        try:
            client = await connection_client(state, session, installation_id, connection)
        except ConnectionNotAuthorized as exc:
            row.last_error = str(exc)
            return AUTH_ERROR_DELAY
    marketplace_ids = list(connection.marketplace_ids)
    try:
        # 1. Reports, window by window.
        while row.window_start is not None and row.window_start < row.until:
            window_end = min(row.window_start + REPORT_WINDOW, row.until)
            if row.report_id is None:
                wait = await access.wait_time(connection, ops.CREATE_REPORT)
                if wait > 1.0:
                    return wait
                report_id = await client.create_report(
                    ORDERS_BY_LAST_UPDATE_REPORT,
                    marketplace_ids,
                    data_start_time=row.window_start,
                    data_end_time=window_end,
                )
                await _save(state, row, report_id=report_id)
                return REPORT_POLL_SECONDS
            if notified is not None and notified.subject_id == row.report_id:  # Amazon told: no getReport
                status, document_id = notified.status, notified.result_document_id
            else:
                if wait_for_push:
                    async with state.sessionmaker() as session:
                        push_wait = await wait_for_notification(
                            session, state.settings, installation_id, connection_id, row.updated_at,
                            now=clock.now(), notification_type=REPORT_PROCESSING_FINISHED,
                        )  # fmt: skip
                    if push_wait is not None:
                        return push_wait
                report = await client.get_report(row.report_id)
                status, document_id = report.processing_status, report.report_document_id
            if not status.is_final:
                return REPORT_POLL_SECONDS
            if status is ProcessingStatus.FATAL:
                await _save(state, row, report_id=None, last_error="Amazon could not create the order report")
                return REPORT_RETRY_SECONDS
            rows: list[OrderTrackingRow] = []
            if status is ProcessingStatus.DONE:
                wait = await access.wait_time(connection, ops.GET_REPORT_DOCUMENT)
                if wait > 1.0:
                    return wait
                if not document_id:
                    raise MalformedResponse("NoReportDocument", "the report has no document")
                rows = await client.fetch_order_tracking_document(document_id)
            async with state.sessionmaker() as session, session.begin():
                found = await discover(session, installation_id, connection_id, rows, since=row.since, now=clock.now())
                fresh = await _reload(session, row)
                fresh.orders_found += found
                fresh.windows_done += 1
                fresh.window_start = window_end if window_end < fresh.until else None
                fresh.report_id = None
                fresh.last_error = None
                fresh.updated_at = clock.now()
                row = fresh
        # 2. getOrder for what the reports could not tell.
        pseudonyms = BuyerPseudonyms(state.settings.master_key)
        sink = state.pii_sink
        waited = 0.0
        while True:
            async with state.sessionmaker() as session:
                ids = (
                    (
                        await session.execute(
                            select(AmazonOrder.amazon_order_id)
                            .where(
                                AmazonOrder.installation_id == installation_id,
                                AmazonOrder.connection_id == connection_id,
                                AmazonOrder.needs_fetch.is_(True),
                            )
                            .order_by(AmazonOrder.amazon_updated_at.desc(), AmazonOrder.amazon_order_id)
                            .limit(FETCH_BATCH)
                        )
                    )
                    .scalars()
                    .all()
                )
            if not ids:
                break
            orders = []
            missing = []
            for order_id in ids:
                wait = await access.wait_time(connection, ops.GET_ORDER)
                if waited + wait > MAX_RUN_WAIT:
                    break
                waited += wait
                try:
                    orders.append(await client.get_order(order_id))
                except NotFound:
                    missing.append(order_id)
            if not orders and not missing:
                return await access.wait_time(connection, ops.GET_ORDER)
            async with state.sessionmaker() as session, session.begin():
                now = clock.now()
                stored = await store_orders(
                    session,
                    installation_id=installation_id,
                    connection_id=connection_id,
                    orders=orders,
                    now=now,
                    sink=sink,
                    pseudonyms=pseudonyms,
                    parsed=state.parsed_orders,
                )
                # Fetched orders that were no newer than what the sync already stored are done as well.
                await session.execute(
                    update(AmazonOrder)
                    .where(
                        AmazonOrder.installation_id == installation_id,
                        AmazonOrder.amazon_order_id.in_([o.order_id for o in orders]),
                    )
                    .values(needs_fetch=False)
                )
                if missing:
                    await session.execute(
                        update(AmazonOrder)
                        .where(AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id.in_(missing))
                        .values(
                            needs_fetch=False,
                            state=OrderState.SKIPPED.value,
                            reason_code="not_found_at_amazon",
                            reason="The order report listed it, but Amazon does not return it (getOrder: not found).",
                        )
                    )
                fresh = await _reload(session, row)
                fresh.orders_fetched += len(orders) + len(missing)
                fresh.updated_at = now
                row = fresh
                if stored.queued or stored.followups:
                    await enqueue_writer(session, installation_id, now=now)
            if waited >= MAX_RUN_WAIT:
                return 0.0  # give the worker to other jobs, continue right after
        async with state.sessionmaker() as session, session.begin():
            fresh = await _reload(session, row)
            fresh.status = BackfillStatus.DONE.value
            fresh.finished_at = fresh.updated_at = clock.now()
        log.info("order backfill done", seller_id=connection.seller_id, orders=row.orders_found)
        return None
    except SpApiError as exc:
        auth = isinstance(exc, LwaError | AccessDenied)
        log.warning("order backfill step failed", seller_id=connection.seller_id, error_code=exc.code)
        await _save(state, row, last_error=str(exc))
        return AUTH_ERROR_DELAY if auth else ERROR_DELAY


async def discover(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection_id: str,
    rows: Sequence[OrderTrackingRow],
    *,
    since: datetime,
    now: datetime,
) -> int:
    """Store the orders a report lists: pending and cancelled ones as they are, the rest to be fetched."""
    by_order: dict[str, OrderTrackingRow] = {}
    for line in rows:
        if _utc(line.purchase_date) < since:
            continue
        known = by_order.get(line.amazon_order_id)
        if known is None or line.last_updated_date > known.last_updated_date:
            by_order[line.amazon_order_id] = line
    if not by_order:
        return 0
    existing = {
        r.amazon_order_id: r
        for r in (
            await session.execute(
                select(AmazonOrder.id, AmazonOrder.amazon_order_id, AmazonOrder.amazon_updated_at).where(
                    AmazonOrder.installation_id == installation_id,
                    AmazonOrder.amazon_order_id.in_(list(by_order)),
                )
            )
        ).all()
    }
    found = 0
    for order_id, line in by_order.items():
        updated = _utc(line.last_updated_date)
        stored = existing.get(order_id)
        if stored is not None and stored.amazon_updated_at is not None and stored.amazon_updated_at >= updated:
            continue
        found += 1
        status = _REPORT_STATUS.get(line.order_status.strip().lower())
        values: dict[str, Any] = {
            "marketplace_id": _BY_NAME.get((line.sales_channel or "").strip().lower(), ""),
            "fulfillment_channel": "AFN" if (line.fulfillment_channel or "").lower() == "amazon" else "MFN",
            "amazon_status": status or line.order_status,
            "amazon_created_at": _utc(line.purchase_date),
            "amazon_updated_at": updated,
            "updated_at": now,
        }
        values |= _REPORT_STATES.get(status or "", _FETCH)
        if stored is None:
            session.add(
                AmazonOrder(
                    installation_id=installation_id,
                    connection_id=connection_id,
                    amazon_order_id=order_id,
                    created_at=now,
                    **values,
                )
            )
        elif status not in ("PENDING", "CANCELLED"):
            # Known but older than the report: fetch it again (the stored state stays until then).
            await session.execute(update(AmazonOrder).where(AmazonOrder.id == stored.id).values(needs_fetch=True))
    await session.flush()
    return found


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def _reload(session: AsyncSession, row: Backfill) -> Backfill:
    fresh = await session.get(Backfill, row.id)
    assert fresh is not None
    return fresh


async def _save(state: AppState, row: Backfill, **values: Any) -> None:
    async with state.sessionmaker() as session, session.begin():
        fresh = await _reload(session, row)
        for key, value in values.items():
            setattr(fresh, key, value)
            setattr(row, key, value)
        fresh.updated_at = state.clock.now()


async def pending_fetches(session: AsyncSession, installation_id: uuid.UUID) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(AmazonOrder)
                .where(AmazonOrder.installation_id == installation_id, AmazonOrder.needs_fetch.is_(True))
            )
        ).scalar_one()
    )


async def run_backfill_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    delay = await run_backfill(
        ctx,
        job.installation_id,
        str(job.payload["connection_id"]),
        notified=notified_outcome(job.payload),
        wait_for_push=True,
    )
    if delay is not None:
        raise RetryJob(f"backfill continues in {delay:.0f} s", delay=delay, count_attempt=False)
