"""What a vault record holds: an order's ``OrderPii`` as JSON, and the names of the kinds of data in it.

The names (``buyer_name``, ``email``, ``shipping_address`` …) are the only description of a record kept in plain
text: they say what exists and what a reveal showed, never a value.
"""

from __future__ import annotations

import json
from typing import Any

from saleor_asc_app.amazon.models.orders import OrderPii

FIELD_LABELS = {
    "buyer_name": "Buyer name",
    "email": "E-mail",
    "phone": "Phone",
    "company": "Company",
    "purchase_order_number": "Purchase order number",
    "shipping_address": "Shipping address",
    "delivery_instructions": "Delivery instructions",
    "gift_message": "Gift message",
    "customized_url": "Customization",
    "tax_info": "Buyer tax information",
}


def fields_of(pii: OrderPii) -> list[str]:
    buyer = pii.buyer
    recipient = pii.recipient
    address = recipient.delivery_address if recipient else None
    preference = recipient.delivery_preference if recipient else None
    present = {
        "buyer_name": bool(buyer and buyer.buyer_name),
        "email": bool(buyer and buyer.buyer_email),
        "phone": bool(address and address.phone),
        "company": bool((buyer and buyer.buyer_company_name) or (address and address.company_name)),
        "purchase_order_number": bool(buyer and buyer.buyer_purchase_order_number),
        "shipping_address": bool(
            address and (address.name or address.address_line1 or address.postal_code or address.extended_fields)
        ),
        "delivery_instructions": bool(preference and (preference.address_instruction or preference.drop_off_location)),
        "gift_message": bool(pii.gift_messages),
        "customized_url": bool(pii.customized_urls),
        "tax_info": bool(pii.buyer_tax_registrations),
    }
    return [name for name in FIELD_LABELS if present[name]]


def to_json(pii: OrderPii) -> bytes:
    return pii.model_dump_json(by_alias=True, exclude_none=True).encode()


def from_json(data: bytes) -> OrderPii:
    return OrderPii.model_validate_json(data)


def _merge(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = _merge(old.get(key), value)
        return out
    if new is None or new == {} or new == []:
        return old
    return new


def merge(old: OrderPii, new: OrderPii) -> OrderPii:
    """``new`` over ``old``: Amazon stops disclosing some parts as an order moves on (e.g. the e-mail after
    shipment), so a newer, thinner version must not erase what the seller still needs."""
    merged = _merge(json.loads(to_json(old)), json.loads(to_json(new)))
    return OrderPii.model_validate(merged)
