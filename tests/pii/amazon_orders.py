"""Amazon orders (v2026-01-01 wire shape) carrying buyer data, for the vault tests. Every PII value contains the
order's canary tag, so a scan for the tag finds any copy of any of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from saleor_asc_app.amazon.models.orders import Order

Json = dict[str, Any]
US = "ATVPDKIKX0DER"


def canary(tag: str) -> dict[str, str]:
    """The PII values of one order; each embeds ``tag``."""
    return {
        "name": f"Ada {tag} Lovelace",
        "email": f"{tag.lower()}@marketplace.amazon.com",
        "phone": f"+1 555 0100 {tag}",
        "company": f"Analytical {tag} Engines",
        "line1": f"12 {tag} Street",
        "postal": f"98{tag}",
        "gift": f"Happy birthday {tag}",
        "instruction": f"Leave at door {tag}",
        "tax_name": f"Lovelace {tag} GmbH",
        "tax_number": f"DE{tag}",
        "url": f"https://custom.example/{tag}",
    }


def wire_order(
    order_id: str,
    *,
    tag: str | None,
    created: datetime,
    updated: datetime | None = None,
    status: str = "UNSHIPPED",
    deliver_by: datetime | None = None,
    delivered: bool = False,
    marketplace_id: str = US,
    sku: str = "MUG-BLUE-350",
) -> Json:
    item: Json = {
        "orderItemId": f"{order_id}-1",
        "quantityOrdered": 2,
        "product": {"sellerSku": sku, "title": "Blue mug 350 ml", "asin": "B000TEST01"},
    }
    body: Json = {
        "orderId": order_id,
        "createdTime": created.isoformat(),
        "lastUpdatedTime": (updated or created).isoformat(),
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": marketplace_id},
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": "MERCHANT",
            "fulfillmentServiceLevel": "STANDARD",
            "shipByWindow": {
                "earliestDateTime": created.isoformat(),
                "latestDateTime": (created + timedelta(days=2)).isoformat(),
            },
        },
        "orderItems": [item],
    }
    if deliver_by is not None:
        body["fulfillment"]["deliverByWindow"] = {
            "earliestDateTime": (deliver_by - timedelta(days=2)).isoformat(),
            "latestDateTime": deliver_by.isoformat(),
        }
    if delivered:
        body["packages"] = [
            {
                "packageReferenceId": "1",
                "packageStatus": {"status": "DELIVERED"},
                "carrier": "UPS",
                "trackingNumber": "1Z999",
                "packageItems": [{"orderItemId": item["orderItemId"], "quantity": 2}],
            }
        ]
    if tag is not None:
        values = canary(tag)
        body["buyer"] = {
            "buyerName": values["name"],
            "buyerEmail": values["email"],
            "buyerCompanyName": values["company"],
        }
        body["recipient"] = {
            "deliveryAddress": {
                "name": values["name"],
                "companyName": values["company"],
                "addressLine1": values["line1"],
                "city": "Seattle",
                "stateOrRegion": "WA",
                "postalCode": values["postal"],
                "countryCode": "US",
                "phone": values["phone"],
                "addressType": "RESIDENTIAL",
            },
            "deliveryPreference": {"addressInstruction": values["instruction"]},
        }
        item["fulfillment"] = {"packing": {"giftOption": {"giftMessage": values["gift"], "giftWrapLevel": "Classic"}}}
        item["product"]["customization"] = {"customizedUrl": values["url"]}
        body["tax"] = {
            "taxRegistrations": [
                {
                    "entityType": "BUYER",
                    "legalName": values["tax_name"],
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": values["tax_number"],
                }
            ]
        }
    return body


def order(order_id: str, **kwargs: Any) -> Order:
    return Order.model_validate(wire_order(order_id, **kwargs))
