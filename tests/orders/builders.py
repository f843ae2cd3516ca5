"""Amazon orders (v2026-01-01 wire shape) for the pure tests, built from a few amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from saleor_asc_app.amazon.models.orders import Order

Json = dict[str, Any]


def money(amount: Decimal | str | int, currency: str) -> Json:
    return {"amount": str(amount), "currencyCode": currency}


def item(
    currency: str,
    *,
    item_id: str = "10000000000001",
    sku: str = "SKU-1",
    quantity: int = 1,
    price: str = "10.00",
    shipping: str | None = None,
    gift_wrap: str | None = None,
    cod_fee: str | None = None,
    other: str | None = None,
    discount: dict[str, str] | None = None,  # subtype -> amount (positive or negative, as Amazon may send)
    discount_total: str | None = None,  # a DISCOUNT subtotal without details
    tax: dict[str, str] | None = None,  # subtype -> amount
    tax_total: str | None = None,  # TAX subtotal without details
    proceeds_total: str | None = None,  # default: computed with the tax on top
    included: bool = False,  # tax included in the amounts (the default total leaves the tax out)
    collections: list[tuple[str, str]] | None = None,
    promotions: list[str] | None = None,
    quantity_fulfilled: int | None = None,
    points: int | None = None,  # Amazon Points granted (JP), worth one unit of the currency each
) -> Json:
    breakdowns: list[Json] = [{"type": "ITEM", "subtotal": money(price, currency)}]
    total = Decimal(price)
    for type_, value in (("SHIPPING", shipping), ("GIFT_WRAP", gift_wrap), ("COD_FEE", cod_fee), ("OTHER", other)):
        if value is not None:
            breakdowns.append({"type": type_, "subtotal": money(value, currency)})
            total += Decimal(value)
    if discount:
        subtotal = -sum(abs(Decimal(v)) for v in discount.values())
        breakdowns.append(
            {
                "type": "DISCOUNT",
                "subtotal": money(subtotal, currency),
                "detailedBreakdowns": [{"subtype": k, "value": money(v, currency)} for k, v in discount.items()],
            }
        )
        total += subtotal
    elif discount_total is not None:
        breakdowns.append({"type": "DISCOUNT", "subtotal": money(discount_total, currency)})
        total -= abs(Decimal(discount_total))
    tax_sum = Decimal(0)
    if tax:
        tax_sum = sum((-abs(Decimal(v)) if k == "DISCOUNT" else Decimal(v) for k, v in tax.items()), Decimal(0))
        breakdowns.append(
            {
                "type": "TAX",
                "subtotal": money(tax_sum, currency),
                "detailedBreakdowns": [{"subtype": k, "value": money(v, currency)} for k, v in tax.items()],
            }
        )
    elif tax_total is not None:
        tax_sum = Decimal(tax_total)
        breakdowns.append({"type": "TAX", "subtotal": money(tax_sum, currency)})
    if not included:
        total += tax_sum
    data: Json = {
        "orderItemId": item_id,
        "quantityOrdered": quantity,
        "product": {"asin": "B000000001", "title": "A product", "sellerSku": sku},
        "proceeds": {
            "proceedsTotal": money(proceeds_total if proceeds_total is not None else total, currency),
            "breakdowns": breakdowns,
        },
    }
    if collections:
        data["tax"] = {"taxCollections": [{"model": m, "responsibleParty": p} for m, p in collections]}
    if promotions:
        data["promotion"] = {"breakdowns": [{"promotionId": p} for p in promotions]}
    if points is not None:
        granted = {"pointsNumber": points, "pointsMonetaryValue": money(points, currency)}
        data["expense"] = {"pointsCost": {"pointsGranted": granted}}
    if quantity_fulfilled is not None:
        data["fulfillment"] = {
            "quantityFulfilled": quantity_fulfilled,
            "quantityUnfulfilled": quantity - quantity_fulfilled,
        }
    return data


def order(
    items: list[Json],
    currency: str,
    *,
    order_id: str = "111-0000001-0000001",
    marketplace_id: str = "ATVPDKIKX0DER",
    status: str = "UNSHIPPED",
    fulfilled_by: str = "MERCHANT",
    service_level: str = "STANDARD",
    grand_total: str | None = None,
    tip: tuple[str, str] | None = None,  # (amount, status)
    aggregate: bool = True,
    programs: list[str] | None = None,
    packages: list[Json] | None = None,
    created: str = "2026-03-01T10:00:00Z",
    updated: str = "2026-03-01T12:00:00Z",
    buyer_email: str | None = None,
    country: str | None = None,
) -> Order:
    totals: dict[str, Decimal] = {}
    for entry in items:
        for breakdown in entry["proceeds"]["breakdowns"]:
            amount = Decimal(breakdown["subtotal"]["amount"])
            totals[breakdown["type"]] = totals.get(breakdown["type"], Decimal(0)) + amount
    grand = sum((Decimal(e["proceeds"]["proceedsTotal"]["amount"]) for e in items), Decimal(0))
    breakdowns: list[Json] = (
        [{"type": t, "subtotal": money(v, currency)} for t, v in totals.items()] if aggregate else []
    )
    if tip is not None:
        breakdowns.append({"type": "DELIVERY_TIP", "status": tip[1], "subtotal": money(tip[0], currency)})
        grand += Decimal(tip[0])
    data: Json = {
        "orderId": order_id,
        "createdTime": created,
        "lastUpdatedTime": updated,
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": marketplace_id, "marketplaceName": "Amazon"},
        "proceeds": {"grandTotal": money(grand_total or grand, currency), "breakdowns": breakdowns},
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": service_level,
        },
        "orderItems": items,
    }
    if programs:
        data["programs"] = programs
    if packages:
        data["packages"] = packages
    if buyer_email:
        data["buyer"] = {"buyerEmail": buyer_email, "buyerName": "Robin Example"}
    if country:
        data["recipient"] = {
            "deliveryAddress": {
                "name": "Robin Example",
                "addressLine1": "1 Example Street",
                "city": "Springfield",
                "postalCode": "12345",
                "countryCode": country,
                "phone": "+1 206 555 0100",
            }
        }
    return Order.model_validate(data)
