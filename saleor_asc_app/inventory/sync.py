"""Stock sync: Saleor's available stock → JSON_LISTINGS_FEED quantity patches, only for quantities that changed.

Two job kinds run the same pass, one at a time per installation: ``inventory.sync`` shortly after a stock event
(events within the delay coalesce into one run), and ``inventory.reconcile`` on a schedule, because Saleor fires
no stock event when orders allocate stock. Each pass reads Saleor's stock in pages.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.operations import CREATE_FEED
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import ConfigurationRepository
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.inventory.feeds import chunks, quantity_feed
from saleor_asc_app.inventory.levels import amazon_quantity, amazon_skus, seller_skus_in
from saleor_asc_app.inventory.tables import FeedState, ListingStock, StockFeed
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.amazon_access import ConnectionNotAuthorized, amazon_access, connection_client
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.saleor.client import SaleorClient, create_saleor_client

log = get_logger(__name__)

SYNC_KIND = "inventory.sync"
RECONCILE_KIND = "inventory.reconcile"
RESULT_KIND = "inventory.feed_result"
SYNC_DELAY = 30.0  # seconds after a stock event: later events in this window ride along
RECONCILE_EVERY = 900.0
RESULT_FIRST_POLL = 60.0
PAGE_SIZE = 100


def _concurrency(installation_id: uuid.UUID) -> str:
    return f"inventory:{installation_id}"


async def request_sync(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    await enqueue(
        session,
        SYNC_KIND,
        {},
        installation_id=installation_id,
        unique_key=f"inventory-sync:{installation_id}",
        concurrency_key=_concurrency(installation_id),
        run_after=now + timedelta(seconds=SYNC_DELAY),
        now=now,
    )


async def ensure_reconciliation(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    await enqueue(
        session,
        RECONCILE_KIND,
        {},
        installation_id=installation_id,
        unique_key=f"inventory-reconcile:{installation_id}",
        concurrency_key=_concurrency(installation_id),
        now=now,
    )


async def saleor_available(client: SaleorClient, warehouse_ids: set[str]) -> dict[str, int]:
    """Saleor SKU → quantity − allocated in the warehouses, over every variant, page by page."""
    available: dict[str, int] = {}
    after: str | None = None
    while True:
        page = (await client.variant_stocks(first=PAGE_SIZE, after=after)).product_variants
        if page is None:
            return available
        for edge in page.edges:
            node = edge.node
            if not node.sku:
                continue
            total = sum(s.quantity - s.quantity_allocated for s in node.stocks or () if s.warehouse.id in warehouse_ids)
            available[node.sku] = max(0, total) if node.stocks else 0
        if not page.page_info.has_next_page or not page.page_info.end_cursor:
            return available
        after = page.page_info.end_cursor


async def _order_skus(session: AsyncSession, installation_id: uuid.UUID) -> tuple[set[str], set[str]]:
    """Seller SKUs of imported orders, and those of them Amazon fulfilled (FBA)."""
    seen: set[str] = set()
    afn: set[str] = set()
    result = await session.stream(
        select(AmazonOrder.order_json, AmazonOrder.fulfillment_channel).where(
            AmazonOrder.installation_id == installation_id
        )
    )
    async for order_json, channel in result:
        skus = seller_skus_in(order_json)
        seen |= skus
        if channel == "AFN":
            afn |= skus
    return seen, afn


async def _fba_skus(client: SpApiClient, marketplace_id: str) -> set[str]:
    return {
        s.seller_sku
        async for s in client.iter_inventory_summaries(marketplace_id)
        if s.seller_sku and (s.total_quantity or 0) > 0
    }


async def sync_installation(ctx: Any, installation_id: uuid.UUID) -> int:
    """One pass; returns the number of feeds submitted. Raises ``RetryJob`` to wait for createFeed's limit."""
    async with ctx.sessionmaker() as session:
        installation = await get_by_id(session, installation_id)
        if installation is None:
            return 0
        loaded = await ConfigurationRepository(session, ctx.secret_box, ctx.clock).load(installation_id)
        config: AppConfiguration = loaded.config
        processing = config.order_processing
        if not processing.inventory_sync_enabled or not config.mfn_warehouse_id:
            return 0
        seen, afn_from_orders = await _order_skus(session, installation_id)
        known = set((await session.execute(
            select(ListingStock.sku).where(ListingStock.installation_id == installation_id)
        )).scalars())  # fmt: skip
    candidates = amazon_skus(config, seen | known)
    if not candidates:
        return 0
    saleor = create_saleor_client(installation.saleor_api_url, app_token(installation, ctx.secret_box), ctx.http_client)
    available = await saleor_available(saleor, {config.mfn_warehouse_id})
    access = amazon_access(ctx)
    submitted = 0
    for connection in config.connections:
        if connection.id not in loaded.authorized_connection_ids:
            continue
        async with ctx.sessionmaker() as session:
            try:
                client = await connection_client(ctx, session, installation_id, connection)
            except ConnectionNotAuthorized:
                continue
        for marketplace_id in connection.marketplace_ids:
            try:
                afn = afn_from_orders | await _fba_skus(client, marketplace_id)
            except SpApiError as exc:
                log.warning(
                    "FBA inventory not readable; skipping marketplace", marketplace_id=marketplace_id, error=str(exc)
                )
                continue
            changes = await _changes(ctx, installation_id, connection.id, marketplace_id, candidates, afn, available,
                                     processing.inventory_buffer)  # fmt: skip
            for chunk in chunks(changes):
                wait = access.wait_time(connection.seller_id, CREATE_FEED)
                if wait > 0:
                    raise RetryJob("waiting for createFeed's rate limit", delay=wait)
                feed_id = await client.submit_listings_feed(
                    quantity_feed(connection.seller_id, chunk), [marketplace_id]
                )
                await _record_feed(ctx, installation_id, connection.id, marketplace_id, feed_id, chunk)
                submitted += 1
    return submitted


async def _changes(
    ctx: Any,
    installation_id: uuid.UUID,
    connection_id: str,
    marketplace_id: str,
    candidates: dict[str, tuple[str, int]],
    afn: set[str],
    available: dict[str, int],
    buffer: int,
) -> list[tuple[str, int]]:
    """Upsert the listing rows (Saleor SKU, FBA flag); the SKUs whose quantity differs from what was last sent."""
    now = ctx.clock.now()
    changes: list[tuple[str, int]] = []
    async with ctx.sessionmaker() as session, session.begin():
        rows = {
            row.sku: row
            for row in (
                await session.execute(
                    select(ListingStock).where(
                        ListingStock.installation_id == installation_id,
                        ListingStock.connection_id == connection_id,
                        ListingStock.marketplace_id == marketplace_id,
                    )
                )
            ).scalars()
        }
        for sku, (saleor_sku, ratio) in sorted(candidates.items()):
            row = rows.get(sku)
            if row is None:
                row = ListingStock(
                    id=uuid.uuid4(), installation_id=installation_id, connection_id=connection_id,
                    marketplace_id=marketplace_id, sku=sku, saleor_sku=saleor_sku, updated_at=now,
                )  # fmt: skip
                session.add(row)
            row.saleor_sku = saleor_sku
            row.afn = sku in afn
            if row.afn:
                continue
            quantity = amazon_quantity(available.get(saleor_sku), ratio, buffer)
            if row.last_sent_quantity != quantity:
                changes.append((sku, quantity))
    return changes


async def _record_feed(
    ctx: Any,
    installation_id: uuid.UUID,
    connection_id: str,
    marketplace_id: str,
    feed_id: str,
    chunk: list[tuple[str, int]],
) -> None:
    now = ctx.clock.now()
    quantities = dict(chunk)
    async with ctx.sessionmaker() as session, session.begin():
        feed = StockFeed(
            id=uuid.uuid4(),
            installation_id=installation_id,
            connection_id=connection_id,
            marketplace_id=marketplace_id,
            feed_id=feed_id,
            state=FeedState.SUBMITTED.value,
            messages=[{"messageId": i, "sku": sku, "quantity": q} for i, (sku, q) in enumerate(chunk, start=1)],
            created_at=now,
        )
        session.add(feed)
        rows = (
            await session.execute(
                select(ListingStock).where(
                    ListingStock.installation_id == installation_id,
                    ListingStock.connection_id == connection_id,
                    ListingStock.marketplace_id == marketplace_id,
                    ListingStock.sku.in_(list(quantities)),
                )
            )
        ).scalars()
        for row in rows:
            row.last_sent_quantity = quantities[row.sku]
            row.last_feed_id = feed_id
            row.last_state = "submitted"
            row.last_issue = None
            row.updated_at = now
        await session.flush()
        await enqueue(
            session,
            RESULT_KIND,
            {"stock_feed_id": str(feed.id)},
            installation_id=installation_id,
            unique_key=f"stock-feed:{feed.id}",
            run_after=now + timedelta(seconds=RESULT_FIRST_POLL),
            now=now,
        )
    log.info("stock feed submitted", feed_id=feed_id, marketplace_id=marketplace_id, messages=len(chunk))


async def run_sync_job(ctx: Any, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    await sync_installation(ctx, job.installation_id)


async def run_reconcile_job(ctx: Any, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    await sync_installation(ctx, job.installation_id)
    raise RetryJob("next reconciliation", delay=RECONCILE_EVERY)
