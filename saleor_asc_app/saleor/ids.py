"""Saleor global ids (base64 of ``Type:pk``).

Saleor names a shipping method ``ShippingMethodType:<pk>`` in ``shippingZones`` and ``ShippingMethod:<pk>`` on
orders and in ``availableShippingMethods`` - the same method, one primary key. The app stores the ``ShippingMethod``
form (``orderBulkCreate`` accepts only that one) and accepts both.
"""

from __future__ import annotations

import base64
import binascii

SHIPPING_METHOD = "ShippingMethod"
SHIPPING_METHOD_TYPE = "ShippingMethodType"


def decode(global_id: str) -> tuple[str, str] | None:
    """``(type, pk)`` of a global id, or None when it is not one."""
    try:
        raw = base64.b64decode(global_id + "=" * (-len(global_id) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, colon, pk = raw.partition(":")
    if not colon or not type_name or not pk:
        return None
    return type_name, pk


def encode(type_name: str, pk: str) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def shipping_method_id(global_id: str) -> str:
    """The ``ShippingMethod`` id of a ``ShippingMethodType`` id; any other value unchanged."""
    decoded = decode(global_id)
    if decoded is not None and decoded[0] == SHIPPING_METHOD_TYPE:
        return encode(SHIPPING_METHOD, decoded[1])
    return global_id


def same_shipping_method(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and shipping_method_id(a) == shipping_method_id(b)
