"""Amazon changes to orders that are already in Saleor: cancellations and shipments.

- Cancelled at Amazon → ``orderCancel``; when Saleor cannot cancel (the order has fulfilments), a note on the order
  tells staff instead.
- Shipped at Amazon (FBA, or MFN shipped outside Saleor, e.g. in Seller Central; also in parts) → a fulfilment in
  Saleor per new Amazon package, with its tracking number, from the order's warehouse.

Idempotent: what to fulfil is Amazon's shipped quantity (× the SKU mapping's ratio) minus what Saleor already shows
as fulfilled, read from Saleor each time, so shipments made in Saleor itself are never fulfilled twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Boolean, bindparam, case, select, update

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, Order
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.import_rules import AFN
from saleor_asc_app.orders.mapping import shipped_quantities
from saleor_asc_app.orders.tables import AmazonOrder, OrderState, table
from saleor_asc_app.saleor.client import SaleorClient
from saleor_asc_app.saleor.errors import SaleorMutationError
from saleor_asc_app.saleor.graphql_client.input_types import (
    OrderFulfillInput,
    OrderFulfillLineInput,
    OrderFulfillStockInput,
)
from saleor_asc_app.state import AppState

log = get_logger(__name__)

ROUND_SIZE = 100
CLOSED_STATUSES = frozenset({"CANCELED", "EXPIRED", "DRAFT", "UNCONFIRMED", "RETURNED", "PARTIALLY_RETURNED"})


async def follow_up_orders(
    state: AppState, installation_id: uuid.UUID, client: SaleorClient, config: AppConfiguration
) -> int:
    done = 0
    while True:
        async with state.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(
                        AmazonOrder.id,
                        AmazonOrder.amazon_order_id,
                        AmazonOrder.amazon_updated_at,
                        AmazonOrder.order_json,
                        AmazonOrder.state,
                        AmazonOrder.saleor_order_id,
                        AmazonOrder.saleor_order_number,
                        AmazonOrder.line_map,
                        AmazonOrder.packages_done,
                        AmazonOrder.fulfillment_channel,
                    )
                    .where(
                        AmazonOrder.installation_id == installation_id,
                        AmazonOrder.needs_followup.is_(True),
                        AmazonOrder.saleor_order_id.is_not(None),
                    )
                    .order_by(AmazonOrder.amazon_updated_at)
                    .limit(ROUND_SIZE)
                )
            ).all()
        if not rows:
            return done
        results: list[dict[str, Any]] = []
        try:
            for row in rows:
                try:
                    order = Order.model_validate(row.order_json)
                except ValidationError:
                    values: dict[str, Any] = {"reason_code": "followup_failed", "reason": "Unreadable Amazon order."}
                else:
                    values = await follow_up(client, order, row, config)
                results.append({"b_id": row.id, "b_seen": row.amazon_updated_at, **_complete(values)})
        finally:
            # Record what was done even when Saleor fails half-way (the rest is retried with the job).
            if results:
                async with state.sessionmaker() as session, session.begin():
                    await session.execute(_FOLLOWED_UP, _params(results, state.clock.now()))
                done += len(results)


_FIELDS = ("state", "reason_code", "reason", "packages_done")


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    """Every column of ``_FIELDS``, with a flag per column saying whether to keep the stored value."""
    out: dict[str, Any] = {}
    for name in _FIELDS:
        out[f"b_{name}"] = values.get(name)
        out[f"b_set_{name}"] = name in values
    return out


def _params(results: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    return [{**result, "b_now": now} for result in results]


_TABLE = table(AmazonOrder)


def _keep_or_set(name: str) -> Any:
    value = bindparam(f"b_{name}", type_=_TABLE.c[name].type)
    return case((bindparam(f"b_set_{name}", type_=Boolean()), value), else_=_TABLE.c[name])


_FOLLOWED_UP = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(
        {name: _keep_or_set(name) for name in _FIELDS}
        | {
            # Amazon changed the order again meanwhile: follow up on that version too.
            "needs_followup": _TABLE.c.amazon_updated_at != bindparam("b_seen", type_=_TABLE.c.amazon_updated_at.type),
            "updated_at": bindparam("b_now"),
        }
    )
)


async def follow_up(client: SaleorClient, order: Order, row: Any, config: AppConfiguration) -> dict[str, Any]:
    """Bring the Saleor order in line with Amazon's; returns the row's new values."""
    saleor_id: str = row.saleor_order_id
    if order.status is FulfillmentStatus.CANCELLED:
        if row.state == OrderState.CANCELLED.value:
            return {}  # cancelled (or noted) already
        try:
            await client.order_cancel(id=saleor_id)
        except SaleorMutationError as exc:
            current = (await client.order_fulfilment_state(id=saleor_id)).order
            if current is not None and current.status.value == "CANCELED":
                return _cancelled("Cancelled at Amazon and in Saleor.")
            note = (
                f"Amazon cancelled order {order.order_id}, but Saleor cannot cancel this order "
                f"({exc.error_code or 'refused'}): review it, e.g. return or refund what was fulfilled."
            )
            await client.order_note_add(order=saleor_id, message=note)
            return {
                "state": OrderState.CANCELLED.value,
                "reason_code": "cancel_in_saleor_failed",
                "reason": "Cancelled at Amazon; Saleor could not cancel the order (it has fulfilments), so a note "
                "was added to it. Review it in Saleor.",
            }
        return _cancelled("Cancelled at Amazon; cancelled in Saleor too.")

    shipped = shipped_quantities(order)
    if not any(shipped.values()) or row.state == OrderState.SHIPPED.value:
        return {}  # nothing shipped yet, or everything is fulfilled in Saleor already
    details = (await client.order_fulfilment_state(id=saleor_id)).order
    if details is None:
        return {
            "reason_code": "saleor_order_missing",
            "reason": f"Saleor order #{row.saleor_order_number} no longer exists; Amazon's changes cannot follow.",
        }
    lines = list(details.lines)
    by_index: dict[int, tuple[Any, int, str]] = {}
    for entry in row.line_map or []:
        line = _line(lines, int(entry["index"]), str(entry.get("variant_id") or ""))
        if line is not None:
            by_index[int(entry["index"])] = (line, int(entry.get("ratio") or 1), str(entry["item"]))
    missing = {
        index: shipped.get(item, 0) * ratio - line.quantity_fulfilled for index, (line, ratio, item) in by_index.items()
    }
    missing = {index: quantity for index, quantity in missing.items() if quantity > 0}
    values: dict[str, Any] = {}
    if missing and details.status.value not in CLOSED_STATUSES:
        warehouse = config.fba_warehouse_id if row.fulfillment_channel == AFN else config.mfn_warehouse_id
        if not warehouse:
            return {
                "reason_code": "followup_failed",
                "reason": "Amazon shipped items, but no Saleor warehouse is configured to fulfil them from.",
            }
        done = list(row.packages_done or [])
        item_index = {item: index for index, (_line, _ratio, item) in by_index.items()}
        try:
            for package in sorted(order.packages or (), key=lambda p: p.ship_time or order.created_time):
                if package.package_reference_id in done:
                    continue
                parts: dict[int, int] = {}
                for entry in package.package_items or ():
                    index = item_index.get(entry.order_item_id)
                    if index is None or index not in missing:
                        continue
                    ratio = by_index[index][1]
                    quantity = min(entry.quantity * ratio, missing[index])
                    if quantity > 0:
                        parts[index] = parts.get(index, 0) + quantity
                        missing[index] -= quantity
                if parts:
                    await _fulfil(client, saleor_id, by_index, parts, warehouse, package.tracking_number)
                done.append(package.package_reference_id)
            rest = {index: quantity for index, quantity in missing.items() if quantity > 0}
            if rest:
                await _fulfil(client, saleor_id, by_index, rest, warehouse, None)
        except SaleorMutationError as exc:
            log.warning("fulfilment from Amazon failed", amazon_order_id=order.order_id, error_code=exc.error_code)
            return {
                "packages_done": done,
                "reason_code": "followup_failed",
                "reason": f"Amazon shipped items, but Saleor refused the fulfilment: {exc.message}",
            }
        values["packages_done"] = done
        fully = all(shipped.get(item, 0) * ratio >= line.quantity for line, ratio, item in by_index.values())
    else:
        fully = details.status.value == "FULFILLED"
    values["state"] = OrderState.SHIPPED.value if fully else OrderState.IMPORTED.value
    values["reason_code"] = None
    values["reason"] = None
    return values


def _cancelled(reason: str) -> dict[str, Any]:
    return {"state": OrderState.CANCELLED.value, "reason_code": "cancelled_at_amazon", "reason": reason}


def _line(lines: Sequence[Any], index: int, variant_id: str) -> Any:
    """The Saleor line created from input line ``index`` (lines come back in creation order)."""
    if 0 <= index < len(lines):
        line = lines[index]
        if not variant_id or (line.variant is not None and line.variant.id == variant_id):
            return line
    return next((line for line in lines if line.variant is not None and line.variant.id == variant_id), None)


async def _fulfil(
    client: SaleorClient,
    order_id: str,
    by_index: dict[int, tuple[Any, int, str]],
    parts: dict[int, int],
    warehouse: str,
    tracking_number: str | None,
) -> None:
    await client.order_fulfill(
        order=order_id,
        input=OrderFulfillInput(
            lines=[
                OrderFulfillLineInput(
                    order_line_id=by_index[index][0].id,
                    stocks=[OrderFulfillStockInput(quantity=quantity, warehouse=warehouse)],
                )
                for index, quantity in sorted(parts.items())
            ],
            notify_customer=False,
            allow_stock_to_be_exceeded=True,
            tracking_number=tracking_number or None,
        ),
    )
