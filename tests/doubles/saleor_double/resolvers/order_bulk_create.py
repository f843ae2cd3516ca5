"""`orderBulkCreate` with the behaviour verified on a running Saleor (3.23.28 / 3.24 code paths).

Reproduced on purpose (see contracts/saleor/recorded/README.md and docs/saleor.md, “orderBulkCreate”):
- `lines[].variantSku` never resolves: NOT_FOUND on `lines.N.variant_sku` (Saleor's cache-key bug);
- every line needs `taxClassId` and a shipping method needs `shippingTaxClassId`, else NOT_FOUND "Can't return
  TaxClass instance." (IGNORE_FAILED still creates the order and lists the errors);
- `shippingMethodId` must be a `ShippingMethod` ID: a `ShippingMethodType` ID is INVALID;
- a delivery-method error stops the row before its lines are looked at;
- a row rejected under REJECT_* also gets a false NON_EXISTING_STOCK per line;
- missing `status` crashes the whole call (`KeyError: 'status'`, `data.orderBulkCreate: null`);
- an existing `externalReference` is a row error UNIQUE on `external_reference`; two rows with the same one in
  one call make the whole call fail (the database's unique constraint);
- an address Saleor refuses (`addresses.py`; `skipValidation` still requires the country's required fields) is
  one INVALID "Invalid billing address." on `billing_address` (critical) or "Invalid shipping address." on
  `shipping_address`; accepted addresses are stored normalised, as Saleor stores them;
- more than 50 orders are refused; `createdAt` more than 5 minutes ahead is FUTURE_DATE; the currency must be
  the channel's (INCORRECT_CURRENCY); a line's warehouse needs a stock row unless stockUpdatePolicy is SKIP.
Error paths are snake_case, as Saleor writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.addresses import check_address
from tests.doubles.saleor_double.ids import InvalidGlobalId, from_global_id, pk_of
from tests.doubles.saleor_double.models import (
    Channel,
    Discount,
    Fulfillment,
    FulfillmentLine,
    Money,
    Order,
    OrderEvent,
    OrderLine,
    TaxedMoney,
)
from tests.doubles.saleor_double.resolvers.base import Context, ctx, resolver, saleor_error
from tests.doubles.saleor_double.state import DoubleState

MAX_ORDERS = 50
MAX_NOTE_LENGTH = 255
MAX_FUTURE = timedelta(minutes=5)
NO_TAX_CLASS = "Can't return TaxClass instance."


class StopRow(Exception):
    """A critical error: the row is dropped under every policy and not looked at further."""


@dataclass
class Row:
    index: int
    data: dict[str, Any]
    errors: list[dict[str, str]] = field(default_factory=list)
    critical: bool = False
    channel: Channel | None = None
    lines: list[OrderLine] = field(default_factory=list)
    fulfillments: list[tuple[str | None, str, list[tuple[int, int]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    user_email: str | None = None
    shipping_method_pk: str | None = None
    collection_point_pk: str | None = None
    shipping_price: TaxedMoney | None = None
    shipping_tax_class_pk: str | None = None
    stock_moves: list[tuple[str, str, int, int]] = field(default_factory=list)  # variant, warehouse, alloc, deduct
    metadata: dict[str, str] = field(default_factory=dict)
    private_metadata: dict[str, str] = field(default_factory=dict)
    billing_address: dict[str, Any] | None = None  # as Saleor stores them (normalised); None when refused
    shipping_address: dict[str, Any] | None = None

    def error(self, path: str, code: str, message: str, *, critical: bool = False) -> None:
        self.errors.append({"path": path, "code": code, "message": message})
        if critical:
            self.critical = True
            raise StopRow

    @property
    def external_reference(self) -> str | None:
        value = self.data.get("externalReference")
        return str(value) if value is not None else None


def _money(value: dict[str, Any] | None, currency: str) -> TaxedMoney | None:
    if value is None:
        return None
    return TaxedMoney(Money(Decimal(value["net"]), currency), Money(Decimal(value["gross"]), currency))


def _check_date(row: Row, value: datetime, path: str, now: datetime) -> None:
    if value.tzinfo is None:
        row.error(path, "INVALID", "Input datetime must be timezone-aware.", critical=True)
    if value - now > MAX_FUTURE:
        row.error(path, "FUTURE_DATE", "Order input contains future date.", critical=True)


def _check_metadata(row: Row, items: list[dict[str, str]] | None, path: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items or []:
        if not str(item.get("key", "")).strip():
            row.error(path, "METADATA_KEY_REQUIRED", "Metadata key cannot be empty.")
            return {}
        result[item["key"]] = item["value"]
    return result


def _resolve_user(row: Row, state: DoubleState) -> None:
    user = row.data.get("user") or {}
    given = [k for k in ("id", "email", "externalReference") if user.get(k)]
    if not given:
        row.error("user", "REQUIRED", "One of [id, email, external_reference] arguments has to be provided.")
        return
    if len(given) > 1:
        row.error("user", "TOO_MANY_IDENTIFIERS", "Only one of [id, email, external_reference] can be provided.")
        return
    if user.get("email"):
        row.user_email = str(user["email"])
        return
    if user.get("id"):
        found = state.node(str(user["id"]))
        if found is None or found.typename != "User":
            row.error("user.id", "NOT_FOUND", f"User instance with id={user['id']} doesn't exist.")
        else:
            row.user_email = found.email
        return
    row.error("user.external_reference", "NOT_FOUND", "User instance with given external_reference doesn't exist.")


def _resolve_delivery(row: Row, state: DoubleState, needs_shipping: bool) -> None:
    assert row.channel is not None
    method_input = row.data.get("deliveryMethod")
    if method_input is None:
        if needs_shipping:
            row.error("delivery_method", "REQUIRED", "No delivery method provided.", critical=True)
        return
    method_id, warehouse_id = method_input.get("shippingMethodId"), method_input.get("warehouseId")
    if method_id and warehouse_id:
        message = "Only one of [warehouse_id, shipping_method_id] can be provided."
        row.error("delivery_method", "TOO_MANY_IDENTIFIERS", message, critical=True)
    currency = row.channel.currency_code
    if method_id:
        try:
            type_name, pk = from_global_id(str(method_id))
        except InvalidGlobalId:
            type_name, pk = "", ""
        if type_name != "ShippingMethod":
            received = f", received: {type_name}" if type_name else ""
            row.error(
                "delivery_method.shipping_method_id.shipping_method_id",
                "INVALID",
                f"Invalid ID: {method_id}. Expected: ShippingMethod{received}.",
            )
        elif pk not in state.shipping_methods:
            row.error(
                "delivery_method.shipping_method_id",
                "NOT_FOUND",
                f"ShippingMethod instance with id={method_id} doesn't exist.",
            )
        else:
            row.shipping_method_pk = pk
        tax_pk = pk_of(str(method_input.get("shippingTaxClassId") or ""), "TaxClass")
        if tax_pk is None or tax_pk not in state.tax_classes:
            row.error("delivery_method.shipping_tax_class_id", "NOT_FOUND", NO_TAX_CLASS)
        else:
            row.shipping_tax_class_pk = tax_pk
    elif warehouse_id:
        warehouse_pk = pk_of(str(warehouse_id), "Warehouse")
        if warehouse_pk is None or warehouse_pk not in state.warehouses:
            row.error(
                "delivery_method.warehouse_id", "NOT_FOUND", f"Warehouse instance with id={warehouse_id} doesn't exist."
            )
        else:
            row.collection_point_pk = warehouse_pk
    if row.shipping_method_pk is None and row.collection_point_pk is None:
        row.error("delivery_method", "REQUIRED", "No delivery method provided.", critical=True)
    price = _money(method_input.get("shippingPrice"), currency)
    if price is not None and price.net.amount > price.gross.amount:
        message = "Net price can't be greater then gross price."
        row.error("delivery_method.shipping_price", "PRICE_ERROR", message, critical=True)
    if price is None and row.shipping_method_pk is not None:
        amount = state.shipping_methods[row.shipping_method_pk].prices.get(row.channel.slug, Decimal(0))
        price = TaxedMoney(Money(amount, currency), Money(amount, currency))
    row.shipping_price = price if row.shipping_method_pk else TaxedMoney.zero(currency)


def _resolve_variant(row: Row, state: DoubleState, i: int, line: dict[str, Any]) -> str | None:
    given = [k for k in ("variantId", "variantSku", "variantExternalReference") if line.get(k)]
    if len(given) > 1:
        message = "Only one of [variant_id, variant_sku, variant_external_reference] can be provided."
        row.error(f"lines.{i}", "TOO_MANY_IDENTIFIERS", message)
        return None
    if not given:
        message = "One of [variant_id, variant_sku, variant_external_reference] has to be provided."
        row.error(f"lines.{i}", "REQUIRED", message)
        return None
    if line.get("variantSku"):
        # Saleor stores the lookup under `ProductVariant.id.<sku>` and reads `ProductVariant.sku.<sku>`.
        sku = line["variantSku"]
        row.error(f"lines.{i}.variant_sku", "NOT_FOUND", f"ProductVariant instance with sku={sku} doesn't exist.")
        return None
    if line.get("variantExternalReference"):
        found = state.variant_by_external_reference(str(line["variantExternalReference"]))
        if found is None:
            reference = line["variantExternalReference"]
            message = f"ProductVariant instance with external_reference={reference} doesn't exist."
            row.error(f"lines.{i}.variant_external_reference", "NOT_FOUND", message)
            return None
        return found.pk
    variant_id = str(line["variantId"])
    pk = pk_of(variant_id, "ProductVariant")
    if pk is None:
        row.error(f"lines.{i}.variant_id", "INVALID", f"Invalid ID: {variant_id}. Expected: ProductVariant.")
        return None
    if pk not in state.variants:
        message = f"ProductVariant instance with id={variant_id} doesn't exist."
        row.error(f"lines.{i}.variant_id", "NOT_FOUND", message)
        return None
    return pk


def _build_line(row: Row, state: DoubleState, i: int, line: dict[str, Any], now: datetime) -> OrderLine:
    assert row.channel is not None
    currency = row.channel.currency_code
    _check_date(row, line["createdAt"], f"lines.{i}.created_at", now)
    variant_pk = _resolve_variant(row, state, i, line)
    variant = state.variants.get(variant_pk or "")
    product_name = line.get("productName") or (state.products[variant.product_pk].name if variant else None)
    if not product_name:
        row.error(f"lines.{i}.product_name", "REQUIRED", "Product name is required.", critical=True)
    quantity = int(line["quantity"])
    if quantity <= 0:
        row.error(f"lines.{i}.quantity", "INVALID_QUANTITY", "Invalid quantity. Must be larger than 0.", critical=True)
    total = _money(line["totalPrice"], currency)
    undiscounted = _money(line["undiscountedTotalPrice"], currency)
    assert total is not None and undiscounted is not None
    for price, name in ((total, "total_price"), (undiscounted, "undiscounted_total_price")):
        if price.net.amount > price.gross.amount:
            message = "Net price can't be greater then gross price."
            row.error(f"lines.{i}.{name}", "PRICE_ERROR", message, critical=True)
    warehouse_pk = pk_of(str(line["warehouse"]), "Warehouse")
    if warehouse_pk is None or warehouse_pk not in state.warehouses:
        message = f"Warehouse instance with id={line['warehouse']} doesn't exist."
        row.error(f"lines.{i}.warehouse", "NOT_FOUND", message, critical=True)
    assert warehouse_pk is not None
    tax_pk = pk_of(str(line.get("taxClassId") or ""), "TaxClass")
    if tax_pk is None or tax_pk not in state.tax_classes:
        row.error(f"lines.{i}", "NOT_FOUND", NO_TAX_CLASS)
        tax_pk = None
    metadata = _check_metadata(row, line.get("metadata"), f"lines.{i}.metadata")
    private = _check_metadata(row, line.get("privateMetadata"), f"lines.{i}.private_metadata")
    return OrderLine(
        pk=state.new_uuid(),
        order_pk="",
        variant_pk=variant_pk,
        product_name=str(product_name),
        variant_name=str(line.get("variantName") or (variant.name if variant else "")),
        product_sku=line.get("productSku"),
        quantity=quantity,
        total_price=total,
        undiscounted_total_price=undiscounted,
        warehouse_pk=warehouse_pk,
        is_shipping_required=bool(line["isShippingRequired"]),
        is_gift_card=bool(line["isGiftCard"]),
        tax_rate=Decimal(line.get("taxRate") or 0),
        tax_class_pk=tax_pk,
        tax_class_name=line.get("taxClassName"),
        translated_product_name=line.get("translatedProductName") or "",
        translated_variant_name=line.get("translatedVariantName") or "",
        unit_discount_reason=line.get("unitDiscountReason"),
        unit_discount_type=line.get("unitDiscountType"),
        unit_discount_value=Decimal(line.get("unitDiscountValue") or 0),
        metadata=metadata,
        private_metadata=private,
    )


def _resolve_fulfillments(row: Row, state: DoubleState) -> dict[int, int]:
    fulfilled: dict[int, int] = {}
    for j, fulfillment in enumerate(row.data.get("fulfillments") or []):
        entries: list[tuple[int, int]] = []
        warehouse_pk: str | None = None
        for k, item in enumerate(fulfillment.get("lines") or []):
            path = f"fulfillments.{j}.lines.{k}"
            index = int(item["orderLineIndex"])
            if index < 0:
                row.error(f"{path}.order_line_index", "NEGATIVE_INDEX", "Index can't be negative.", critical=True)
            if index >= len(row.lines):
                message = "There is no related order line at given index."
                row.error(f"{path}.order_line_index", "NO_RELATED_ORDER_LINE", message, critical=True)
            line = row.lines[index]
            variant_pk = pk_of(str(item.get("variantId") or ""), "ProductVariant")
            if variant_pk != line.variant_pk:
                message = "Fulfillment line's product variant must be the same as order line's product variant."
                row.error(path, "ORDER_LINE_FULFILLMENT_LINE_MISMATCH", message, critical=True)
            quantity = int(item["quantity"])
            if quantity <= 0 or fulfilled.get(index, 0) + quantity > line.quantity:
                message = "Invalid quantity; must be between 1 and the order line's quantity."
                row.error(f"{path}.quantity", "INVALID_QUANTITY", message, critical=True)
            warehouse_pk = pk_of(str(item["warehouse"]), "Warehouse")
            if warehouse_pk is None or warehouse_pk not in state.warehouses:
                message = f"Warehouse instance with id={item['warehouse']} doesn't exist."
                row.error(f"{path}.warehouse", "NOT_FOUND", message, critical=True)
            fulfilled[index] = fulfilled.get(index, 0) + quantity
            entries.append((index, quantity))
        row.fulfillments.append((warehouse_pk, str(fulfillment.get("trackingCode") or ""), entries))
    return fulfilled


def _check_status(row: Row, fulfilled: dict[int, int]) -> None:
    status = row.data["status"]
    total = sum(line.quantity for line in row.lines)
    done = sum(fulfilled.values())
    valid = {
        "FULFILLED": done == total,
        "PARTIALLY_FULFILLED": 0 < done < total,
        "UNFULFILLED": done == 0,
        "UNCONFIRMED": done == 0,
        "DRAFT": done == 0,
    }.get(status, True)
    if not valid:
        row.error("status", "INVALID", "Invalid order status.", critical=True)


def _plan_stock(row: Row, state: DoubleState, policy: str, fulfilled: dict[int, int], rejecting: bool) -> None:
    if policy == "SKIP":
        return
    if row.errors and rejecting:
        # What Saleor reports for rows it already rejected, whether or not the stock exists.
        for line in row.lines:
            warehouse = state.warehouses[line.warehouse_pk]
            row.errors.append(
                {
                    "path": f"lines.{row.lines.index(line)}",
                    "code": "NON_EXISTING_STOCK",
                    "message": f"There is no stock for given product variant: {line.variant_pk} "
                    f"and warehouse: {warehouse.pk}.",
                }
            )
        return
    deductions: dict[tuple[str, str], int] = {}
    for warehouse_pk, _code, entries in row.fulfillments:
        for index, quantity in entries:
            variant_pk = row.lines[index].variant_pk
            if variant_pk and warehouse_pk:
                key = (variant_pk, warehouse_pk)
                deductions[key] = deductions.get(key, 0) + quantity
    for i, line in enumerate(row.lines):
        if not line.variant_pk:
            continue
        stock = state.stock_for(line.variant_pk, line.warehouse_pk)
        if stock is None:
            message = (
                f"There is no stock for given product variant: {line.variant_pk} and warehouse: {line.warehouse_pk}."
            )
            row.error(f"lines.{i}", "NON_EXISTING_STOCK", message, critical=True)
            continue
        allocate = line.quantity - fulfilled.get(i, 0)
        if policy == "UPDATE" and stock.quantity - stock.quantity_allocated < allocate:
            message = f"Insufficient stock for product variant: {line.variant_pk} and warehouse: {line.warehouse_pk}."
            row.error(f"lines.{i}", "INSUFFICIENT_STOCK", message, critical=True)
        row.stock_moves.append((line.variant_pk, line.warehouse_pk, allocate, 0))
    for (variant_pk, warehouse_pk), quantity in deductions.items():
        stock = state.stock_for(variant_pk, warehouse_pk)
        if stock is None:
            message = f"There is no stock for given product variant: {variant_pk} and warehouse: {warehouse_pk}."
            row.error("fulfillments", "NON_EXISTING_STOCK", message, critical=True)
            continue
        if policy == "UPDATE" and stock.quantity < quantity:
            message = f"Insufficient stock for product variant: {variant_pk} and warehouse: {warehouse_pk}."
            row.error("fulfillments", "INSUFFICIENT_STOCK", message, critical=True)
        row.stock_moves.append((variant_pk, warehouse_pk, 0, quantity))


def _validate_row(row: Row, state: DoubleState, stock_policy: str, rejecting: bool) -> None:
    data = row.data
    now = state.clock.now()
    try:
        reference = row.external_reference
        if reference is not None and state.order_by_external_reference(reference) is not None:
            message = f"Order with external_reference: {reference} already exists."
            row.error("external_reference", "UNIQUE", message, critical=True)
        row.channel = state.channel_by_slug(str(data["channel"]))
        if row.channel is None:
            row.error("channel", "NOT_FOUND", f"Channel with slug {data['channel']} doesn't exist.", critical=True)
        assert row.channel is not None
        if data["currency"] != row.channel.currency_code:
            message = (
                f"Currency from input ({data['currency']}) doesn't match channel currency "
                f"({row.channel.currency_code})."
            )
            row.error("currency", "INCORRECT_CURRENCY", message, critical=True)
        _check_date(row, data["createdAt"], "created_at", now)
        _resolve_user(row, state)
        row.metadata = _check_metadata(row, data.get("metadata"), "metadata")
        row.private_metadata = _check_metadata(row, data.get("privateMetadata"), "private_metadata")
        row.billing_address = check_address(data["billingAddress"]).address
        if row.billing_address is None:
            row.error("billing_address", "INVALID", "Invalid billing address.")
        if data.get("shippingAddress") is not None:
            row.shipping_address = check_address(data["shippingAddress"]).address
            if row.shipping_address is None:
                row.error("shipping_address", "INVALID", "Invalid shipping address.")
        needs_shipping = any(line["isShippingRequired"] for line in data["lines"])
        _resolve_delivery(row, state, needs_shipping)
        if row.billing_address is None:  # critical, but only once the delivery method was looked at
            row.critical = True
            raise StopRow
        for i, line in enumerate(data["lines"]):
            row.lines.append(_build_line(row, state, i, line, now))
        for i, note in enumerate(data.get("notes") or []):
            if len(note["message"]) > MAX_NOTE_LENGTH:
                message = f"Note message exceeds character limit: {MAX_NOTE_LENGTH}."
                row.error(f"notes.{i}.message", "NOTE_LENGTH", message)
            else:
                row.notes.append(note["message"])
        fulfilled = _resolve_fulfillments(row, state)
        _check_status(row, fulfilled)
        _plan_stock(row, state, stock_policy, fulfilled, rejecting)
    except StopRow:
        pass


def _create_order(context: Context, row: Row) -> Order:
    state = context.state
    assert row.channel is not None
    data = row.data
    now = state.clock.now()
    order = Order(
        pk=state.new_uuid(),
        number=state.next_order_number(),
        channel_pk=row.channel.pk,
        status=str(data["status"]),
        created=data["createdAt"],
        updated_at=now,
        stored_at=now,
        currency=row.channel.currency_code,
        external_reference=row.external_reference,
        user_email=row.user_email,
        billing_address=row.billing_address,
        shipping_address=row.shipping_address,
        customer_note=data.get("customerNote") or "",
        shipping_method_pk=row.shipping_method_pk,
        collection_point_pk=row.collection_point_pk,
        shipping_method_name=(data.get("deliveryMethod") or {}).get("shippingMethodName")
        or (state.shipping_methods[row.shipping_method_pk].name if row.shipping_method_pk else None),
        shipping_price=row.shipping_price,
        undiscounted_shipping_price=row.shipping_price,
        shipping_tax_rate=Decimal((data.get("deliveryMethod") or {}).get("shippingTaxRate") or 0),
        shipping_tax_class_pk=row.shipping_tax_class_pk,
        discounts=[Discount(d["valueType"], Decimal(d["value"]), d.get("reason")) for d in data.get("discounts") or []],
        voucher_code=data.get("voucherCode"),
        gift_card_codes=list(data.get("giftCards") or []),
        language_code_enum=str(data["languageCode"]),
        display_gross_prices=bool(data.get("displayGrossPrices", True)),
        weight_kg=Decimal(data.get("weight") or 0),
        redirect_url=data.get("redirectUrl"),
        metadata=dict(row.metadata),
        private_metadata=dict(row.private_metadata),
    )
    for line in row.lines:
        line.order_pk = order.pk
        order.lines.append(line)
    for number, (warehouse_pk, tracking, entries) in enumerate(row.fulfillments, start=1):
        fulfillment = Fulfillment(
            pk=state.next_pk(),
            order_pk=order.pk,
            fulfillment_order=number,
            status="FULFILLED",
            tracking_number=tracking,
            created=now,
            warehouse_pk=warehouse_pk,
        )
        for index, quantity in entries:
            line = row.lines[index]
            line.quantity_fulfilled += quantity
            fulfillment.lines.append(FulfillmentLine(pk=state.next_pk(), order_line_pk=line.pk, quantity=quantity))
        order.fulfillments.append(fulfillment)
    for variant_pk, warehouse_pk, allocate, deduct in row.stock_moves:
        stock = state.stock_for(variant_pk, warehouse_pk)
        if stock is not None:
            stock.quantity_allocated += allocate
            stock.quantity -= deduct
    principal = context.principal
    for message in row.notes:
        order.events.append(
            OrderEvent(
                pk=state.next_pk(),
                date=now,
                type="NOTE_ADDED",
                message=message,
                app_pk=principal.app.pk if principal.app else None,
                user_pk=principal.user.pk if principal.user else None,
            )
        )
    state.orders[order.pk] = order
    return order


@resolver("Mutation", "orderBulkCreate")
def resolve_order_bulk_create(
    _root: Any,
    info: GraphQLResolveInfo,
    orders: list[dict[str, Any]],
    errorPolicy: str | None = None,
    stockUpdatePolicy: str | None = None,
) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    error_policy = errorPolicy or "REJECT_EVERYTHING"
    stock_policy = stockUpdatePolicy or "UPDATE"
    if len(orders) > MAX_ORDERS:
        error = {"path": "orders", "code": "BULK_LIMIT", "message": f"Number of orders exceeds limit: {MAX_ORDERS}."}
        return {"count": 0, "results": [], "errors": [error]}
    if any(order.get("status") is None for order in orders):
        raise saleor_error("'status'", code="KeyError")
    rejecting = error_policy != "IGNORE_FAILED"
    rows = [Row(index=i, data=order) for i, order in enumerate(orders)]
    for row in rows:
        _validate_row(row, state, stock_policy, rejecting)
    if error_policy == "REJECT_EVERYTHING" and any(row.errors for row in rows):
        to_create: list[Row] = []
    elif error_policy == "REJECT_FAILED_ROWS":
        to_create = [row for row in rows if not row.errors]
    else:
        to_create = [row for row in rows if not row.critical and not (rejecting and row.errors)]
    seen: set[str] = set()
    for row in to_create:
        reference = row.external_reference
        if reference is None:
            continue
        if reference in seen:
            raise saleor_error(
                'duplicate key value violates unique constraint "order_order_external_reference_key"\n'
                f"DETAIL:  Key (external_reference)=({reference}) already exists.",
                code="IntegrityError",
            )
        seen.add(reference)
    created = {row.index: _create_order(context, row) for row in to_create}
    if created:
        state.emit("ORDER_BULK_CREATED", {"orders": list(created.values())}, context.principal.principal)
    results = [{"order": created.get(row.index), "errors": row.errors} for row in rows]
    return {"count": len(created), "results": results, "errors": []}
