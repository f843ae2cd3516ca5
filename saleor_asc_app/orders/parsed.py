"""Orders the sync has just parsed, kept in memory so the writer (in the same process, moments later) need not
read their JSON back from the database and validate it again — the largest share of an order's import cost.
Bounded; a miss simply reads the stored JSON."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import datetime
from typing import Any

from saleor_asc_app.amazon.models.orders import Order

CACHE_KEY = "orders.parsed"
DEFAULT_SIZE = 2_500


class ParsedOrders:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[uuid.UUID, str], Order] = OrderedDict()

    def put(self, installation_id: uuid.UUID, order: Order) -> None:
        """``order`` must come without PII."""
        key = (installation_id, order.order_id)
        self._entries[key] = order
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def get(self, installation_id: uuid.UUID, order_id: str, updated: datetime | None) -> Order | None:
        """The cached order if it is the version stored (same ``lastUpdatedTime``)."""
        order = self._entries.get((installation_id, order_id))
        if order is None or updated is None or order.last_updated_time != updated:
            return None
        return order


def parsed_orders(extras: dict[str, Any]) -> ParsedOrders:
    cache = extras.get(CACHE_KEY)
    if not isinstance(cache, ParsedOrders):
        cache = extras[CACHE_KEY] = ParsedOrders()
    return cache
