"""The parsed-order cache keeps what the writer reads next, within its bound."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.orders.parsed import ParsedOrders
from tests.pii.amazon_orders import wire_order

INSTALLATION = uuid.uuid4()


def order(order_id: str) -> Order:
    return Order.model_validate(wire_order(order_id, tag=None, created=datetime(2026, 11, 1, tzinfo=UTC)))


def test_the_writer_takes_the_oldest_orders_and_newer_ones_wait_in_the_database() -> None:
    cache = ParsedOrders(size=3)
    orders = [order(f"111-0000000-000000{n}") for n in range(5)]
    for o in orders:
        cache.put(INSTALLATION, o)
    assert len(cache) == 3  # the sync ran ahead: orders 3 and 4 were turned away, 0-2 kept
    assert cache.take(INSTALLATION, orders[4].order_id, orders[4].last_updated_time) is None
    taken = cache.take(INSTALLATION, orders[0].order_id, orders[0].last_updated_time)
    assert taken is orders[0]
    assert cache.take(INSTALLATION, orders[0].order_id, orders[0].last_updated_time) is None  # taken once
    assert len(cache) == 2


def test_only_the_stored_version_is_served_and_a_newer_one_replaces_it() -> None:
    cache = ParsedOrders(size=3)
    first = order("111-0000000-0000001")
    newer = first.model_copy(update={"last_updated_time": first.last_updated_time + timedelta(minutes=5)})
    cache.put(INSTALLATION, first)
    assert cache.take(INSTALLATION, first.order_id, newer.last_updated_time) is None
    cache.put(INSTALLATION, newer)
    assert len(cache) == 1
    assert cache.take(INSTALLATION, first.order_id, first.last_updated_time) is None
    assert cache.take(INSTALLATION, first.order_id, newer.last_updated_time) is newer
    assert cache.take(uuid.uuid4(), first.order_id, None) is None


def test_entries_nobody_takes_make_room_eventually() -> None:
    cache = ParsedOrders(size=2)
    stale = [order(f"111-0000000-100000{n}") for n in range(2)]
    for o in stale:
        cache.put(INSTALLATION, o)  # e.g. updates of orders already in Saleor: the writer never asks for them
    fresh = [order(f"111-0000000-2{n:06d}") for n in range(6)]
    for o in fresh:
        cache.put(INSTALLATION, o)
    assert len(cache) == 2
    assert all(cache.take(INSTALLATION, o.order_id, o.last_updated_time) is None for o in stale)
    assert [cache.take(INSTALLATION, o.order_id, o.last_updated_time) is not None for o in fresh] == [
        False,
        False,
        False,
        True,
        True,
        False,
    ]
