"""Stock sync: Saleor's available stock → JSON_LISTINGS_FEED quantity patches, only for quantities that changed.

Two job kinds run the same pass, one at a time per installation: ``inventory.sync`` shortly after a stock event
(events within the delay coalesce into one run), and ``inventory.reconcile`` on a schedule, because Saleor fires
no stock event when orders allocate stock. Each pass reads Saleor's stock in pages.

A SKU goes to a marketplace only where the seller lists it there, merchant-fulfilled: per marketplace, the
candidates (mapped SKUs; with seller-SKU matching also SKUs of orders from that marketplace and listings the app
already tracks there) are looked up with searchListingsItems; a listing whose fulfillment availability there names
an Amazon channel, or whose orders from that marketplace Amazon fulfilled, is FBA there and left alone.

Feeds: changed quantities of one connection (seller and region) are grouped by the set of marketplaces they go to,
and each group is one feed for those marketplaces (createFeed applies a feed to every marketplace it names;
docs/amazon-listings.md). Submissions respect createFeed's limit (0.0083/s, burst 15) and JSON_LISTINGS_FEED's own
(five per five minutes per region): at most one feed per marketplace is in flight (submitted, result not read yet),
feeds of a marketplace are at least createFeed's sustained interval apart, and a region gets at most five feeds in
any five minutes; meanwhile changes accumulate (what was last sent stays the reference) and the pending sync job
waits, so a storm of stock events yields one feed per cycle, never a 429.
An idle reconciliation is cheap: SKUs of orders already scanned and listing lookups are remembered per process, and
a store with nothing to keep in stock is looked at hourly, one with stock sync off not at all (saving the
configuration or a stock event starts the reconciliation again).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SEARCH_IDENTIFIERS_MAX, SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.listings import ListingsItem
from saleor_asc_app.amazon.operations import CREATE_FEED
from saleor_asc_app.clock import Clock
from saleor_asc_app.configuration.model import AmazonConnection, AppConfiguration
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections.readiness import ConnectionPaused, usable_client
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.inventory.cache import InventoryCache, Listing, MarketplaceOrders, OrderSkus
from saleor_asc_app.inventory.feeds import chunks, quantity_feed
from saleor_asc_app.inventory.levels import amazon_quantity, amazon_skus, seller_skus_in
from saleor_asc_app.inventory.tables import FeedState, ListingStock, StockFeed
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.saleor.client import SaleorClient, create_saleor_client
from saleor_asc_app.state import AppState

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
# JSON_LISTINGS_FEED's own limit: five submissions per five minutes per region (docs/amazon-listings.md).
LISTINGS_FEEDS_PER_WINDOW = 5
LISTINGS_FEED_WINDOW = timedelta(minutes=5)
LISTING_CACHE_SECONDS = 6 * 3600.0
LOOKUPS_PER_PASS = 300
ORDER_SCAN_OVERLAP = timedelta(minutes=10)
RESULT_FIRST_POLL = 60.0
PAGE_SIZE = 100
MERCHANT_CHANNEL = "DEFAULT"  # fulfillment_channel_code of merchant-fulfilled availability; others are Amazon's


@dataclass
class PassOutcome:
    submitted: int = 0
    deferred: bool = False  # changes wait for a feed in flight, the feed limits, or a later chunk
    idle: bool = False  # nothing to keep in stock
    off: bool = False  # stock sync is not enabled (saving the configuration starts the reconciliation again)


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


async def _order_skus(ctx: AppState, session: AsyncSession, installation_id: uuid.UUID) -> dict[str, MarketplaceOrders]:
    """Per marketplace, the seller SKUs of imported orders and those of them Amazon fulfilled (FBA there); only
    orders stored since the previous pass of this process are read."""
    known = ctx.inventory.orders.setdefault(installation_id, OrderSkus())
    statement = select(
        AmazonOrder.order_json, AmazonOrder.marketplace_id, AmazonOrder.fulfillment_channel, AmazonOrder.updated_at
    ).where(AmazonOrder.installation_id == installation_id)
    if known.latest is not None:
        # Rows committed late by concurrent writers may carry a slightly older stamp: read a little overlap again.
        statement = statement.where(AmazonOrder.updated_at >= known.latest - ORDER_SCAN_OVERLAP)
    latest = known.latest
    result = await session.stream(statement)
    async for order_json, marketplace_id, channel, updated_at in result:
        skus = seller_skus_in(order_json)
        seen = known.by_marketplace.setdefault(marketplace_id, MarketplaceOrders())
        seen.seen |= skus
        if channel == "AFN":
            seen.afn |= skus
        if updated_at is not None and (latest is None or updated_at > latest):
            latest = updated_at
    known.latest = latest
    return {m: MarketplaceOrders(set(o.seen), set(o.afn)) for m, o in known.by_marketplace.items()}


def listing_kind(item: ListingsItem, marketplace_id: str) -> Listing | None:
    """What one searchListingsItems answer (asked for one marketplace, with summaries and fulfillment
    availability) says of the SKU there: not listed without a summary for the marketplace; FBA when an Amazon
    channel is named; else merchant-fulfilled (also a listing with no availability yet, which the app then sets)."""
    if not any(s.marketplace_id == marketplace_id for s in item.summaries or ()):
        return None
    channels = {a.fulfillment_channel_code for a in item.fulfillment_availability or ()}
    return Listing.FBA if channels - {MERCHANT_CHANNEL} else Listing.MFN


@dataclass
class LookupBudget:
    """searchListingsItems requests one pass may make (at the operation's 5/s, about a minute); a large catalog is
    looked up over several passes, the SKUs not reached yet wait for the next one."""

    left: int = LOOKUPS_PER_PASS


async def listed_in_marketplace(
    known: InventoryCache,
    clock: Clock,
    client: SpApiClient,
    marketplace_id: str,
    skus: Iterable[str],
    budget: LookupBudget,
) -> tuple[dict[str, Listing], set[str]]:
    """SKU → MFN/FBA for those of ``skus`` the seller lists in the marketplace, as Amazon says (looked up again
    after ``LISTING_CACHE_SECONDS``), and the SKUs not looked up yet (budget used up)."""
    cache = known.listings.setdefault((client.seller_id, marketplace_id), {})
    now = clock.monotonic()
    wanted = sorted(set(skus))
    stale = [sku for sku in wanted if sku not in cache or now - cache[sku][0] >= LISTING_CACHE_SECONDS]
    pending: set[str] = set()
    for start in range(0, len(stale), SEARCH_IDENTIFIERS_MAX):
        batch = stale[start : start + SEARCH_IDENTIFIERS_MAX]
        if budget.left <= 0:
            pending.update(sku for sku in batch if sku not in cache)  # a stale answer serves until looked up
            continue
        budget.left -= 1
        found = {
            item.sku: listing_kind(item, marketplace_id)
            for item in await client.search_listings_items_by_sku(
                marketplace_id, batch, included_data=("summaries", "fulfillmentAvailability")
            )
        }
        for sku in batch:
            cache[sku] = (now, found.get(sku))
    listed = {sku: kind for sku in wanted if sku in cache and (kind := cache[sku][1]) is not None}
    return listed, pending


@dataclass
class _FeedPacing:
    blocked: set[tuple[str, str]]  # (connection, marketplace) that may not get a new feed yet
    recent: dict[str, int]  # connection → its listings feeds of the last LISTINGS_FEED_WINDOW


async def _feed_pacing(session: AsyncSession, installation_id: uuid.UUID, now: datetime) -> _FeedPacing:
    """(connection, marketplace) pairs that may not get a new feed yet: one is submitted and its result not read,
    or the last one went out less than createFeed's sustained interval ago (so the burst is never used up); and
    per connection the feeds counted against JSON_LISTINGS_FEED's per-region window."""
    result = await session.execute(
        select(StockFeed.connection_id, StockFeed.marketplace_ids, StockFeed.state, StockFeed.created_at).where(
            StockFeed.installation_id == installation_id,
            or_(
                (StockFeed.state == FeedState.SUBMITTED.value) & (StockFeed.created_at >= now - IN_FLIGHT_LIMIT),
                StockFeed.created_at > now - max(FEED_INTERVAL, LISTINGS_FEED_WINDOW),
            ),
        )
    )
    pacing = _FeedPacing(set(), {})
    for connection_id, marketplace_ids, state, created_at in result.all():
        in_flight = state == FeedState.SUBMITTED.value and created_at >= now - IN_FLIGHT_LIMIT
        if in_flight or created_at > now - FEED_INTERVAL:
            pacing.blocked |= {(connection_id, m) for m in marketplace_ids}
        if created_at > now - LISTINGS_FEED_WINDOW:
            pacing.recent[connection_id] = pacing.recent.get(connection_id, 0) + 1
    return pacing


def _region_feeds(pacing: _FeedPacing, config: AppConfiguration, connection: AmazonConnection) -> int:
    """Listings feeds of the connection's seller in its region within the window (Amazon counts per region)."""
    return sum(
        pacing.recent.get(c.id, 0)
        for c in config.connections
        if c.seller_id == connection.seller_id and c.region is connection.region
    )


def group_by_marketplaces(changes: dict[str, list[tuple[str, int]]]) -> list[tuple[list[str], list[tuple[str, int]]]]:
    """Marketplace → changed (SKU, quantity) into feeds: each (SKU, quantity) goes to exactly the marketplaces it
    changed in, so a group is the messages sharing one set of marketplaces (largest group first)."""
    targets: dict[tuple[str, int], list[str]] = {}
    for marketplace_id, items in sorted(changes.items()):
        for item in items:
            targets.setdefault(item, []).append(marketplace_id)
    groups: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for item, marketplace_ids in targets.items():
        groups.setdefault(tuple(marketplace_ids), []).append(item)
    ordered = sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
    return [(list(marketplace_ids), sorted(items)) for marketplace_ids, items in ordered]


async def sync_installation(ctx: AppState, installation_id: uuid.UUID) -> PassOutcome:
    """One pass. Raises ``RetryJob`` to wait for createFeed's limit."""
    outcome = PassOutcome()
    async with ctx.sessionmaker() as session:
        installation = await get_by_id(session, installation_id)
        if installation is None:
            outcome.off = True
            return outcome
        loaded = await load_configuration(session, ctx, installation_id)
        config: AppConfiguration = loaded.config
        processing = config.order_processing
        if not processing.inventory_sync_enabled or not config.mfn_warehouse_id:
            outcome.off = True
            return outcome
        orders = await _order_skus(ctx, session, installation_id)
        tracked: dict[tuple[str, str], set[str]] = {}
        for connection_id, marketplace_id, sku in (
            await session.execute(
                select(ListingStock.connection_id, ListingStock.marketplace_id, ListingStock.sku).where(
                    ListingStock.installation_id == installation_id
                )
            )
        ).all():
            tracked.setdefault((connection_id, marketplace_id), set()).add(sku)
        pacing = await _feed_pacing(session, installation_id, ctx.clock.now())
    candidates = {
        (connection.id, m): amazon_skus(
            config, orders.get(m, MarketplaceOrders()).seen | tracked.get((connection.id, m), set())
        )
        for connection in config.connections
        for m in connection.marketplace_ids
    }
    if not any(candidates.values()):
        outcome.idle = True
        return outcome
    saleor = create_saleor_client(installation.saleor_api_url, app_token(installation, ctx.secret_box), ctx.http_client)
    available = await saleor_available(saleor, {config.mfn_warehouse_id})
    access = ctx.amazon
    budget = LookupBudget()
    for connection in config.connections:
        if connection.id not in loaded.authorized_connection_ids:
            continue
        async with ctx.sessionmaker() as session:
            try:
                client = await usable_client(ctx, session, installation_id, connection)
            except ConnectionPaused:
                continue  # expired, revoked: no Amazon call; the reconciliation catches up once re-authorized
        changes: dict[str, list[tuple[str, int]]] = {}
        for marketplace_id in connection.marketplace_ids:
            if (connection.id, marketplace_id) in pacing.blocked:
                outcome.deferred = True  # changes accumulate until that feed's result is read
                continue
            wanted = candidates[(connection.id, marketplace_id)]
            try:
                listed, pending = await listed_in_marketplace(
                    ctx.inventory, ctx.clock, client, marketplace_id, wanted, budget
                )
            except SpApiError as exc:
                log.warning("listings not readable; skipping marketplace", marketplace_id=marketplace_id,
                            error=str(exc))  # fmt: skip
                continue
            outcome.deferred = outcome.deferred or bool(pending)  # the rest is looked up in the next pass
            afn = orders.get(marketplace_id, MarketplaceOrders()).afn
            fba = {sku for sku, kind in listed.items() if kind is Listing.FBA} | (afn & set(listed))
            listed_candidates = {sku: wanted[sku] for sku in listed}
            changes[marketplace_id] = await _changes(ctx, installation_id, connection.id, marketplace_id,
                                                     listed_candidates, set(wanted) - set(listed) - pending, fba,
                                                     available,
                                                     processing.inventory_buffer)  # fmt: skip
        allowed = LISTINGS_FEEDS_PER_WINDOW - _region_feeds(pacing, config, connection)
        for marketplace_ids, items in group_by_marketplaces({m: c for m, c in changes.items() if c}):
            for chunk in chunks(items):
                if allowed <= 0:
                    outcome.deferred = True  # JSON_LISTINGS_FEED's window for this region is full
                    break
                wait = await access.wait_time(connection, CREATE_FEED)
                if wait > 0:
                    raise RetryJob("waiting for createFeed's rate limit", delay=wait)
                feed_id = await client.submit_listings_feed(quantity_feed(connection.seller_id, chunk), marketplace_ids)
                await _record_feed(ctx, installation_id, connection.id, marketplace_ids, feed_id, chunk)
                pacing.recent[connection.id] = pacing.recent.get(connection.id, 0) + 1
                allowed -= 1
                outcome.submitted += 1
                if len(items) > len(chunk):
                    outcome.deferred = True  # one feed in flight per marketplace: the next chunk waits for it
                    break
    return outcome


async def _changes(
    ctx: AppState,
    installation_id: uuid.UUID,
    connection_id: str,
    marketplace_id: str,
    listed: dict[str, tuple[str, int]],
    unlisted: set[str],
    fba: set[str],
    available: dict[str, int],
    buffer: int,
) -> list[tuple[str, int]]:
    """Upsert the rows of the SKUs listed in the marketplace (Saleor SKU, FBA flag), drop those Amazon no longer
    lists there; the merchant-fulfilled SKUs whose quantity differs from what was last sent."""
    now = ctx.clock.now()
    changes: list[tuple[str, int]] = []
    async with ctx.sessionmaker() as session, session.begin():
        scope = (
            ListingStock.installation_id == installation_id,
            ListingStock.connection_id == connection_id,
            ListingStock.marketplace_id == marketplace_id,
        )
        if unlisted:
            await session.execute(delete(ListingStock).where(*scope, ListingStock.sku.in_(sorted(unlisted))))
        rows = {row.sku: row for row in (await session.execute(select(ListingStock).where(*scope))).scalars()}
        for sku, (saleor_sku, ratio) in sorted(listed.items()):
            row = rows.get(sku)
            if row is None:
                row = ListingStock(
                    id=uuid.uuid4(), installation_id=installation_id, connection_id=connection_id,
                    marketplace_id=marketplace_id, sku=sku, saleor_sku=saleor_sku, updated_at=now,
                )  # fmt: skip
                session.add(row)
            row.saleor_sku = saleor_sku
            row.afn = sku in fba
            if row.afn:
                continue
            quantity = amazon_quantity(available.get(saleor_sku), ratio, buffer)
            if row.last_sent_quantity != quantity:
                changes.append((sku, quantity))
    return changes


async def _record_feed(
    ctx: AppState,
    installation_id: uuid.UUID,
    connection_id: str,
    marketplace_ids: list[str],
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
            marketplace_ids=list(marketplace_ids),
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
                    ListingStock.marketplace_id.in_(list(marketplace_ids)),
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
            {"stock_feed_id": str(feed.id), "connection_id": connection_id, "feed_id": feed_id},
            installation_id=installation_id,
            unique_key=f"stock-feed:{feed.id}",
            run_after=now + timedelta(seconds=RESULT_FIRST_POLL),
            now=now,
        )
    log.info("stock feed submitted", feed_id=feed_id, marketplace_ids=marketplace_ids, messages=len(chunk))


async def run_sync_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    outcome = await sync_installation(ctx, job.installation_id)
    if outcome.deferred:
        # Still pending, so stock events meanwhile ride along (the job's unique key) instead of adding jobs.
        raise RetryJob("a stock feed is in flight; changes wait for it", delay=IN_FLIGHT_RECHECK)


async def run_reconcile_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    outcome = await sync_installation(ctx, job.installation_id)
    if outcome.off:
        return  # no standing job while stock sync is off: a configuration save or stock event starts it again
    if outcome.deferred:
        async with ctx.sessionmaker() as session, session.begin():
            await request_sync(session, job.installation_id, now=ctx.clock.now())
    raise RetryJob("next reconciliation", delay=RECONCILE_IDLE if outcome.idle else RECONCILE_EVERY)
