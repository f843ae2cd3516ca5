"""Storing what Amazon says about orders: one ``amazon_order`` row per installation × Amazon order id.

Orders arrive from sync pages, backfill fetches and reports, possibly twice (overlap windows, duplicate pages).
A version older than or equal to the stored one is ignored; a newer one replaces the stored JSON and queues the
order for the writer (or, once it is in Saleor, for a follow-up). PII goes to the ``PiiSink`` and is stripped
before anything is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, bindparam, case, func, insert, select, type_coerce, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.orders.import_rules import fulfillment_channel
from saleor_asc_app.orders.parsed import ParsedOrders
from saleor_asc_app.orders.pii import BuyerPseudonyms, PiiSink, has_pii
from saleor_asc_app.orders.tables import AmazonOrder, OrderState, table

STAFF_SKIP = "skipped_by_staff"
_TABLE = table(AmazonOrder)


@dataclass
class StoreResult:
    inserted: int = 0
    changed: int = 0
    unchanged: int = 0
    followups: int = 0

    @property
    def queued(self) -> int:
        return self.inserted + self.changed


def order_values(order: Order) -> dict[str, Any]:
    """Column values of an order that no longer carries PII."""
    total = order.proceeds.grand_total if order.proceeds else None
    return {
        "marketplace_id": order.sales_channel.marketplace_id or "",
        "fulfillment_channel": fulfillment_channel(order),
        "amazon_status": order.status.value if order.status else "",
        "currency": total.currency_code if total else None,
        "total_amount": format(total.amount, "f") if total else None,
        "amazon_created_at": order.created_time,
        "amazon_updated_at": order.last_updated_time,
        "order_json": order.model_dump_json(by_alias=True, exclude_none=True),  # bound as text, see JsonText
    }


class JsonText(TypeDecorator[str]):
    """JSON that is already text (``model_dump_json``), bound to a JSON column as it is: dumping an order to a dict
    for the driver to serialize again costs several times more. Read through it, a JSON column yields text on
    SQLite and the decoded value on PostgreSQL (asyncpg decodes JSON itself)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


def load_order(stored: str | dict[str, Any] | None) -> Order | None:
    """The order of an ``order_json`` value read as ``JsonText`` (or as JSON); None when unreadable."""
    if stored is None:
        return None
    try:
        return Order.model_validate_json(stored) if isinstance(stored, str | bytes) else Order.model_validate(stored)
    except ValueError:
        return None


async def store_orders(
    session: AsyncSession,
    *,
    installation_id: uuid.UUID,
    connection_id: str,
    orders: Sequence[Order],
    now: datetime,
    sink: PiiSink,
    pseudonyms: BuyerPseudonyms,
    parsed: ParsedOrders | None = None,
) -> StoreResult:
    result = StoreResult()
    latest: dict[str, Order] = {}
    for order in orders:  # a page may repeat an order; keep its newest version
        known = latest.get(order.order_id)
        if known is None or order.last_updated_time > known.last_updated_time:
            latest[order.order_id] = order
    if not latest:
        return result
    existing = {
        row.amazon_order_id: row
        for row in (
            await session.execute(
                select(
                    AmazonOrder.id,
                    AmazonOrder.amazon_order_id,
                    AmazonOrder.amazon_updated_at,
                    AmazonOrder.needs_fetch,
                    AmazonOrder.saleor_order_id,
                ).where(AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id.in_(list(latest)))
            )
        ).all()
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    changed: list[Order] = []
    for order_id, order in latest.items():
        previous = existing.get(order_id)
        if (
            previous is not None
            and previous.amazon_updated_at is not None
            and order.last_updated_time <= previous.amazon_updated_at
            and not previous.needs_fetch
        ):
            result.unchanged += 1
            continue
        pii = order.pii()
        if has_pii(pii):
            await sink.store(session, installation_id, pii)
        buyer_ref, from_buyer = pseudonyms.reference(installation_id, order)
        clean = order.without_pii()
        values = order_values(clean)
        if parsed is not None:
            parsed.put(installation_id, clean)
        if previous is None:
            inserts.append(
                {
                    "id": uuid.uuid4(),
                    "installation_id": installation_id,
                    "connection_id": connection_id,
                    "amazon_order_id": order_id,
                    "state": OrderState.READY.value,
                    "buyer_ref": buyer_ref,
                    "needs_fetch": False,
                    "needs_followup": False,
                    "created_at": now,
                    "updated_at": now,
                    **values,
                }
            )
        else:
            # A per-order pseudonym never replaces one derived from the buyer.
            updates.append({"b_id": previous.id, "b_buyer_ref": buyer_ref if from_buyer else None, "b_now": now,
                            **{f"b_{k}": v for k, v in values.items()}})  # fmt: skip
            changed.append(clean)
            if previous.saleor_order_id is not None:
                result.followups += 1
    if inserts:
        result.inserted = await _insert_new(session, inserts)
    if updates:
        await session.execute(_UPDATE, updates)
        result.changed = len(updates)
        for order in changed:  # a cancellation purges the kept buyer data at once, a delivery sets its purge date
            await sink.order_changed(session, installation_id, order)
    return result


async def _insert_new(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    # Sync and backfill may meet on a new order: the first insert wins, the other path sees it next time.
    columns: dict[str, Any] = {name: bindparam(name) for name in rows[0]} | {
        "order_json": type_coerce(bindparam("order_json"), JsonText())
    }
    statement = dialect_insert(session, _TABLE).values(columns)
    statement = statement.on_conflict_do_nothing(index_elements=["installation_id", "amazon_order_id"])
    await session.execute(statement, rows)
    return len(rows)


_IN_SALEOR = _TABLE.c.saleor_order_id.is_not(None)
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(
        marketplace_id=bindparam("b_marketplace_id"),
        fulfillment_channel=bindparam("b_fulfillment_channel"),
        amazon_status=bindparam("b_amazon_status"),
        currency=bindparam("b_currency"),
        total_amount=bindparam("b_total_amount"),
        amazon_created_at=bindparam("b_amazon_created_at"),
        amazon_updated_at=bindparam("b_amazon_updated_at"),
        order_json=type_coerce(bindparam("b_order_json"), JsonText()),
        buyer_ref=func.coalesce(bindparam("b_buyer_ref"), _TABLE.c.buyer_ref),
        needs_fetch=False,
        state=case(
            (_IN_SALEOR, _TABLE.c.state),
            ((_TABLE.c.state == OrderState.SKIPPED.value) & (_TABLE.c.reason_code == STAFF_SKIP), _TABLE.c.state),
            else_=OrderState.READY.value,
        ),
        needs_followup=case((_IN_SALEOR, True), else_=_TABLE.c.needs_followup),
        updated_at=bindparam("b_now"),
    )
)


async def ready_count(session: AsyncSession, installation_id: uuid.UUID) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(AmazonOrder)
                .where(AmazonOrder.installation_id == installation_id, AmazonOrder.state == OrderState.READY.value)
            )
        ).scalar_one()
    )


def insert_statement() -> Any:
    return insert(_TABLE)
