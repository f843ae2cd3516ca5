"""What stock passes of one process learned and that rarely changes (``AppState.inventory``); never needed for
correctness: an empty cache only costs lookups."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Listing(StrEnum):
    MFN = "mfn"  # merchant-fulfilled only: the app keeps its quantity
    FBA = "fba"  # an Amazon fulfillment channel: left alone


@dataclass
class MarketplaceOrders:
    seen: set[str] = field(default_factory=set)  # seller SKUs of orders from the marketplace
    afn: set[str] = field(default_factory=set)  # of them, in orders Amazon fulfilled


@dataclass
class OrderSkus:
    latest: datetime | None = None  # the newest ``updated_at`` read so far
    by_marketplace: dict[str, MarketplaceOrders] = field(default_factory=dict)


@dataclass
class InventoryCache:
    orders: dict[uuid.UUID, OrderSkus] = field(default_factory=dict)
    # (seller, marketplace) → SKU → (looked up at, what Amazon lists there; None: not listed)
    listings: dict[tuple[str, str], dict[str, tuple[float, Listing | None]]] = field(default_factory=dict)
