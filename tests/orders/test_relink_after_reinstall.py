"""After a re-install (a new installation on an empty database), the orders already in Saleor are found again:
Saleor answers UNIQUE, the app links them and the inbox shows Saleor's total as for an order it created."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from tests.db_servers import SqliteTemplate
from tests.orders.harness import SELLERS, OrdersEnv, orders_env

CONNECTIONS = {"conn-na": SELLERS["conn-na"]}
INBOX = """query { amazonOrders(first: 50, offset: 0) { items { amazonOrderId state saleorOrderId saleorTotalAmount
  totalAmount } } }"""


async def settled(env: OrdersEnv, count: int) -> bool:
    by_state = await env.by_state()
    return by_state.get("imported", 0) == count


async def inbox_items(env: OrdersEnv) -> dict[str, dict[str, str | None]]:
    data = await env.env.dashboard_data(INBOX)
    return {item["amazonOrderId"]: item for item in data["amazonOrders"]["items"]}


async def test_orders_linked_after_a_reinstall_show_saleors_total(
    sqlite_url: str, sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    async with orders_env(sqlite_url, tmp_path / "first") as env:
        seller = SELLERS["conn-na"][1]
        env.simulator.sellers[seller].orders.clear()
        await env.configure(CONNECTIONS)
        await env.run_jobs()
        start = env.clock.now()
        orders = env.simulator.generate_orders(
            seller, 3, seed=5, start=start, end=start + timedelta(minutes=2), afn_share=0.0, cancel_share=0.0,
            preorder_share=0.0, mfn_auto_ship_share=0.0, replacement_share=0.0, unknown_sku_share=0.0,
        )  # fmt: skip
        for order in orders:
            env.simulator.advance_order(order.order_id, "UNSHIPPED")
        await env.run_until(lambda: settled(env, len(orders)), limit=3600)
        first = await inbox_items(env)
        saleor, simulator, clock = (env.saleor, env.demo), env.simulator, env.clock
        assert env.env.saleor_app is not None
        saleor[0].delete_app(saleor[0].state.apps[env.env.saleor_app.pk])

    (tmp_path / "again").mkdir()
    empty = sqlite_template.new_database(tmp_path / "again")
    async with orders_env(empty, tmp_path / "again", clock=clock, simulator=simulator, saleor=saleor) as again:
        await again.configure(CONNECTIONS)
        await again.run_until(lambda: settled(again, len(orders)), limit=3 * 3600)
        items = await inbox_items(again)
    assert len({o.external_reference for o in again.saleor_orders()}) == len(orders)  # nothing created twice
    for order in orders:
        item, before = items[order.order_id], first[order.order_id]
        assert item["saleorOrderId"] == before["saleorOrderId"] is not None
        saleor_order = again.saleor_order(order.order_id)
        assert saleor_order is not None
        assert item["saleorTotalAmount"] is not None and item["totalAmount"] is not None, item
        assert Decimal(item["saleorTotalAmount"]) == saleor_order.total.gross.amount == Decimal(item["totalAmount"])
