"""The dashboard API of the order inbox (merged into ``dashboard/schema.py``): the installation's Amazon orders with
their state, reason and Saleor link, filters and pages; sync status per seller and marketplace; imports per day;
replay and skip. Any staff user may read; replay and skip need MANAGE_APPS, as the configuration does.

No buyer data is read or returned: ``amazon_order`` holds none (its order JSON is without PII and only read for the
amounts: Amazon Points, a missing tax breakdown).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, and_, func, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from saleor_asc_app.configuration.marketplaces import BY_ID, label
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.dashboard.context import DashboardContext
from saleor_asc_app.dashboard.permissions import CanManageApps, IsStaffUser
from saleor_asc_app.errors import BadRequest
from saleor_asc_app.orders import service
from saleor_asc_app.orders.money import OrderMoney, format_amount, reconcile
from saleor_asc_app.orders.schedule import enqueue_writer
from saleor_asc_app.orders.stored_orders import JsonText, load_order
from saleor_asc_app.orders.tables import AmazonOrder, Backfill, ImportCount, OrderState, SyncCursor
from saleor_asc_app.push.health import connection_status
from saleor_asc_app.push.tables import PushDeadLetter

MAX_PAGE = 200
CHART_DAYS = 30
MAX_SEARCH = 50
REPLAYABLE = (OrderState.PARKED.value, OrderState.SKIPPED.value)
_Select = Select[*tuple[Any, ...]]


def _ctx(info: Info[Any, Any]) -> DashboardContext:
    context: DashboardContext = info.context
    return context


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@strawberry.type
class AmazonOrderEntry:
    amazon_order_id: str
    connection_id: str
    marketplace_id: str
    marketplace: str  # "amazon.de (DE)"
    fulfillment_channel: str  # MFN | AFN
    amazon_status: str
    state: str  # waiting | ready | imported | shipped | cancelled | parked | skipped
    reason_code: str | None
    reason: str | None
    currency: str | None
    total_amount: str | None  # Amazon's order total, exact decimal string
    saleor_total_amount: str | None
    saleor_order_id: str | None
    saleor_order_number: str | None
    ordered_at: datetime | None
    amazon_updated_at: datetime | None
    imported_at: datetime | None
    updated_at: datetime
    can_replay: bool
    can_skip: bool
    points_granted: int | None = strawberry.field(
        default=None, description="Amazon Points granted with the order (JP); not part of its total."
    )
    points_value: str | None = strawberry.field(default=None, description="What those points are worth (exact).")
    tax_breakdown_missing: bool = strawberry.field(
        default=False,
        description="Amazon sent no tax breakdown although prices include tax in the marketplace: the order was "
        "booked with Amazon's amounts and no tax split.",
    )


@strawberry.type
class AmazonOrderPage:
    items: list[AmazonOrderEntry]
    total_count: int
    offset: int
    has_more: bool


@strawberry.input
class AmazonOrderFilter:
    states: list[str] | None = None
    marketplace_id: str | None = None
    connection_id: str | None = None
    search: str | None = strawberry.field(default=None, description="Part of an Amazon order id.")
    reason_code: str | None = None


@strawberry.type
class StateCount:
    state: str
    count: int


@strawberry.type
class MarketplaceSyncStatus:
    marketplace_id: str
    marketplace: str
    counts: list[StateCount]
    last_imported_at: datetime | None


@strawberry.type
class BackfillProgress:
    status: str  # pending | running | done | failed
    since: datetime
    until: datetime
    windows_done: int
    windows_total: int
    orders_found: int
    orders_fetched: int
    last_error: str | None
    finished_at: datetime | None


@strawberry.type
class PushSyncStatus:
    """Order notifications for the connection (``push/health.py``)."""

    state: str  # subscribed | degraded | off
    reason: str | None
    last_notification_at: datetime | None
    freshness_seconds: int | None  # age of the newest Amazon change imported into Saleor
    missed: int  # changes the catch-up sweep found that no notification brought
    dead_letters: int  # queue messages about this store set aside unhandled


@strawberry.type
class SellerSyncStatus:
    connection_id: str
    seller_id: str
    region: str | None
    configured: bool  # still in the configuration (a removed connection keeps its orders)
    last_success_at: datetime | None
    synced_until: datetime | None  # every Amazon change before this has been read
    lag_seconds: int | None  # now − synced_until
    next_run_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    orders_seen: int
    marketplaces: list[MarketplaceSyncStatus]
    backfill: BackfillProgress | None
    push: PushSyncStatus | None = None


@strawberry.type
class DailyImports:
    day: date
    count: int


@strawberry.type
class ParkedReason:
    reason_code: str
    reason_key: str | None
    example: str | None  # the reason text of one of these orders
    count: int


@strawberry.type
class AmazonOrderSyncStatus:
    now: datetime
    sellers: list[SellerSyncStatus]
    imports_per_day: list[DailyImports]
    parked_reasons: list[ParkedReason]


_ENTRY_COLUMNS = (
    AmazonOrder.amazon_order_id,
    AmazonOrder.connection_id,
    AmazonOrder.marketplace_id,
    AmazonOrder.fulfillment_channel,
    AmazonOrder.amazon_status,
    AmazonOrder.state,
    AmazonOrder.reason_code,
    AmazonOrder.reason,
    AmazonOrder.currency,
    AmazonOrder.total_amount,
    AmazonOrder.saleor_total_amount,
    AmazonOrder.saleor_order_id,
    AmazonOrder.saleor_order_number,
    AmazonOrder.amazon_created_at,
    AmazonOrder.amazon_updated_at,
    AmazonOrder.imported_at,
    AmazonOrder.updated_at,
    AmazonOrder.needs_fetch,
    type_coerce(AmazonOrder.order_json, JsonText()).label("order_json"),
)


def _entry(row: Any) -> AmazonOrderEntry:
    outside_saleor = row.saleor_order_id is None
    money = _money(row.order_json)
    return AmazonOrderEntry(
        amazon_order_id=row.amazon_order_id,
        connection_id=row.connection_id,
        marketplace_id=row.marketplace_id,
        marketplace=label(row.marketplace_id) if row.marketplace_id else "",
        fulfillment_channel=row.fulfillment_channel,
        amazon_status=row.amazon_status,
        state=row.state,
        reason_code=row.reason_code,
        reason=row.reason,
        currency=row.currency,
        total_amount=row.total_amount,
        saleor_total_amount=row.saleor_total_amount,
        saleor_order_id=row.saleor_order_id,
        saleor_order_number=row.saleor_order_number,
        ordered_at=_utc(row.amazon_created_at),
        amazon_updated_at=_utc(row.amazon_updated_at),
        imported_at=_utc(row.imported_at),
        updated_at=_utc(row.updated_at) or row.updated_at,
        can_replay=outside_saleor and row.state in REPLAYABLE and not row.needs_fetch,
        can_skip=outside_saleor and row.state != OrderState.CANCELLED.value and row.state != OrderState.SKIPPED.value,
        points_granted=money.points_number or None if money else None,
        points_value=format_amount(money.points_value, money.exponent) if money and money.points_number else None,
        tax_breakdown_missing=bool(money and money.tax_breakdown_missing),
    )


def _money(stored: Any) -> OrderMoney | None:
    """The order's amounts as the import books them (None while they cannot be booked)."""
    order = load_order(stored)
    money = reconcile(order) if order is not None else None
    return money if isinstance(money, OrderMoney) else None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(statement: _Select, installation_id: uuid.UUID, where: AmazonOrderFilter | None) -> _Select:
    statement = statement.where(AmazonOrder.installation_id == installation_id)
    if where is None:
        return statement
    if where.states:
        known = {s.value for s in OrderState}
        unknown = sorted(set(where.states) - known)
        if unknown:
            raise BadRequest(f"Unknown order state(s): {', '.join(unknown)}; use {', '.join(sorted(known))}.")
        statement = statement.where(AmazonOrder.state.in_(where.states))
    if where.marketplace_id:
        statement = statement.where(AmazonOrder.marketplace_id == where.marketplace_id)
    if where.connection_id:
        statement = statement.where(AmazonOrder.connection_id == where.connection_id)
    if where.reason_code:
        statement = statement.where(AmazonOrder.reason_code == where.reason_code)
    search = (where.search or "").strip()
    if search:
        if len(search) > MAX_SEARCH:
            raise BadRequest(f"Search for at most {MAX_SEARCH} characters of an Amazon order id.")
        statement = statement.where(
            func.upper(AmazonOrder.amazon_order_id).like(f"%{_escape_like(search.upper())}%", escape="\\")
        )
    return statement


async def resolve_orders(
    info: Info[Any, Any],
    where: Annotated[AmazonOrderFilter | None, strawberry.argument(name="filter")] = None,
    first: int = 50,
    offset: int = 0,
) -> AmazonOrderPage:
    ctx = _ctx(info)
    if first < 1 or offset < 0:
        raise BadRequest("`first` must be at least 1 and `offset` at least 0.")
    first = min(first, MAX_PAGE)
    listing = _filtered(select(*_ENTRY_COLUMNS), ctx.installation_id, where).order_by(
        AmazonOrder.amazon_created_at.desc().nulls_last(), AmazonOrder.amazon_order_id.desc()
    )
    counting = _filtered(select(func.count()).select_from(AmazonOrder), ctx.installation_id, where)
    async with ctx.sessionmaker() as session:
        total = int((await session.execute(counting)).scalar_one())
        rows = (await session.execute(listing.offset(offset).limit(first))).all()
    return AmazonOrderPage(
        items=[_entry(row) for row in rows], total_count=total, offset=offset, has_more=offset + len(rows) < total
    )


async def _one(session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str) -> AmazonOrderEntry:
    row = (
        await session.execute(
            select(*_ENTRY_COLUMNS).where(
                AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id == amazon_order_id
            )
        )
    ).one()
    return _entry(row)


@dataclass
class _Counts:
    by_market: dict[tuple[str, str], dict[str, int]]
    last_import: dict[tuple[str, str], datetime | None]


async def _counts(session: AsyncSession, installation_id: uuid.UUID) -> _Counts:
    result = await session.execute(
        select(
            AmazonOrder.connection_id,
            AmazonOrder.marketplace_id,
            AmazonOrder.state,
            func.count(),
            func.max(AmazonOrder.imported_at),
        )
        .where(AmazonOrder.installation_id == installation_id)
        .group_by(AmazonOrder.connection_id, AmazonOrder.marketplace_id, AmazonOrder.state)
    )
    counts = _Counts({}, {})
    for connection_id, marketplace_id, state, count, imported in result.all():
        key = (str(connection_id), str(marketplace_id or ""))
        counts.by_market.setdefault(key, {})[str(state)] = int(count)
        latest, imported = counts.last_import.get(key), _utc(imported)
        counts.last_import[key] = max(filter(None, (latest, imported)), default=None)
    return counts


def _state_counts(by_state: dict[str, int]) -> list[StateCount]:
    return [StateCount(state=s.value, count=by_state.get(s.value, 0)) for s in OrderState]


def _backfill_out(row: Backfill | None) -> BackfillProgress | None:
    if row is None:
        return None
    return BackfillProgress(
        status=row.status, since=_utc(row.since) or row.since, until=_utc(row.until) or row.until,
        windows_done=row.windows_done, windows_total=row.windows_total, orders_found=row.orders_found,
        orders_fetched=row.orders_fetched, last_error=row.last_error, finished_at=_utc(row.finished_at),
    )  # fmt: skip


async def _push_status(
    ctx: DashboardContext, session: AsyncSession, connection_id: str, now: datetime
) -> PushSyncStatus:
    status = await connection_status(session, ctx.settings, ctx.installation_id, connection_id, now=now)
    newest = (
        await session.execute(
            select(func.max(AmazonOrder.amazon_updated_at)).where(
                AmazonOrder.installation_id == ctx.installation_id,
                AmazonOrder.connection_id == connection_id,
                AmazonOrder.saleor_order_id.is_not(None),
            )
        )
    ).scalar_one_or_none()
    newest = _utc(newest)
    dead = (
        await session.execute(
            select(func.count())
            .select_from(PushDeadLetter)
            .where(PushDeadLetter.installation_id == ctx.installation_id)
        )
    ).scalar_one()
    return PushSyncStatus(
        state=status.state.value,
        reason=status.reason,
        last_notification_at=_utc(status.last_notification_at),
        freshness_seconds=max(0, int((now - newest).total_seconds())) if newest else None,
        missed=status.missed,
        dead_letters=int(dead),
    )


async def resolve_sync_status(info: Info[Any, Any]) -> AmazonOrderSyncStatus:
    ctx = _ctx(info)
    now = ctx.clock.now()
    today = now.date()
    first_day = today - timedelta(days=CHART_DAYS - 1)
    async with ctx.sessionmaker() as session:
        loaded = await load_configuration(session, ctx, ctx.installation_id)
        mine_cursor = SyncCursor.installation_id == ctx.installation_id
        cursors = {c.connection_id: c for c in (await session.execute(select(SyncCursor).where(mine_cursor))).scalars()}
        backfills = {
            b.connection_id: b
            for b in (
                await session.execute(select(Backfill).where(Backfill.installation_id == ctx.installation_id))
            ).scalars()
        }
        counts = await _counts(session, ctx.installation_id)
        daily = (
            await session.execute(
                select(ImportCount.day, func.sum(ImportCount.count))
                .where(ImportCount.installation_id == ctx.installation_id, ImportCount.day >= first_day)
                .group_by(ImportCount.day)
            )
        ).all()
        parked = (
            await session.execute(
                select(AmazonOrder.reason_code, AmazonOrder.reason_key, func.max(AmazonOrder.reason), func.count())
                .where(AmazonOrder.installation_id == ctx.installation_id, AmazonOrder.state == OrderState.PARKED.value)
                .group_by(AmazonOrder.reason_code, AmazonOrder.reason_key)
                .order_by(func.count().desc(), AmazonOrder.reason_code, AmazonOrder.reason_key)
            )
        ).all()
        pushes = {
            cid: await _push_status(ctx, session, cid, now)
            for cid in {c.id for c in loaded.config.connections} | set(cursors)
        }
    configured = {c.id: c for c in loaded.config.connections}
    connection_ids = list(configured) + sorted(
        ({cid for cid, _ in counts.by_market} | set(cursors) | set(backfills)) - set(configured)
    )
    sellers = []
    for cid in connection_ids:
        connection = configured.get(cid)
        cursor = cursors.get(cid)
        markets = list(connection.marketplace_ids) if connection else []
        markets += sorted({m for c, m in counts.by_market if c == cid and m not in markets})
        synced_until = _utc(cursor.cursor) if cursor else None
        sellers.append(
            SellerSyncStatus(
                connection_id=cid,
                seller_id=connection.seller_id if connection else (cursor.seller_id if cursor else ""),
                region=connection.region.value if connection else None,
                configured=connection is not None,
                last_success_at=_utc(cursor.last_success_at) if cursor else None,
                synced_until=synced_until,
                lag_seconds=max(0, int((now - synced_until).total_seconds())) if synced_until else None,
                next_run_at=_utc(cursor.next_run_at) if cursor else None,
                last_error=cursor.last_error if cursor else None,
                last_error_at=_utc(cursor.last_error_at) if cursor else None,
                orders_seen=cursor.orders_seen if cursor else 0,
                marketplaces=[
                    MarketplaceSyncStatus(
                        marketplace_id=m,
                        marketplace=label(m) if m in BY_ID else (m or "unknown marketplace"),
                        counts=_state_counts(counts.by_market.get((cid, m), {})),
                        last_imported_at=counts.last_import.get((cid, m)),
                    )
                    for m in markets
                ],
                backfill=_backfill_out(backfills.get(cid)),
                push=pushes.get(cid),
            )
        )
    per_day = {day if isinstance(day, date) else date.fromisoformat(str(day)): int(n or 0) for day, n in daily}
    return AmazonOrderSyncStatus(
        now=now,
        sellers=sellers,
        imports_per_day=[
            DailyImports(day=first_day + timedelta(days=i), count=per_day.get(first_day + timedelta(days=i), 0))
            for i in range(CHART_DAYS)
        ],
        parked_reasons=[
            ParkedReason(reason_code=str(code or ""), reason_key=key, example=example, count=int(n))
            for code, key, example, n in parked
        ],
    )


async def replay_order(info: Info[Any, Any], amazon_order_id: str) -> AmazonOrderEntry:
    ctx = _ctx(info)
    async with ctx.sessionmaker() as session, session.begin():
        await service.replay_order(session, ctx.installation_id, amazon_order_id.strip(), now=ctx.clock.now())
        await session.flush()
        return await _one(session, ctx.installation_id, amazon_order_id.strip())


async def skip_order(info: Info[Any, Any], amazon_order_id: str) -> AmazonOrderEntry:
    ctx = _ctx(info)
    by = ctx.user.email or ctx.user.user_id
    async with ctx.sessionmaker() as session, session.begin():
        await service.skip_order(session, ctx.installation_id, amazon_order_id.strip(), now=ctx.clock.now(), by=by)
        await session.flush()
        return await _one(session, ctx.installation_id, amazon_order_id.strip())


async def replay_parked(info: Info[Any, Any], reason_code: str, reason_key: str | None = None) -> int:
    """Every order parked for this reason (and key, when given) goes back to the writer; returns how many."""
    ctx = _ctx(info)
    now = ctx.clock.now()
    conditions = [
        AmazonOrder.installation_id == ctx.installation_id,
        AmazonOrder.state == OrderState.PARKED.value,
        AmazonOrder.reason_code == reason_code,
        AmazonOrder.saleor_order_id.is_(None),
        AmazonOrder.needs_fetch.is_(False),
    ]
    if reason_key is not None:
        conditions.append(AmazonOrder.reason_key == reason_key)
    async with ctx.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(AmazonOrder).where(and_(*conditions)).values(state=OrderState.READY.value, updated_at=now)
        )
        replayed = int(getattr(result, "rowcount", 0) or 0)
        if replayed:
            await enqueue_writer(session, ctx.installation_id, now=now)
    return replayed


@strawberry.type
class OrdersQuery:
    amazon_orders: AmazonOrderPage = strawberry.field(
        resolver=resolve_orders,
        permission_classes=[IsStaffUser],
        description="The order inbox: Amazon orders of this store, newest first (no buyer data).",
    )
    amazon_order_sync_status: AmazonOrderSyncStatus = strawberry.field(
        resolver=resolve_sync_status,
        permission_classes=[IsStaffUser],
        description="Sync status per seller and marketplace, orders imported per day (30 days), parked reasons.",
    )


@strawberry.type
class OrdersMutation:
    replay_amazon_order: AmazonOrderEntry = strawberry.mutation(
        resolver=replay_order,
        permission_classes=[CanManageApps],
        description="Try a parked or skipped order again now.",
    )
    skip_amazon_order: AmazonOrderEntry = strawberry.mutation(
        resolver=skip_order,
        permission_classes=[CanManageApps],
        description="Never import this order (it stays in the inbox as skipped and can be replayed).",
    )
    replay_parked_amazon_orders: int = strawberry.mutation(
        resolver=replay_parked,
        permission_classes=[CanManageApps],
        description="Try every order parked for one reason again; returns how many.",
    )
