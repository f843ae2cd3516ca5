"""Orders the sync has just parsed, kept in memory so the writer (in the same process, moments later) need not
read their JSON back from the database and validate it again — the largest share of an order's import cost.
Bounded; a miss simply reads the stored JSON. One per process: ``AppState.parsed_orders``."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import datetime

from saleor_asc_app.amazon.models.orders import Order

# The writer's next two rounds (``writer.ROUND_SIZE``): about 25 KiB an order, so about 2.5 MiB when full.
DEFAULT_SIZE = 100


class ParsedOrders:
    """What the writer reads next. It reads the oldest orders first and takes what it reads out of the cache, so
    when the sync runs ahead the cache keeps the oldest and turns newer orders away (they will be read from the
    database). An entry nobody took within ``2 × size`` later puts (an update of an order already written, one
    parked before the writer saw it) makes room for a new one."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._puts = 0
        self._entries: OrderedDict[tuple[uuid.UUID, str], tuple[int, Order]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, installation_id: uuid.UUID, order: Order) -> None:
        """``order`` must come without PII."""
        self._puts += 1
        key = (installation_id, order.order_id)
        if key not in self._entries and len(self._entries) >= self._size:
            oldest_key, (put_at, _order) = next(iter(self._entries.items()))
            if self._puts - put_at <= 2 * self._size:
                return
            del self._entries[oldest_key]
        self._entries[key] = (self._puts, order)
        self._entries.move_to_end(key)

    def take(self, installation_id: uuid.UUID, order_id: str, updated: datetime | None) -> Order | None:
        """The cached order if it is the version stored (same ``lastUpdatedTime``); a hit leaves the cache."""
        entry = self._entries.get((installation_id, order_id))
        if entry is None or updated is None or entry[1].last_updated_time != updated:
            return None
        del self._entries[(installation_id, order_id)]
        return entry[1]
