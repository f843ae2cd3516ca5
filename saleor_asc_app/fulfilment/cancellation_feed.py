"""Cancellations through Amazon's order acknowledgement feed (``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA``).

Pending cancel actions of a connection are batched: their ``fulfilment.send_action`` jobs hand them to one
``fulfilment.cancellation_feed`` job per connection, which runs at most once per ``BATCH_WINDOW`` (createFeed's
sustained interval, so cancellation feeds stay within its limit). It reads each order at Amazon (cancelled already →
confirmed; Amazon-fulfilled, shipped, or a chosen item shipped → refused with why), writes one row per Amazon item to
cancel, submits one feed per marketplace and marks the actions ``requested``. ``fulfilment.cancellation_feed_result``
waits for the FEED_PROCESSING_FINISHED notification while push is healthy, else polls ``getFeed``
(``push/notified.py``), reads the flat-file processing report, and confirms each item or fails it with Amazon's
message (an item ``getOrder`` shows cancelled is confirmed whatever the report says). See docs/amazon-cancellations.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.documents import decode_text
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.order_acknowledgement import (
    FEED_REASON,
    MAX_ROWS,
    CancellationRow,
    FlatFileReport,
    parse_processing_report,
)
from saleor_asc_app.amazon.models.orders import FulfillmentStatus, Order
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections.readiness import PAUSED_RECHECK, ConnectionPaused, usable_client
from saleor_asc_app.fulfilment.cancellation import CANCEL_DATA, choose_reason, requested_items, why_not
from saleor_asc_app.fulfilment.paused_connection import wait_for_connection
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource
from saleor_asc_app.push.notified import notified_outcome, wait_for_notification
from saleor_asc_app.state import AppState

log = get_logger(__name__)

FEED_KIND = "fulfilment.cancellation_feed"
RESULT_KIND = "fulfilment.cancellation_feed_result"
BATCH_WINDOW = 120.0  # createFeed: 0.0083 requests/s sustained, i.e. one feed per 2 minutes
POLL_EVERY = 60.0
GIVE_UP_AFTER = timedelta(days=2)  # a feed Amazon never finishes
# Orders read (getOrder: 0.5/s, burst 30) per run, so a run ends well within its timeout; the rest wait for the next.
PLAN_PER_RUN = 100


def _feed_key(installation_id: uuid.UUID, connection_id: str) -> str:
    return f"cancellation-feed:{installation_id}:{connection_id}"


async def hand_to_feed(ctx: AppState, action: OutgoingAction) -> None:
    """Make sure a feed job will pick this pending action up. A feed job that is already running may have read its
    actions before this one: then try again after it."""
    key = _feed_key(action.installation_id, action.connection_id)
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        if await enqueue(
            session, FEED_KIND, {"connection_id": action.connection_id}, installation_id=action.installation_id,
            unique_key=key, concurrency_key=key, run_after=now + timedelta(seconds=BATCH_WINDOW), now=now,
        ):  # fmt: skip
            return
        status = await session.scalar(
            select(Job.status).where(Job.unique_key == key, Job.status.in_([JobStatus.PENDING, JobStatus.RUNNING]))
        )
    if status == JobStatus.RUNNING.value:
        raise RetryJob("a cancellation feed is being built; join the next one", delay=BATCH_WINDOW / 4)


@dataclass
class _Batch:
    rows: list[CancellationRow] = field(default_factory=list)
    items: dict[uuid.UUID, list[dict[str, Any]]] = field(default_factory=dict)  # action → its rows
    reasons: dict[uuid.UUID, str] = field(default_factory=dict)


async def _finish(
    ctx: AppState,
    action: OutgoingAction,
    state: ActionState,
    code: str | None,
    message: str,
    *,
    failed_items: Sequence[dict[str, Any]] = (),
    **values: Any,
) -> None:
    """Set the action's outcome; a refusal or failure becomes a processing error (one per failed item when the
    report named items)."""
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        row = await session.get(OutgoingAction, action.id)
        if row is None:
            return
        row.state, row.message, row.updated_at = state.value, message, now
        for key, value in values.items():
            setattr(row, key, value)
        if state is ActionState.CONFIRMED:
            row.confirmed_at = now
            return
        errors = [(str(i["code"]), f"item {i['orderItemId']}: {i['message']}", str(i["orderItemId"]))
                  for i in failed_items] or ([(code, message, "")] if code is not None else [])  # fmt: skip
        for error_code, text, item_id in errors:
            await record_error(
                session, row.installation_id, source=ErrorSource.CANCELLATION, reference=str(row.id),
                code=error_code, message=f"Order {row.amazon_order_id}, cancellation: {text}",
                dedupe_key=f"cancel:{row.id}:{row.attempts}:{error_code}:{item_id}",
                amazon_order_id=row.amazon_order_id, now=now,
            )  # fmt: skip


async def _note(ctx: AppState, action: OutgoingAction, message: str) -> None:
    async with ctx.sessionmaker() as session, session.begin():
        row = await session.get(OutgoingAction, action.id)
        if row is not None:
            row.message, row.updated_at = message, ctx.clock.now()


def _item_shipped(order: Order, item_id: str) -> bool:
    item = next((i for i in order.order_items if i.order_item_id == item_id), None)
    return bool(item is not None and item.fulfillment is not None and (item.fulfillment.quantity_fulfilled or 0) > 0)


def _cancelled_items(order: Order) -> set[str]:
    if order.status is FulfillmentStatus.CANCELLED:
        return {i.order_item_id for i in order.order_items}
    return {
        i.order_item_id
        for i in order.order_items
        if i.cancellation is not None and i.cancellation.cancellation_execution is not None
    }


async def _plan(
    ctx: AppState, client: SpApiClient, action: OutgoingAction, default_reason: str, batches: dict[str, _Batch]
) -> None:
    """Decide one action: finish it now, or add its items to its marketplace's batch."""
    try:
        order = await client.get_order(action.amazon_order_id, CANCEL_DATA)
    except SpApiError as exc:
        if exc.retryable:  # stays pending: the next run reads it again
            await _note(ctx, action, f"Amazon did not answer getOrder ({exc.amazon_code}); trying again.")
            return
        await _finish(ctx, action, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
        return
    wanted = requested_items(action)
    all_items = [i.order_item_id for i in order.order_items]
    cancelled = _cancelled_items(order)
    if wanted is None:
        if order.status is FulfillmentStatus.CANCELLED:
            await _finish(ctx, action, ActionState.CONFIRMED, None, "Amazon shows the order as cancelled.")
            return
        refusal = why_not(order)
        if refusal is not None:
            await _finish(ctx, action, ActionState.REFUSED, *refusal)
            return
        wanted = all_items
    else:
        refusal = why_not(order)
        if refusal is not None and refusal[0] == "order_fulfilled_by_amazon":
            await _finish(ctx, action, ActionState.REFUSED, *refusal)
            return
        unknown = [i for i in wanted if i not in all_items]
        shipped = [i for i in wanted if i not in cancelled and _item_shipped(order, i)]
        if unknown or shipped:
            code, what = ("item_unknown", unknown) if unknown else ("item_shipped", shipped)
            message = (
                f"Amazon order {action.amazon_order_id} has no item {', '.join(what)}."
                if unknown
                else f"Amazon has shipped item {', '.join(what)}; it cannot be cancelled."
            )
            await _finish(ctx, action, ActionState.REFUSED, code, message)
            return
    to_cancel = [i for i in wanted if i not in cancelled]
    if not to_cancel:
        await _finish(ctx, action, ActionState.CONFIRMED, None, "Amazon shows these items as cancelled.")
        return
    reason = choose_reason(action, order, default_reason)
    marketplace = (order.sales_channel.marketplace_id if order.sales_channel else None) or ""
    batch = batches.setdefault(marketplace, _Batch())
    if len(batch.rows) + len(to_cancel) > MAX_ROWS:
        return  # stays pending for the next feed
    start = len(batch.rows)
    batch.rows.extend(CancellationRow(action.amazon_order_id, i, FEED_REASON[reason]) for i in to_cancel)
    batch.items[action.id] = [
        {"orderItemId": i, "record": start + n, "state": ActionState.SENT.value}
        for n, i in enumerate(to_cancel, start=1)
    ]
    batch.reasons[action.id] = reason.value


async def _pending(ctx: AppState, installation_id: uuid.UUID, connection_id: str, limit: int) -> list[OutgoingAction]:
    async with ctx.sessionmaker() as session:
        result = await session.execute(
            select(OutgoingAction)
            .where(
                OutgoingAction.installation_id == installation_id,
                OutgoingAction.connection_id == connection_id,
                OutgoingAction.kind == ActionKind.CANCEL.value,
                # ``sent``: a run of this job that stopped between submitting and recording (resending is harmless)
                OutgoingAction.state.in_([ActionState.PENDING.value, ActionState.SENT.value]),
            )
            .order_by(OutgoingAction.created_at)
            .limit(limit)
        )
        return list(result.scalars())


async def run_feed_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    installation_id, connection_id = job.installation_id, str(job.payload["connection_id"])
    actions = await _pending(ctx, installation_id, connection_id, PLAN_PER_RUN)
    if not actions:
        return
    client: SpApiClient | None = None
    paused: ConnectionPaused | None = None
    async with ctx.sessionmaker() as session:
        config = (await load_configuration(session, ctx, installation_id)).config
        connection = config.connection(connection_id)
        if connection is not None:
            try:
                client = await usable_client(ctx, session, installation_id, connection)
            except ConnectionPaused as exc:
                paused = exc
    if paused is not None:
        for action in actions:
            await wait_for_connection(ctx, action, paused)  # shows why it waits
        raise RetryJob(f"connection paused: {paused.reason}", delay=PAUSED_RECHECK)
    if client is None:
        for action in actions:
            await _finish(ctx, action, ActionState.REFUSED, "connection_missing",
                          "The Amazon connection this order came from is no longer configured.")  # fmt: skip
        return
    batches: dict[str, _Batch] = {}
    for action in actions:
        await _plan(ctx, client, action, config.default_cancel_reason, batches)
    for marketplace_id, batch in batches.items():
        if batch.rows:
            await _submit(ctx, client, installation_id, connection_id, marketplace_id, batch)
    if await _pending(ctx, installation_id, connection_id, 1):
        raise RetryJob("more cancellations wait for the next feed", delay=BATCH_WINDOW)


async def _submit(
    ctx: AppState,
    client: SpApiClient,
    installation_id: uuid.UUID,
    connection_id: str,
    marketplace_id: str,
    batch: _Batch,
) -> None:
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        for action_id, items in batch.items.items():
            row = await session.get(OutgoingAction, action_id)
            assert row is not None
            row.state, row.items, row.cancel_reason = ActionState.SENT.value, items, batch.reasons[action_id]
            row.attempts, row.sent_at, row.updated_at, row.message = row.attempts + 1, now, now, None
    try:
        feed_id = await client.submit_cancellation_feed(batch.rows, marketplace_id)
    except SpApiError as exc:
        async with ctx.sessionmaker() as session, session.begin():
            for action_id in batch.items:
                row = await session.get(OutgoingAction, action_id)
                if row is not None:
                    row.state, row.message, row.updated_at = ActionState.PENDING.value, str(exc), ctx.clock.now()
        if exc.retryable:  # Amazon's trouble: the actions wait (their message says why) for the next run
            raise RetryJob(f"cancellation feed: {exc}", delay=BATCH_WINDOW) from None
        async with ctx.sessionmaker() as session:
            rows = [await session.get(OutgoingAction, action_id) for action_id in batch.items]
        for row in rows:
            if row is not None:
                await _finish(ctx, row, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
        return
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        for action_id, items in batch.items.items():
            row = await session.get(OutgoingAction, action_id)
            assert row is not None
            row.state, row.updated_at = ActionState.REQUESTED.value, now
            row.items = [{**item, "feedId": feed_id, "state": ActionState.REQUESTED.value} for item in items]
            row.message = f"Sent to Amazon in feed {feed_id}; waiting for its processing report."
        await enqueue(
            session, RESULT_KIND, {"connection_id": connection_id, "feed_id": feed_id,
                                   "action_ids": [str(a) for a in batch.items]},
            installation_id=installation_id, unique_key=f"cancellation-feed-result:{feed_id}",
            run_after=now + timedelta(seconds=POLL_EVERY), now=now,
        )  # fmt: skip
    log.info("cancellation feed submitted", feed_id=feed_id, rows=len(batch.rows), actions=len(batch.items))


async def run_result_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    installation_id, connection_id = job.installation_id, str(job.payload["connection_id"])
    feed_id = str(job.payload["feed_id"])
    async with ctx.sessionmaker() as session:
        config = (await load_configuration(session, ctx, installation_id)).config
        connection = config.connection(connection_id)
        if connection is None:
            return  # the actions stay requested; getOrder can no longer be asked
        try:
            client = await usable_client(ctx, session, installation_id, connection)
        except ConnectionPaused as exc:
            raise RetryJob(f"connection paused: {exc.reason}", delay=PAUSED_RECHECK) from None
        actions = [
            a
            for a in [await session.get(OutgoingAction, uuid.UUID(i)) for i in job.payload["action_ids"]]
            if a is not None and a.state == ActionState.REQUESTED.value
        ]
    if not actions:
        return
    sent_at = min(a.sent_at or a.updated_at for a in actions)
    notified = notified_outcome(job.payload)
    if notified is None:
        async with ctx.sessionmaker() as session:
            wait = await wait_for_notification(
                session, ctx.settings, installation_id, connection_id, sent_at, now=ctx.clock.now()
            )
        if wait is not None:
            raise RetryJob("waiting for the feed's notification", delay=wait, count_attempt=False)
    try:
        if notified is not None:  # Amazon told the outcome: no getFeed
            final, status = True, notified.status.value
            doc = notified.result_document_id
            raw = await client.download_feed_document(doc) if doc else None
        else:
            feed, raw = await client.feed_result(feed_id)
            final, status = feed.processing_status.is_final, feed.processing_status.value
    except SpApiError as exc:
        if exc.retryable:
            raise RetryJob(f"cancellation feed result: {exc}", delay=POLL_EVERY, count_attempt=True) from None
        raise
    if not final and ctx.clock.now() - sent_at < GIVE_UP_AFTER:
        raise RetryJob(f"feed {status}", delay=POLL_EVERY)
    report = parse_processing_report(decode_text(raw)) if raw is not None else None
    for action in actions:
        await _conclude(ctx, client, action, feed_id, status, report)


async def _conclude(
    ctx: AppState, client: SpApiClient, action: OutgoingAction, feed_id: str, status: str, report: FlatFileReport | None
) -> None:
    items = [dict(i) for i in action.items or ()]
    failed: list[dict[str, Any]] = []
    for item in items:
        if item.get("feedId") != feed_id or item.get("state") != ActionState.REQUESTED.value:
            continue
        errors = report.errors_of(int(item["record"])) if report is not None else None
        if status == "DONE" and report is not None and not errors:
            item["state"], item["message"] = ActionState.CONFIRMED.value, None
            continue
        if errors:
            item["code"] = errors[0].code or "Error"
            item["message"] = "; ".join(e.message for e in errors)
        else:
            item["code"] = f"FEED_{status}"
            item["message"] = f"Amazon ended feed {feed_id} with {status} without a readable processing report."
        failed.append(item)
    if failed:
        try:  # an item Amazon shows cancelled is cancelled, whatever the report says (e.g. sent twice)
            cancelled = _cancelled_items(await client.get_order(action.amazon_order_id, CANCEL_DATA))
        except SpApiError:
            cancelled = set()
        for item in failed:
            if item["orderItemId"] in cancelled:
                item["state"], item["message"] = ActionState.CONFIRMED.value, None
                item.pop("code", None)
            else:
                item["state"] = ActionState.FAILED.value
        failed = [i for i in failed if i["state"] == ActionState.FAILED.value]
    if not failed:
        await _finish(ctx, action, ActionState.CONFIRMED, None,
                      f"Cancelled on Amazon (reason {action.cancel_reason}).", items=items)  # fmt: skip
        log.info("cancellation confirmed on Amazon", action_id=str(action.id), feed_id=feed_id)
        return
    message = " ".join(f"Item {i['orderItemId']}: {i['message']}" for i in failed)
    await _finish(ctx, action, ActionState.FAILED, None, message, failed_items=failed, items=items)
    log.info("cancellation not confirmed", action_id=str(action.id), feed_id=feed_id, failed=len(failed))


def cancellation_feed_job_kinds() -> Sequence[JobKind[AppState]]:
    return [
        JobKind(FEED_KIND, run_feed_job, timeout_seconds=300.0, description="send cancellations to Amazon in a feed"),
        JobKind(RESULT_KIND, run_result_job, timeout_seconds=120.0, description="read a cancellation feed's result"),
    ]
