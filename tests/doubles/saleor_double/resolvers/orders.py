"""Order queries and the fields of orders, lines and fulfillments."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.auth import require
from tests.doubles.saleor_double.ids import pk_of
from tests.doubles.saleor_double.models import (
    Channel,
    Fulfillment,
    FulfillmentLine,
    Money,
    Order,
    OrderEvent,
    OrderLine,
    TaxedMoney,
)
from tests.doubles.saleor_double.resolvers.base import ctx, resolver
from tests.doubles.saleor_double.resolvers.common import address


@resolver("Query", "order")
def resolve_order(
    _root: Any, info: GraphQLResolveInfo, id: str | None = None, externalReference: str | None = None
) -> Order | None:
    context = ctx(info)
    if externalReference is not None:
        require(context.principal, "MANAGE_ORDERS")
        return context.state.order_by_external_reference(externalReference)
    # Like Saleor, `order(id:)` needs no permission: the UUID-based ID is the secret.
    pk = pk_of(id or "", "Order")
    return context.state.orders.get(pk) if pk else None


@resolver("Order", "channel")
def resolve_order_channel(order: Order, info: GraphQLResolveInfo) -> Channel:
    return ctx(info).state.channels[order.channel_pk]


@resolver("Order", "shippingPrice")
def resolve_order_shipping_price(order: Order, _info: GraphQLResolveInfo) -> TaxedMoney:
    return order.shipping()


@resolver("Order", "undiscountedShippingPrice")
def resolve_order_undiscounted_shipping(order: Order, _info: GraphQLResolveInfo) -> Any:
    return (order.undiscounted_shipping_price or order.shipping()).gross


@resolver("Order", "billingAddress")
def resolve_order_billing_address(order: Order, _info: GraphQLResolveInfo) -> Any:
    return address(order.billing_address)


@resolver("Order", "shippingAddress")
def resolve_order_shipping_address(order: Order, _info: GraphQLResolveInfo) -> Any:
    return address(order.shipping_address)


@resolver("Order", "user")
def resolve_order_user(_order: Order, _info: GraphQLResolveInfo) -> None:
    return None


@resolver("Order", "languageCodeEnum")
def resolve_order_language(order: Order, _info: GraphQLResolveInfo) -> str:
    return order.language_code_enum


@resolver("Order", "shippingMethod")
def resolve_order_shipping_method(order: Order, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.shipping_methods.get(order.shipping_method_pk or "")


@resolver("Order", "shippingTaxRate")
def resolve_order_shipping_tax_rate(order: Order, _info: GraphQLResolveInfo) -> float:
    return float(order.shipping_tax_rate)


@resolver("Order", "shippingTaxClass")
def resolve_order_shipping_tax_class(order: Order, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.tax_classes.get(order.shipping_tax_class_pk or "")


@resolver("Order", "statusDisplay")
def resolve_order_status_display(order: Order, _info: GraphQLResolveInfo) -> str:
    return order.status.replace("_", " ").capitalize()


@resolver("Order", "weight")
def resolve_order_weight(order: Order, _info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"unit": "KG", "value": float(order.weight_kg)}


@resolver("Order", "deliveryMethod")
def resolve_order_delivery_method(order: Order, info: GraphQLResolveInfo) -> Any:
    state = ctx(info).state
    if order.collection_point_pk:
        return state.warehouses.get(order.collection_point_pk)
    return state.shipping_methods.get(order.shipping_method_pk or "")


@resolver("OrderLine", "variant")
def resolve_line_variant(line: OrderLine, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.variants.get(line.variant_pk or "")


@resolver("OrderLine", "taxRate")
def resolve_line_tax_rate(line: OrderLine, _info: GraphQLResolveInfo) -> float:
    return float(line.tax_rate)


@resolver("OrderLine", "taxClass")
def resolve_line_tax_class(line: OrderLine, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.tax_classes.get(line.tax_class_pk or "")


@resolver("OrderLine", "unitDiscount")
def resolve_line_unit_discount(line: OrderLine, _info: GraphQLResolveInfo) -> Any:
    return Money(line.undiscounted_unit_price.gross.amount - line.unit_price.gross.amount, line.total_price.currency)


@resolver("OrderLine", "allocations")
def resolve_line_allocations(line: OrderLine, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    if not line.quantity_to_fulfill:
        return []
    warehouse = ctx(info).state.warehouses.get(line.warehouse_pk)
    return [{"id": f"{line.id}-allocation", "quantity": line.quantity_to_fulfill, "warehouse": warehouse}]


@resolver("Fulfillment", "warehouse")
def resolve_fulfillment_warehouse(fulfillment: Fulfillment, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.warehouses.get(fulfillment.warehouse_pk or "")


@resolver("Fulfillment", "statusDisplay")
def resolve_fulfillment_status_display(fulfillment: Fulfillment, _info: GraphQLResolveInfo) -> str:
    return fulfillment.status.capitalize()


@resolver("FulfillmentLine", "orderLine")
def resolve_fulfillment_line_order_line(line: FulfillmentLine, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.order_line(line.order_line_pk)


@resolver("Order", "events")
def resolve_order_events(order: Order, _info: GraphQLResolveInfo) -> list[OrderEvent]:
    return order.events


@resolver("OrderEvent", "user")
def resolve_event_user(event: OrderEvent, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.staff.get(event.user_pk or "")


@resolver("OrderEvent", "app")
def resolve_event_app(event: OrderEvent, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.apps.get(event.app_pk or "")
