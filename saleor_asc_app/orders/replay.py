"""Parked orders come back by themselves once their cause is fixed; staff can also replay or skip one order.

A parked order records its reason code, a key (the SKU, marketplace, channel…) and the configuration version it
was decided under. At the start of every writer run:
- every order parked (or skipped or waiting because of the configuration) under an older configuration version is
  queued again: a new SKU mapping, channel mapping, warehouse or shipping mapping may have fixed it;
- orders parked for something in Saleor (unknown SKU, missing tax class or stock record, unknown channel) are
  queued again when one batched look-up shows the thing now exists — once per distinct key, not per order.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.errors import Conflict, NotFound
from saleor_asc_app.orders.catalog import SaleorCatalog
from saleor_asc_app.orders.mapping import VariantRef
from saleor_asc_app.orders.stored_orders import STAFF_SKIP
from saleor_asc_app.orders.tables import AmazonOrder, OrderState
from saleor_asc_app.state import AppState

# Skips and waits that only the configuration causes; a new configuration version re-decides them.
CONFIG_SKIPS = frozenset(
    {"ignored", "before_import_start", "fba_not_imported", "mfn_not_imported", "marketplace_import_off"}
)
CONFIG_WAITS = frozenset({"fba_not_shipped"})
# Parking reasons that depend on Saleor's catalogue, checked per key.
CATALOG_REASONS = frozenset({"unknown_sku", "no_tax_class", "no_stock_record", "unknown_channel"})


async def release_fixed(
    state: AppState, installation_id: uuid.UUID, config: AppConfiguration, version: int, catalog: SaleorCatalog
) -> int:
    """Queue the orders whose cause is gone; returns how many."""
    now = state.clock.now()
    mine = AmazonOrder.installation_id == installation_id
    stale = AmazonOrder.config_version != version
    by_config = _by_config()
    released = 0
    async with state.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(AmazonOrder)
            .where(mine, stale, by_config, AmazonOrder.order_json.is_not(None))
            .values(state=OrderState.READY.value, updated_at=now)
        )
        released += int(getattr(result, "rowcount", 0) or 0)
        found = (
            await session.execute(
                select(AmazonOrder.reason_code, AmazonOrder.reason_key)
                .where(
                    mine,
                    AmazonOrder.state == OrderState.PARKED.value,
                    AmazonOrder.reason_code.in_(CATALOG_REASONS),
                    AmazonOrder.reason_key.is_not(None),
                )
                .distinct()
            )
        ).all()
        keys = [(str(code), str(key)) for code, key in found if code and key]
    if not keys:
        return released
    catalog.forget_variants()
    skus = {sku for code, key in keys if code != "unknown_channel" for sku in _skus(code, key)}
    variants = await catalog.variants(skus)
    channels = await catalog.channel_currencies() if any(code == "unknown_channel" for code, _ in keys) else {}
    fixed = [(code, key) for code, key in keys if _is_fixed(code, key, variants, channels)]
    if fixed:
        async with state.sessionmaker() as session, session.begin():
            for code, key in fixed:
                result = await session.execute(
                    update(AmazonOrder)
                    .where(
                        mine,
                        AmazonOrder.state == OrderState.PARKED.value,
                        AmazonOrder.reason_code == code,
                        AmazonOrder.reason_key == key,
                    )
                    .values(state=OrderState.READY.value, updated_at=now)
                )
                released += int(getattr(result, "rowcount", 0) or 0)
    return released


async def has_candidates(session: AsyncSession, installation_id: uuid.UUID, version: int) -> bool:
    """Whether a writer run could release something: orders decided under another configuration version, or
    parked for something that may since exist in Saleor."""
    found = await session.execute(
        select(AmazonOrder.id)
        .where(
            AmazonOrder.installation_id == installation_id,
            or_(
                and_(AmazonOrder.config_version != version, _by_config()),
                and_(AmazonOrder.state == OrderState.PARKED.value, AmazonOrder.reason_code.in_(CATALOG_REASONS)),
            ),
        )
        .limit(1)
    )
    return found.first() is not None


def _by_config() -> Any:
    return or_(
        AmazonOrder.state == OrderState.PARKED.value,
        and_(AmazonOrder.state == OrderState.SKIPPED.value, AmazonOrder.reason_code.in_(CONFIG_SKIPS)),
        and_(AmazonOrder.state == OrderState.WAITING.value, AmazonOrder.reason_code.in_(CONFIG_WAITS)),
    )


def _is_fixed(code: str, key: str, variants: dict[str, VariantRef], channels: dict[str, str]) -> bool:
    if code == "unknown_sku":
        return all(sku in variants for sku in key.split("|"))
    if code == "no_tax_class":
        return key in variants and variants[key].tax_class_id is not None
    if code == "no_stock_record":
        sku, _, warehouse = key.partition("@")
        return sku in variants and warehouse in variants[sku].warehouse_ids
    return code == "unknown_channel" and key in channels


def _skus(code: str, key: str) -> list[str]:
    if code == "unknown_sku":
        return key.split("|")
    if code == "no_stock_record":
        return [key.partition("@")[0]]
    return [key]


async def _row(session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str) -> AmazonOrder:
    row = (
        await session.execute(
            select(AmazonOrder)
            .where(AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id == amazon_order_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no Amazon order {amazon_order_id} in this store's inbox.")
    return row


async def replay_order(
    session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str, *, now: datetime
) -> AmazonOrder:
    """Staff: try a parked or skipped order again now (the caller enqueues the writer)."""
    row = await _row(session, installation_id, amazon_order_id)
    if row.saleor_order_id is not None:
        raise Conflict(f"Order {amazon_order_id} is already in Saleor (order #{row.saleor_order_number}).")
    if row.state not in (OrderState.PARKED.value, OrderState.SKIPPED.value):
        raise Conflict(f"Order {amazon_order_id} is {row.state}; only parked or skipped orders can be replayed.")
    if row.order_json is None:
        raise Conflict(f"Order {amazon_order_id} has not been fetched from Amazon yet; it is queued already.")
    row.state = OrderState.READY.value
    row.updated_at = now
    return row


async def skip_order(
    session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str, *, now: datetime, by: str
) -> AmazonOrder:
    """Staff: never import this order (it stays in the inbox as skipped, and can be replayed)."""
    row = await _row(session, installation_id, amazon_order_id)
    if row.saleor_order_id is not None:
        raise Conflict(f"Order {amazon_order_id} is already in Saleor (order #{row.saleor_order_number}).")
    if row.state in (OrderState.CANCELLED.value,):
        raise Conflict(f"Order {amazon_order_id} was cancelled at Amazon; there is nothing to skip.")
    row.state = OrderState.SKIPPED.value
    row.reason_code = STAFF_SKIP
    row.reason = f"Skipped by {by} on {now.date().isoformat()}."
    row.reason_key = None
    row.updated_at = now
    return row
