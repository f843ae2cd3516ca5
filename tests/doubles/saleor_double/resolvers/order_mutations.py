"""orderCancel, orderFulfill, orderFulfillmentUpdateTracking and orderNoteAdd, with Saleor's rules and events."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.ids import pk_of
from tests.doubles.saleor_double.models import Fulfillment, FulfillmentLine, Order, OrderEvent
from tests.doubles.saleor_double.resolvers.base import Context, ctx, resolver
from tests.doubles.saleor_double.state import DoubleState

CANCELLABLE_FULFILLMENT_STATUSES = {"CANCELED", "REFUNDED_AND_RETURNED", "RETURNED", "REFUNDED"}
FULFILLABLE_ORDER_STATUSES = {"UNFULFILLED", "PARTIALLY_FULFILLED"}


def order_errors(field: str | None, code: str, message: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"field": field, "code": code, "message": message, **extra}]


def _failed(errors: list[dict[str, Any]], **payload: Any) -> dict[str, Any]:
    return {**payload, "errors": errors, "orderErrors": errors}


def _principal_pks(context: Context) -> dict[str, str | None]:
    principal = context.principal
    return {
        "user_pk": principal.user.pk if principal.user else None,
        "app_pk": principal.app.pk if principal.app else None,
    }


def add_event(context: Context, order: Order, event_type: str, message: str | None = None) -> OrderEvent:
    event = OrderEvent(
        pk=context.state.next_pk(),
        date=context.state.clock.now(),
        type=event_type,
        message=message,
        **_principal_pks(context),
    )
    order.events.append(event)
    return event


def find_order(state: DoubleState, global_id: str | None) -> Order | None:
    pk = pk_of(global_id or "", "Order")
    return state.orders.get(pk) if pk else None


@resolver("Mutation", "orderCancel")
def resolve_order_cancel(_root: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    order = find_order(state, id)
    if order is None:
        return _failed(order_errors("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}"), order=None)
    active_fulfillments = [f for f in order.fulfillments if f.status not in CANCELLABLE_FULFILLMENT_STATUSES]
    if order.status in ("CANCELED", "DRAFT", "EXPIRED") or active_fulfillments:
        return _failed(order_errors("order", "CANNOT_CANCEL_ORDER", "This order can't be canceled."), order=order)
    for line in order.lines:
        stock = state.stock_for(line.variant_pk, line.warehouse_pk) if line.variant_pk else None
        if stock is not None:
            stock.quantity_allocated = max(0, stock.quantity_allocated - line.quantity_to_fulfill)
    order.status = "CANCELED"
    order.updated_at = state.clock.now()
    add_event(context, order, "CANCELED")
    state.emit("ORDER_CANCELLED", {"order": order}, context.principal.principal)
    state.emit("ORDER_UPDATED", {"order": order}, context.principal.principal)
    return _failed([], order=order)


@resolver("Mutation", "orderFulfill")
def resolve_order_fulfill(
    _root: Any, info: GraphQLResolveInfo, input: dict[str, Any], order: str | None = None
) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    found = find_order(state, order)
    if found is None:
        return _failed(order_errors("order", "NOT_FOUND", f"Couldn't resolve to a node: {order}"), order=None)
    if found.status not in FULFILLABLE_ORDER_STATUSES:
        message = "Cannot fulfill unconfirmed order." if found.status == "UNCONFIRMED" else "Cannot fulfill order."
        return _failed(order_errors("order", "INVALID", message), order=found, fulfillments=None)
    plan: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    total = 0
    for entry in input.get("lines") or []:
        line_pk = pk_of(entry.get("orderLineId") or "", "OrderLine")
        line = next((ln for ln in found.lines if ln.pk == line_pk), None)
        if line is None:
            return _failed(order_errors("orderLineId", "NOT_FOUND", "Order line not found."), order=found)
        quantity = sum(int(s["quantity"]) for s in entry.get("stocks") or [])
        if quantity > line.quantity_to_fulfill:
            message = f"Only {line.quantity_to_fulfill} items remaining to fulfill: {line.product_sku}."
            return _failed(
                order_errors("orderLineId", "FULFILL_ORDER_LINE", message, orderLines=[line.id]), order=found
            )
        for stock_input in entry.get("stocks") or []:
            warehouse_pk = pk_of(stock_input["warehouse"], "Warehouse")
            if warehouse_pk not in state.warehouses:
                return _failed(order_errors("warehouse", "NOT_FOUND", "Warehouse not found."), order=found)
            amount = int(stock_input["quantity"])
            if amount < 0:
                return _failed(order_errors("quantity", "INVALID_QUANTITY", "Quantity can't be negative."))
            if amount:
                plan[str(warehouse_pk)].append((line, amount))
        total += quantity
    if total <= 0:
        return _failed(order_errors("lines", "ZERO_QUANTITY", "Total quantity must be larger than 0."), order=found)
    if not input.get("allowStockToBeExceeded"):
        for warehouse_pk, items in plan.items():
            for line, amount in items:
                stock = state.stock_for(line.variant_pk, warehouse_pk) if line.variant_pk else None
                if line.variant_pk and (stock is None or stock.quantity < amount):
                    return _failed(
                        order_errors(
                            "stocks",
                            "INSUFFICIENT_STOCK",
                            f"Insufficient product stock: {line.product_sku}",
                            orderLines=[line.id],
                            warehouse=state.warehouses[warehouse_pk].id,
                        ),
                        order=found,
                    )
    now = state.clock.now()
    tracking = input.get("trackingNumber") or ""
    created: list[Fulfillment] = []
    for warehouse_pk, items in plan.items():
        fulfillment = Fulfillment(
            pk=state.next_pk(),
            order_pk=found.pk,
            fulfillment_order=len(found.fulfillments) + 1,
            status="FULFILLED",
            tracking_number=tracking,
            created=now,
            warehouse_pk=warehouse_pk,
        )
        for line, amount in items:
            fulfillment.lines.append(FulfillmentLine(pk=state.next_pk(), order_line_pk=line.pk, quantity=amount))
            line.quantity_fulfilled += amount
            stock = state.stock_for(line.variant_pk, warehouse_pk) if line.variant_pk else None
            if stock is not None:
                stock.quantity -= amount
                allocated_here = amount if line.warehouse_pk == warehouse_pk else 0
                stock.quantity_allocated = max(0, stock.quantity_allocated - allocated_here)
        found.fulfillments.append(fulfillment)
        created.append(fulfillment)
    fully = all(line.quantity_to_fulfill == 0 for line in found.lines)
    found.status = "FULFILLED" if fully else "PARTIALLY_FULFILLED"
    found.updated_at = now
    add_event(context, found, "FULFILLMENT_FULFILLED_ITEMS")
    principal = context.principal.principal
    for fulfillment in created:
        state.emit(
            "FULFILLMENT_CREATED",
            {"fulfillment": fulfillment, "order": found, "notifyCustomer": bool(input.get("notifyCustomer", True))},
            principal,
        )
        if tracking:
            state.emit("FULFILLMENT_TRACKING_NUMBER_UPDATED", {"fulfillment": fulfillment, "order": found}, principal)
    if fully:
        state.emit("ORDER_FULFILLED", {"order": found}, principal)
    state.emit("ORDER_UPDATED", {"order": found}, principal)
    return _failed([], order=found, fulfillments=created)


@resolver("Mutation", "orderFulfillmentUpdateTracking")
def resolve_update_tracking(_root: Any, info: GraphQLResolveInfo, id: str, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    fulfillment = state.node(id)
    if not isinstance(fulfillment, Fulfillment):
        return _failed(order_errors("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}"), fulfillment=None)
    order = state.orders[fulfillment.order_pk]
    fulfillment.tracking_number = input.get("trackingNumber") or ""
    order.updated_at = state.clock.now()
    add_event(context, order, "TRACKING_UPDATED", message=None)
    state.emit(
        "FULFILLMENT_TRACKING_NUMBER_UPDATED",
        {"fulfillment": fulfillment, "order": order},
        context.principal.principal,
    )
    return _failed([], fulfillment=fulfillment, order=order)


@resolver("Mutation", "orderNoteAdd")
def resolve_order_note_add(_root: Any, info: GraphQLResolveInfo, order: str, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    found = find_order(context.state, order)
    if found is None:
        return {"errors": order_errors("order", "GRAPHQL_ERROR", f"Couldn't resolve to a node: {order}")}
    message = (input.get("message") or "").strip()
    if not message:
        return {"errors": order_errors("message", "REQUIRED", "Message can't be empty."), "order": found}
    event = add_event(context, found, "NOTE_ADDED", message=message)
    found.updated_at = context.state.clock.now()
    return {"errors": [], "order": found, "event": event}
