"""An Amazon order (without PII) + the configuration + a resolved Saleor catalogue → one ``orderBulkCreate`` input,
or the precise reason it cannot be imported. Pure: no I/O, no clock.

The input honours every trap of ``docs/saleor.md`` (``orderBulkCreate``): lines name ``variantId`` (never
``variantSku``), every line has a ``taxClassId`` and the delivery method a ``shippingTaxClassId``, the shipping
method is one ``shop.availableShippingMethods`` listed for the channel, ``status`` is always sent, and amounts are
strings with exactly the currency's decimals. No buyer data is in it: the addresses are placeholders
(``placeholder_address.py``) holding at most Amazon's non-PII city, region and country.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, Order, OrderItem
from saleor_asc_app.amazon.regions import UnknownMarketplace, marketplace
from saleor_asc_app.configuration.model import AppConfiguration, ServiceLevel, SkuMatching
from saleor_asc_app.orders.import_rules import AFN, Decision, fulfillment_channel
from saleor_asc_app.orders.money import (
    NO_TAX_BREAKDOWN,
    LineMoney,
    MoneyProblem,
    OrderMoney,
    format_amount,
    reconcile,
)
from saleor_asc_app.orders.placeholder_address import placeholder_address
from saleor_asc_app.orders.tables import OrderState
from saleor_asc_app.saleor.graphql_client.enums import LanguageCodeEnum

_LANGUAGES = frozenset(code.value for code in LanguageCodeEnum)
TAX_BREAKDOWN_NOTE = (
    f"{NO_TAX_BREAKDOWN}: the amounts are Amazon's, booked without a tax split although prices include tax in "
    "this marketplace. Check the tax before reporting."
)
# v2026 ``fulfillmentServiceLevel`` values → the configuration's service levels (v0 ``ShipmentServiceLevelCategory``).
SERVICE_LEVELS: dict[str, ServiceLevel] = {
    "STANDARD": ServiceLevel.STANDARD,
    "EXPEDITED": ServiceLevel.EXPEDITED,
    "FREE_ECONOMY": ServiceLevel.FREE_ECONOMY,
    "NEXT_DAY": ServiceLevel.NEXT_DAY,
    "SAME_DAY": ServiceLevel.SAME_DAY,
    "SECOND_DAY": ServiceLevel.SECOND_DAY,
    "SCHEDULED": ServiceLevel.SCHEDULED,
    "PRIORITY": ServiceLevel.PRIORITY,
} | {level.value.upper(): level for level in ServiceLevel}


@dataclass(frozen=True)
class VariantRef:
    id: str
    sku: str
    product_name: str
    variant_name: str
    tax_class_id: str | None
    is_shipping_required: bool
    warehouse_ids: frozenset[str]  # warehouses holding a stock record of the variant


@dataclass(frozen=True)
class CatalogSnapshot:
    """What the mapping needs from Saleor, resolved beforehand (``orders/catalog.py``)."""

    channel_currencies: Mapping[str, str]  # channel slug -> currency
    variants: Mapping[str, VariantRef]  # Saleor SKU -> variant; SKUs Saleor does not know are absent
    shipping_methods: Mapping[str, Mapping[str, str]]  # channel slug -> {available shipping method id: name}
    marketplace_facilitator_tax_class_id: str | None = None
    shipping_tax_class_id: str | None = None
    warehouse_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ready:
    input: dict[str, Any]  # OrderBulkCreateInput in wire form (camelCase, amounts as strings)
    line_map: list[dict[str, Any]]  # Amazon order item -> line index and quantity ratio
    packages_done: list[str]
    money: OrderMoney


def parked(code: str, reason: str, key: str | None = None) -> Decision:
    return Decision(OrderState.PARKED, code, reason, key)


def saleor_sku(seller_sku: str, config: AppConfiguration) -> tuple[str, int] | None:
    """The Saleor SKU and quantity ratio an Amazon seller SKU maps to; None when only a missing mapping would."""
    for mapping in config.order_processing.sku_mappings:
        if mapping.seller_sku == seller_sku:
            return mapping.variant_sku, mapping.quantity_ratio
    if config.order_processing.sku_matching is SkuMatching.SELLER_SKU:
        return seller_sku, 1
    return None


def service_level(order: Order) -> ServiceLevel:
    raw = (order.fulfillment.fulfillment_service_level or "") if order.fulfillment else ""
    return SERVICE_LEVELS.get(raw.strip().upper().replace("-", "_"), ServiceLevel.STANDARD)


def map_order(order: Order, config: AppConfiguration, catalog: CatalogSnapshot, buyer_email: str) -> Ready | Decision:
    """``order`` must come without PII (``Order.without_pii()``) and have passed ``lifecycle.gate``."""
    marketplace_id = order.sales_channel.marketplace_id or ""
    market_label = _marketplace_label(marketplace_id)
    mapping = config.mapping_for(marketplace_id)
    if mapping is None:
        return parked(
            "unmapped_marketplace",
            f"Marketplace {market_label} is not mapped to a Saleor channel: map it on the configuration page.",
            marketplace_id,
        )
    if not mapping.import_enabled:
        return Decision(
            OrderState.SKIPPED,
            "marketplace_import_off",
            f"Order import is switched off for marketplace {market_label} (channel {mapping.channel_slug}).",
            marketplace_id,
        )
    slug = mapping.channel_slug
    channel_currency = catalog.channel_currencies.get(slug)
    if channel_currency is None:
        return parked(
            "unknown_channel",
            f"Saleor has no channel “{slug}” (mapped to {market_label}): create it or change the mapping.",
            slug,
        )
    money = reconcile(order)
    if isinstance(money, MoneyProblem):
        return parked(money.code, money.reason)
    if money.currency != channel_currency:
        return parked(
            "currency_mismatch",
            f"The order is in {money.currency}, channel {slug} in {channel_currency}: map {market_label} to a "
            f"{money.currency} channel.",
            f"{slug}:{money.currency}",
        )

    channel = fulfillment_channel(order)
    warehouse_id = config.fba_warehouse_id if channel == AFN else config.mfn_warehouse_id
    if not warehouse_id:
        which = "FBA" if channel == AFN else "seller-fulfilled (MFN)"
        return parked(
            "no_warehouse",
            f"No Saleor warehouse is set for {which} orders: choose one on the configuration page.",
            channel,
        )

    items = {item.order_item_id: item for item in order.order_items}
    resolved: list[tuple[LineMoney, OrderItem, VariantRef, int]] = []
    unmapped: list[str] = []
    unknown: list[str] = []
    for line in money.lines:
        item = items[line.order_item_id]
        seller_sku = item.product.seller_sku or ""
        target = saleor_sku(seller_sku, config) if seller_sku else None
        if target is None:
            unmapped.append(seller_sku or f"(no SKU, ASIN {item.product.asin or '?'})")
            continue
        variant = catalog.variants.get(target[0])
        if variant is None:
            unknown.append(target[0])
            continue
        resolved.append((line, item, variant, target[1]))
    if unmapped:
        skus = ", ".join(sorted(set(unmapped)))
        return parked(
            "no_sku_mapping",
            f"SKU {skus} has no SKU mapping (the configuration matches SKUs by explicit mappings only): add one.",
            "|".join(sorted(set(unmapped))),
        )
    if unknown:
        missing = sorted(set(unknown))
        noun, verb = ("SKU", "has") if len(missing) == 1 else ("SKUs", "have")
        return parked(
            "unknown_sku",
            f"{noun} {', '.join(missing)} {verb} no Saleor variant: add the variant or a SKU mapping.",
            "|".join(missing),
        )

    warehouse_name = catalog.warehouse_names.get(warehouse_id, warehouse_id)
    mf_class = catalog.marketplace_facilitator_tax_class_id
    line_inputs: list[dict[str, Any]] = []
    line_map: list[dict[str, Any]] = []
    created = order.created_time.isoformat()
    exponent = money.exponent
    for index, (line, item, variant, ratio) in enumerate(resolved):
        tax_class_id = mf_class if line.collected_by_amazon and mf_class else variant.tax_class_id
        if tax_class_id is None:
            return parked(
                "no_tax_class",
                f"Saleor variant {variant.sku} has no tax class (on its product or product type): assign one.",
                variant.sku,
            )
        if warehouse_id not in variant.warehouse_ids:
            return parked(
                "no_stock_record",
                f"Saleor variant {variant.sku} has no stock record in warehouse {warehouse_name}: add one "
                "(the quantity may be 0).",
                f"{variant.sku}@{warehouse_id}",
            )
        line_inputs.append(
            {
                "variantId": variant.id,
                "productName": variant.product_name,
                "variantName": variant.variant_name,
                "productSku": variant.sku,
                "createdAt": created,
                "isShippingRequired": variant.is_shipping_required,
                "isGiftCard": False,
                "quantity": line.quantity * ratio,
                "totalPrice": _taxed(line.gross, line.net, exponent),
                "undiscountedTotalPrice": _taxed(line.undiscounted_gross, line.undiscounted_net, exponent),
                "warehouse": warehouse_id,
                "taxClassId": tax_class_id,
                "metadata": _line_metadata(item, line, ratio),
            }
        )
        line_map.append({"item": line.order_item_id, "index": index, "ratio": ratio, "variant_id": variant.id})

    level = service_level(order)
    shipping_mapping = next(
        (m for m in config.shipping_method_mappings if m.channel_slug == slug and m.service_level is level), None
    )
    if shipping_mapping is None:
        return parked(
            "unmapped_service_level",
            f"Amazon service level {level.value} has no Saleor shipping method in channel {slug}: map it on the "
            "configuration page.",
            f"{slug}:{level.value}",
        )
    available = catalog.shipping_methods.get(slug, {})
    method_name = available.get(shipping_mapping.shipping_method_id)
    if method_name is None:
        return parked(
            "shipping_method_unavailable",
            f"The shipping method mapped to {level.value} in channel {slug} is not available there any more: "
            "choose another one on the configuration page.",
            f"{slug}:{level.value}",
        )
    collected = any(line.collected_by_amazon for line, *_ in resolved)
    shipping_tax_class = (
        mf_class if collected and mf_class else catalog.shipping_tax_class_id or line_inputs[0]["taxClassId"]
    )

    fulfillments, packages_done, fulfilled = _fulfillments(order, resolved, warehouse_id, config)
    ordered = sum(entry["quantity"] for entry in line_inputs)
    status = "FULFILLED" if fulfilled == ordered else "PARTIALLY_FULFILLED" if fulfilled else "UNFULFILLED"
    language = _language(marketplace_id)
    delivery = order.recipient.delivery_address if order.recipient else None
    city, region = (delivery.city, delivery.state_or_region) if delivery else (None, None)
    placeholder = placeholder_address(_country(order, marketplace_id), language, city, region)
    data: dict[str, Any] = {
        "externalReference": order.order_id,
        "channel": slug,
        "createdAt": created,
        "status": status,
        "user": {"email": buyer_email},
        "billingAddress": dict(placeholder),
        "shippingAddress": dict(placeholder),
        "currency": money.currency,
        "languageCode": language,
        "displayGrossPrices": True,
        "metadata": _order_metadata(order, channel, level) + _money_notes_metadata(money),
        "privateMetadata": _money_metadata(money),
        "lines": line_inputs,
        "deliveryMethod": {
            "shippingMethodId": shipping_mapping.shipping_method_id,
            "shippingMethodName": method_name,
            "shippingPrice": _taxed(money.shipping_gross, money.shipping_net, exponent),
            "shippingTaxClassId": shipping_tax_class,
        },
    }
    if fulfillments:
        data["fulfillments"] = fulfillments
    if money.tax_breakdown_missing:
        data["notes"] = [{"message": TAX_BREAKDOWN_NOTE}]
    return Ready(data, line_map, packages_done, money)


def _taxed(gross: Decimal, net: Decimal, exponent: int) -> dict[str, str]:
    return {"gross": format_amount(gross, exponent), "net": format_amount(net, exponent)}


def _marketplace_label(marketplace_id: str) -> str:
    try:
        return f"{marketplace(marketplace_id).domain} ({marketplace_id})"
    except UnknownMarketplace:
        return marketplace_id or "(none)"


def _country(order: Order, marketplace_id: str) -> str:
    address = order.recipient.delivery_address if order.recipient else None
    if address and address.country_code:
        return address.country_code.upper()
    try:
        return marketplace(marketplace_id).country_code
    except UnknownMarketplace:
        return "US"


def _language(marketplace_id: str) -> str:
    try:
        language = marketplace(marketplace_id).language.upper()
    except UnknownMarketplace:
        return "EN"
    if language in _LANGUAGES:
        return language
    prefix = language.split("_")[0]
    return prefix if prefix in _LANGUAGES else "EN"


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _meta(items: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in items.items() if value != ""]


def _order_metadata(order: Order, channel: str, level: ServiceLevel) -> list[dict[str, str]]:
    programs = set(order.programs or ())
    replaced = next(
        (a.order_id or "" for a in order.associated_orders or () if a.association_type == "REPLACEMENT_ORIGINAL_ID"),
        "",
    )
    seller_order_id = next((a.alias_id for a in order.order_aliases or () if a.alias_type == "SELLER_ORDER_ID"), "")
    return _meta(
        {
            "amazon.order_id": order.order_id,
            "amazon.marketplace_id": order.sales_channel.marketplace_id or "",
            "amazon.marketplace": order.sales_channel.marketplace_name or "",
            "amazon.fulfillment_channel": channel,
            "amazon.service_level": level.value,
            "amazon.prime": _flag("PRIME" in programs),
            "amazon.business": _flag("AMAZON_BUSINESS" in programs),
            "amazon.programs": ",".join(sorted(programs)),
            "amazon.replaced_order_id": replaced,
            "amazon.seller_order_id": seller_order_id,
        }
    )


def _money_metadata(money: OrderMoney) -> list[dict[str, str]]:
    exponent = money.exponent
    entries = {
        "amazon.grand_total": format_amount(money.grand_total, exponent),
        "amazon.currency": money.currency,
        "amazon.tax": format_amount(money.tax_total, exponent),
        "amazon.tax_convention": money.convention.value,
        "amazon.mf_tax": format_amount(money.marketplace_facilitator_tax, exponent),
    }
    for name, value in money.components.items():
        entries[f"amazon.{name}"] = format_amount(value, exponent)
    if "delivery_tip" in money.components:
        entries["amazon.delivery_tip_status"] = "PENDING" if money.delivery_tip_pending else "FINALIZED"
    promotions = sorted({p for line in money.lines for p in line.promotion_ids})
    if promotions:
        entries["amazon.promotion_ids"] = ",".join(promotions)
    return _meta(entries)


def _money_notes_metadata(money: OrderMoney) -> list[dict[str, str]]:
    """What staff should see on the order: Amazon Points granted (not part of the total) and a missing tax
    breakdown."""
    entries: dict[str, str] = {}
    if money.points_number:
        entries["amazon.points_granted"] = str(money.points_number)
        entries["amazon.points_value"] = format_amount(money.points_value, money.exponent)
    if money.tax_breakdown_missing:
        entries["amazon.tax_breakdown"] = "missing"
    return _meta(entries)


def _line_metadata(item: OrderItem, line: LineMoney, ratio: int) -> list[dict[str, str]]:
    entries = {
        "amazon.order_item_id": item.order_item_id,
        "amazon.seller_sku": item.product.seller_sku or "",
        "amazon.asin": item.product.asin or "",
        "amazon.quantity_ordered": str(item.quantity_ordered),
        "amazon.promotion_ids": ",".join(line.promotion_ids),
        "amazon.tax_collection_model": ",".join(m for m in line.tax_collection_models if m),
        "amazon.tax_responsible_party": ",".join(p for p in line.tax_responsible_parties if p),
    }
    if line.points_number:
        entries["amazon.points_granted"] = str(line.points_number)
    if ratio != 1:
        entries["amazon.quantity_ratio"] = str(ratio)
    return _meta(entries)


def shipped_quantities(order: Order) -> dict[str, int]:
    """Units Amazon reports as shipped, per order item."""
    shipped: dict[str, int] = {}
    for item in order.order_items:
        done = item.fulfillment.quantity_fulfilled if item.fulfillment else None
        shipped[item.order_item_id] = max(0, min(done or 0, item.quantity_ordered))
    if order.status is FulfillmentStatus.SHIPPED and not any(shipped.values()):
        # SHIPPED without per-item figures (no FULFILLMENT data on the items): everything left.
        shipped = {item.order_item_id: item.quantity_ordered for item in order.order_items}
    return shipped


def _fulfillments(
    order: Order,
    resolved: list[tuple[LineMoney, OrderItem, VariantRef, int]],
    warehouse_id: str,
    config: AppConfiguration,
) -> tuple[list[dict[str, Any]], list[str], int]:
    """Fulfilments for what Amazon already shipped: per Amazon package (with its tracking number) where Amazon
    lists packages, the rest in one fulfilment. Returns them, the packages used and the Saleor units fulfilled."""
    index_of = {line.order_item_id: (i, variant, ratio) for i, (line, _item, variant, ratio) in enumerate(resolved)}
    if fulfillment_channel(order) == AFN and config.order_processing.fba_orders_as_fulfilled:
        remaining = {line.order_item_id: line.quantity for line, *_ in resolved}
    else:
        shipped = shipped_quantities(order)
        remaining = {item_id: shipped.get(item_id, 0) for item_id in index_of}
    fulfillments: list[dict[str, Any]] = []
    packages_done: list[str] = []
    packages = sorted(order.packages or (), key=lambda p: p.ship_time or p.created_time or order.created_time)
    for package in packages:
        lines: list[dict[str, Any]] = []
        for entry in package.package_items or ():
            if entry.order_item_id not in index_of:
                continue
            quantity = min(entry.quantity, remaining.get(entry.order_item_id, 0))
            if quantity <= 0:
                continue
            remaining[entry.order_item_id] -= quantity
            index, variant, ratio = index_of[entry.order_item_id]
            lines.append(_fulfillment_line(variant, index, quantity * ratio, warehouse_id))
        if lines:
            fulfillments.append({"trackingCode": package.tracking_number or "", "lines": lines})
            packages_done.append(package.package_reference_id)
    rest = []
    for item_id, quantity in remaining.items():
        if quantity > 0:
            index, variant, ratio = index_of[item_id]
            rest.append(_fulfillment_line(variant, index, quantity * ratio, warehouse_id))
    if rest:
        fulfillments.append({"lines": rest})
    fulfilled = sum(line["quantity"] for f in fulfillments for line in f["lines"])
    return fulfillments, packages_done, fulfilled


def _fulfillment_line(variant: VariantRef, index: int, quantity: int, warehouse_id: str) -> dict[str, Any]:
    return {"variantId": variant.id, "orderLineIndex": index, "quantity": quantity, "warehouse": warehouse_id}
