"""Stock sync: Saleor's available stock → JSON_LISTINGS_FEED quantity patches, only for quantities that changed.

Two job kinds run the same pass, one at a time per installation: ``inventory.sync`` shortly after a stock event
(events within the delay coalesce into one run), and ``inventory.reconcile`` on a schedule, because Saleor fires
no stock event when orders allocate stock. Each pass reads Saleor's stock in pages.

Feed submissions are coalesced for createFeed's limit (0.0083/s, burst 15): at most one feed per seller and
marketplace is in flight (submitted, result not read yet), and feeds of a marketplace are at least createFeed's
sustained interval apart; meanwhile changes accumulate (what was last sent stays the reference) and the pending
sync job waits, so a storm of stock events yields one feed per cycle, never a 429.
An idle reconciliation is cheap: SKUs of orders already scanned and FBA listings are remembered per process, and a
store with nothing to keep in stock is looked at hourly, one with stock sync off not at all (saving the
configuration or a stock event starts the reconciliation again).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.operations import CREATE_FEED
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import ConfigurationRepository
from saleor_asc_app.fulfilment.readiness import ConnectionPaused, usable_client
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.inventory.feeds import chunks, quantity_feed
from saleor_asc_app.inventory.levels import amazon_quantity, amazon_skus, seller_skus_in
from saleor_asc_app.inventory.tables import FeedState, ListingStock, StockFeed
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.amazon_access import amazon_access
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.saleor.client import SaleorClient, create_saleor_client

log = get_logger(__name__)

SYNC_KIND = "inventory.sync"
RECONCILE_KIND = "inventory.reconcile"
RESULT_KIND = "inventory.feed_result"
SYNC_DELAY = 30.0  # seconds after a stock event: later events in this window ride along
RECONCILE_EVERY = 900.0
RECONCILE_IDLE = 3600.0  # no SKU to keep in stock
IN_FLIGHT_RECHECK = 60.0  # a deferred sync looks again this much later
IN_FLIGHT_LIMIT = timedelta(hours=2)  # a feed whose result was never read stops blocking after this
FEED_INTERVAL = timedelta(seconds=1 / CREATE_FEED.rate)  # createFeed's sustained rate: one per ~120 s
FBA_CACHE_SECONDS = 6 * 3600.0
CACHE_KEY = "inventory.cache"
ORDER_SCAN_OVERLAP = timedelta(minutes=10)
RESULT_FIRST_POLL = 60.0
PAGE_SIZE = 100


@dataclass
class PassOutcome:
    submitted: int = 0
    deferred: bool = False  # changes wait for a feed in flight (or for a later chunk)
    idle: bool = False  # nothing to keep in stock
    off: bool = False  # stock sync is not enabled (saving the configuration starts the reconciliation again)


@dataclass
class _OrderSkus:
    latest: datetime | None = None  # the newest ``updated_at`` read so far
    seen: set[str] = field(default_factory=set)
    afn: set[str] = field(default_factory=set)


@dataclass
class InventoryCache:
    """Per process, never needed for correctness: what earlier passes learned and that rarely changes."""

    orders: dict[uuid.UUID, _OrderSkus] = field(default_factory=dict)
    fba: dict[tuple[str, str], tuple[float, set[str]]] = field(default_factory=dict)  # (seller, market) → (at, skus)


def inventory_cache(extras: dict[str, Any]) -> InventoryCache:
    cache = extras.get(CACHE_KEY)
    if not isinstance(cache, InventoryCache):
        cache = extras[CACHE_KEY] = InventoryCache()
    return cache


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


async def _order_skus(ctx: Any, session: AsyncSession, installation_id: uuid.UUID) -> tuple[set[str], set[str]]:
    """Seller SKUs of imported orders, and those of them Amazon fulfilled (FBA); only orders stored since the
    previous pass of this process are read."""
    known = inventory_cache(getattr(ctx, "extras", {})).orders.setdefault(installation_id, _OrderSkus())
    statement = select(AmazonOrder.order_json, AmazonOrder.fulfillment_channel, AmazonOrder.updated_at).where(
        AmazonOrder.installation_id == installation_id
    )
    if known.latest is not None:
        # Rows committed late by concurrent writers may carry a slightly older stamp: read a little overlap again.
        statement = statement.where(AmazonOrder.updated_at >= known.latest - ORDER_SCAN_OVERLAP)
    latest = known.latest
    result = await session.stream(statement)
    async for order_json, channel, updated_at in result:
        skus = seller_skus_in(order_json)
        known.seen |= skus
        if channel == "AFN":
            known.afn |= skus
        if updated_at is not None and (latest is None or updated_at > latest):
            latest = updated_at
    known.latest = latest
    return set(known.seen), set(known.afn)


async def _fba_skus(ctx: Any, client: SpApiClient, marketplace_id: str) -> set[str]:
    cache = inventory_cache(getattr(ctx, "extras", {})).fba
    key = (client.seller_id, marketplace_id)
    cached = cache.get(key)
    if cached is not None and ctx.clock.monotonic() - cached[0] < FBA_CACHE_SECONDS:
        return cached[1]
    skus = {
        s.seller_sku
        async for s in client.iter_inventory_summaries(marketplace_id)
        if s.seller_sku and (s.total_quantity or 0) > 0
    }
    cache[key] = (ctx.clock.monotonic(), skus)
    return skus


async def _feeds_in_flight(session: AsyncSession, installation_id: uuid.UUID, now: datetime) -> set[tuple[str, str]]:
    """(connection, marketplace) pairs that may not get a new feed yet: one is submitted and its result not read,
    or the last one went out less than createFeed's sustained interval ago (so the burst is never used up)."""
    result = await session.execute(
        select(StockFeed.connection_id, StockFeed.marketplace_id).where(
            StockFeed.installation_id == installation_id,
            or_(
                (StockFeed.state == FeedState.SUBMITTED.value) & (StockFeed.created_at >= now - IN_FLIGHT_LIMIT),
                StockFeed.created_at > now - FEED_INTERVAL,
            ),
        )
    )
    return {(connection_id, marketplace_id) for connection_id, marketplace_id in result.all()}


async def sync_installation(ctx: Any, installation_id: uuid.UUID) -> PassOutcome:
    """One pass. Raises ``RetryJob`` to wait for createFeed's limit."""
    outcome = PassOutcome()
    async with ctx.sessionmaker() as session:
        installation = await get_by_id(session, installation_id)
        if installation is None:
            outcome.off = True
            return outcome
        loaded = await ConfigurationRepository(session, ctx.secret_box, ctx.clock).load(installation_id)
        config: AppConfiguration = loaded.config
        processing = config.order_processing
        if not processing.inventory_sync_enabled or not config.mfn_warehouse_id:
            outcome.off = True
            return outcome
        seen, afn_from_orders = await _order_skus(ctx, session, installation_id)
        known = set((await session.execute(
            select(ListingStock.sku).where(ListingStock.installation_id == installation_id)
        )).scalars())  # fmt: skip
        in_flight = await _feeds_in_flight(session, installation_id, ctx.clock.now())
    candidates = amazon_skus(config, seen | known)
    if not candidates:
        outcome.idle = True
        return outcome
    saleor = create_saleor_client(installation.saleor_api_url, app_token(installation, ctx.secret_box), ctx.http_client)
    available = await saleor_available(saleor, {config.mfn_warehouse_id})
    access = amazon_access(ctx)
    for connection in config.connections:
        if connection.id not in loaded.authorized_connection_ids:
            continue
        async with ctx.sessionmaker() as session:
            try:
                client = await usable_client(ctx, session, installation_id, connection)
            except ConnectionPaused:
                continue  # expired, revoked: no Amazon call; the reconciliation catches up once re-authorized
        for marketplace_id in connection.marketplace_ids:
            if (connection.id, marketplace_id) in in_flight:
                outcome.deferred = True  # changes accumulate until that feed's result is read
                continue
            try:
                afn = afn_from_orders | await _fba_skus(ctx, client, marketplace_id)
            except SpApiError as exc:
                log.warning(
                    "FBA inventory not readable; skipping marketplace", marketplace_id=marketplace_id, error=str(exc)
                )
                continue
            changes = await _changes(ctx, installation_id, connection.id, marketplace_id, candidates, afn, available,
                                     processing.inventory_buffer)  # fmt: skip
            if not changes:
                continue
            first, *rest = chunks(changes)
            outcome.deferred = outcome.deferred or bool(rest)  # one feed in flight per marketplace
            wait = access.wait_time(connection.seller_id, CREATE_FEED)
            if wait > 0:
                raise RetryJob("waiting for createFeed's rate limit", delay=wait)
            feed_id = await client.submit_listings_feed(quantity_feed(connection.seller_id, first), [marketplace_id])
            await _record_feed(ctx, installation_id, connection.id, marketplace_id, feed_id, first)
            outcome.submitted += 1
    return outcome


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
    outcome = await sync_installation(ctx, job.installation_id)
    if outcome.deferred:
        # Still pending, so stock events meanwhile ride along (the job's unique key) instead of adding jobs.
        raise RetryJob("a stock feed is in flight; changes wait for it", delay=IN_FLIGHT_RECHECK)


async def run_reconcile_job(ctx: Any, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    outcome = await sync_installation(ctx, job.installation_id)
    if outcome.off:
        return  # no standing job while stock sync is off: a configuration save or stock event starts it again
    if outcome.deferred:
        async with ctx.sessionmaker() as session, session.begin():
            await request_sync(session, job.installation_id, now=ctx.clock.now())
    raise RetryJob("next reconciliation", delay=RECONCILE_IDLE if outcome.idle else RECONCILE_EVERY)
