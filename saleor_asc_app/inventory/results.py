"""Feed results: wait for Amazon's FEED_PROCESSING_FINISHED notification while push is healthy, else poll
``getFeed`` from a job (rescheduling itself, never blocking a worker) until Amazon is done (``push/notified.py``),
then download the processing report, keep it (gzip), attach each issue to its SKU and message, and record the
errors as processing errors."""

from __future__ import annotations

import gzip
import uuid

from sqlalchemy import select

from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.feeds import ListingsFeedProcessingReport, ProcessingStatus
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections.readiness import PAUSED_RECHECK, ConnectionPaused, usable_client
from saleor_asc_app.inventory.sync import RECONCILE_KIND, RESULT_KIND, SYNC_KIND, run_reconcile_job, run_sync_job
from saleor_asc_app.inventory.tables import FeedState, ListingStock, StockFeed
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource
from saleor_asc_app.push.notified import notified_outcome, wait_for_notification
from saleor_asc_app.state import AppState

log = get_logger(__name__)

POLL_EVERY = 60.0


async def run_result_job(ctx: AppState, job: ClaimedJob) -> None:
    feed_row_id = uuid.UUID(job.payload["stock_feed_id"])
    notified = notified_outcome(job.payload)
    async with ctx.sessionmaker() as session:
        feed_row = await session.get(StockFeed, feed_row_id)
        if feed_row is None or feed_row.state != FeedState.SUBMITTED.value:
            return
        config = (await load_configuration(session, ctx, feed_row.installation_id)).config
        connection = config.connection(feed_row.connection_id)
        if connection is None:
            return
        if notified is None:
            wait = await wait_for_notification(
                session, ctx.settings, feed_row.installation_id, feed_row.connection_id, feed_row.created_at,
                now=ctx.clock.now(),
            )  # fmt: skip
            if wait is not None:
                raise RetryJob("waiting for the feed's notification", delay=wait, count_attempt=False)
        try:
            client = await usable_client(ctx, session, feed_row.installation_id, connection)
        except ConnectionPaused as exc:
            raise RetryJob(f"connection paused: {exc.reason}", delay=PAUSED_RECHECK) from None
    try:
        if notified is not None:  # Amazon told the outcome: no getFeed
            status, document_id = notified.status, notified.result_document_id
        else:
            feed = await client.get_feed(feed_row.feed_id)
            if not feed.processing_status.is_final:
                raise RetryJob(f"feed {feed.processing_status.value}", delay=POLL_EVERY)
            status, document_id = feed.processing_status, feed.result_feed_document_id
        report: ListingsFeedProcessingReport | None = None
        raw: bytes | None = None
        if document_id:
            raw = await client.download_feed_document(document_id)
            try:
                report = ListingsFeedProcessingReport.model_validate_json(raw)
            except ValueError:
                report = None
    except SpApiError as exc:
        if exc.retryable:
            raise RetryJob(f"feed result: {exc}", delay=POLL_EVERY, count_attempt=True) from None
        raise
    await _store(ctx, feed_row, status, report, raw)


async def _store(
    ctx: AppState,
    feed_row: StockFeed,
    status: ProcessingStatus,
    report: ListingsFeedProcessingReport | None,
    raw: bytes | None,
) -> None:
    now = ctx.clock.now()
    by_message = {int(m["messageId"]): m for m in feed_row.messages}
    issues_by_sku: dict[str, list[str]] = {}
    async with ctx.sessionmaker() as session, session.begin():
        row = await session.get(StockFeed, feed_row.id)
        assert row is not None
        row.state = {
            ProcessingStatus.DONE: FeedState.DONE,
            ProcessingStatus.FATAL: FeedState.FATAL,
            ProcessingStatus.CANCELLED: FeedState.CANCELLED,
        }[status].value
        row.finished_at = now
        row.report_gzip = gzip.compress(raw, mtime=0) if raw is not None else None
        row.summary = report.summary.model_dump(by_alias=True) if report is not None else None
        if status is not ProcessingStatus.DONE:
            await record_error(
                session, row.installation_id, source=ErrorSource.FEED, reference=row.feed_id,
                code=f"FEED_{status.value}",
                message=f"Amazon ended stock feed {row.feed_id} with {status.value}: some, none or all quantities "
                "may have been applied; the next reconciliation sends them again.",
                dedupe_key=f"feed:{row.feed_id}:{status.value}", now=now,
            )  # fmt: skip
        for issue in report.issues if report is not None else ():
            message = by_message.get(issue.message_id or -1)
            sku = issue.sku or (message["sku"] if message else None)
            if sku and issue.severity == "ERROR":
                issues_by_sku.setdefault(sku, []).append(f"{issue.code or 'ERROR'}: {issue.message}")
            if issue.severity != "INFO":
                await record_error(
                    session, row.installation_id, source=ErrorSource.FEED, reference=row.feed_id, sku=sku,
                    code=issue.code or issue.severity, message=issue.message,
                    dedupe_key=f"feed:{row.feed_id}:{issue.message_id}:{issue.code}:{issue.attribute_name}", now=now,
                )  # fmt: skip
        listings = (
            await session.execute(
                select(ListingStock).where(
                    ListingStock.installation_id == row.installation_id,
                    ListingStock.connection_id == row.connection_id,
                    ListingStock.last_feed_id == row.feed_id,
                )
            )
        ).scalars()
        for listing in listings:
            problems = issues_by_sku.get(listing.sku)
            if status is not ProcessingStatus.DONE:
                listing.last_state = "error"
                listing.last_issue = f"Feed ended {status.value}"
                listing.last_sent_quantity = None  # unknown at Amazon: send again next time
            elif problems:
                listing.last_state = "error"
                listing.last_issue = "; ".join(problems)
            else:
                listing.last_state = "accepted"
            listing.updated_at = now
    log.info(
        "stock feed finished",
        feed_id=feed_row.feed_id,
        status=status.value,
        issues=sum(map(len, issues_by_sku.values())),
    )


def inventory_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(SYNC_KIND, run_sync_job, timeout_seconds=600.0, description="send changed stock to Amazon"),
        JobKind(RECONCILE_KIND, run_reconcile_job, timeout_seconds=600.0, description="reconcile stock with Amazon"),
        JobKind(RESULT_KIND, run_result_job, timeout_seconds=120.0, description="read a stock feed's result"),
    ]
