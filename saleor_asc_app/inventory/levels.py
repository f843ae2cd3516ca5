"""Which Amazon SKUs the app keeps in stock and the quantity each should show: Saleor's available stock
(quantity − allocated) in the configured warehouse, in Amazon units (SKU mapping ratio), less the buffer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from saleor_asc_app.configuration.model import AppConfiguration, SkuMatching


def amazon_skus(config: AppConfiguration, seen_skus: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Seller SKU → (Saleor SKU, ratio) for every SKU with a mapping, and, when SKUs match by seller SKU, every
    SKU Amazon has sold (seen in imported orders) or the app has sent before."""
    skus: dict[str, tuple[str, int]] = {}
    processing = config.order_processing
    if processing.sku_matching is SkuMatching.SELLER_SKU:
        for sku in seen_skus:
            if sku:
                skus[sku] = (sku, 1)
    for mapping in processing.sku_mappings:
        skus[mapping.seller_sku] = (mapping.variant_sku, max(1, mapping.quantity_ratio))
    return skus


def amazon_quantity(available: int | None, ratio: int, buffer: int) -> int:
    if available is None:
        return 0  # the variant is gone from Saleor (or has no stock record): nothing to sell
    return max(0, available // ratio - buffer)


def seller_skus_in(order_json: Any) -> set[str]:
    """Seller SKUs in a stored Amazon order (camelCase or snake_case dump)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in ("sellerSku", "seller_sku") and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(order_json)
    return found
