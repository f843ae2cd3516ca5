"""The order inbox in real Chromium: an order parked for an unknown SKU shows with its reason; staff add the
variant to Saleor, press Replay and confirm; the app's own worker imports it and the row shows it imported with a
link that opens the Saleor order through App Bridge.

The orders come the real way first — synced from the SP-API simulator and decided by the real jobs, in virtual
time — then the same database, Saleor double and simulator serve the app on a real port with its in-process worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.simulator.orders import SimOrder
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page, run_on_own_loop, serve
from tests.doubles.saleor_double import DemoStore, SaleorDouble
from tests.harness import HostRouter, build_app
from tests.harness import test_settings as app_settings
from tests.orders.checks import unknown_skus
from tests.orders.harness import SELLERS, make_saleor, make_simulator, orders_env

NA = {"conn-na": SELLERS["conn-na"]}


@dataclass
class Prepared:
    app: Any  # the Saleor double's App
    imported: list[SimOrder]
    parked: SimOrder


async def _import_the_real_way(
    database_url: str,
    data_dir: Path,
    clock: VirtualClock,
    simulator: SimulatorState,
    saleor: tuple[SaleorDouble, DemoStore],
) -> Prepared:
    async with orders_env(database_url, data_dir, clock=clock, simulator=simulator, saleor=saleor) as env:
        for _region, seller, _markets in SELLERS.values():
            env.simulator.sellers[seller].orders.clear()
        await env.configure(NA)
        await env.run_jobs()
        start = env.clock.now()
        common: dict[str, Any] = dict(start=start, end=start + timedelta(minutes=2), afn_share=0.0, cancel_share=0.0,
                                      preorder_share=0.0, mfn_auto_ship_share=0.0, replacement_share=0.0)  # fmt: skip
        seller = SELLERS["conn-na"][1]
        imported = env.simulator.generate_orders(seller, 2, seed=11, **common)
        parked = env.simulator.generate_orders(seller, 1, seed=12, unknown_sku_share=1.0, **common)[0]
        for order in [*imported, parked]:
            env.simulator.advance_order(order.order_id, "UNSHIPPED")

        async def settled() -> bool:
            by_state = await env.by_state()
            return by_state == {"imported": 2, "parked": 1}

        await env.run_until(settled, limit=3600)
        assert env.env.saleor_app is not None
        return Prepared(env.env.saleor_app, imported, parked)


@pytest.fixture
def inbox(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[LiveApp, Prepared]]:
    # Virtual time starts an hour back so that, once the orders are in, the double's clock (which signs the
    # dashboard tokens) can be set to the real time the live app checks them against.
    clock = VirtualClock(datetime.now(UTC) - timedelta(hours=1))
    double, demo = make_saleor(clock)
    simulator = make_simulator(clock)
    prepared = run_on_own_loop(_import_the_real_way(sqlite_url, tmp_path, clock, simulator, (double, demo)))
    clock.set(datetime.now(UTC))
    router = HostRouter({double.domain: double.transport()})
    router.add_amazon(simulator)
    settings = app_settings(sqlite_url, tmp_path, lwa_client_id=simulator.app.client_id,
                             lwa_client_secret=simulator.app.client_secret)  # fmt: skip
    app = build_app(settings, httpx.AsyncClient(transport=router, timeout=30), run_worker=True)
    with serve(app) as port:
        yield LiveApp(f"http://127.0.0.1:{port}", double, demo, prepared.app), prepared


def test_staff_replay_a_parked_order_after_adding_its_sku(
    inbox: tuple[LiveApp, Prepared], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> None:
    live, prepared = inbox
    parked_id = prepared.parked.order_id
    skus = sorted(unknown_skus(prepared.parked))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        host, origin = dashboard_host
        host.html = host_page(live.page_url("/dashboard/orders"), live.token("admin@example.com"))
        page.goto(f"{origin}/dashboard/apps/amazon")
        ui = DashboardPage(page)

        expect(ui.by_test_id("order-row")).to_have_count(3)
        row = ui.frame.locator(f'[data-testid="order-row"][data-order-id="{parked_id}"]')
        expect(row.get_by_test_id("order-state")).to_have_text("Parked")
        expect(row.get_by_test_id("order-reason")).to_contain_text(skus[0])
        expect(row.get_by_test_id("order-reason")).to_contain_text("add the variant or a SKU mapping")
        expect(row.get_by_test_id("saleor-link")).to_have_count(0)
        for order in prepared.imported:
            other = ui.frame.locator(f'[data-testid="order-row"][data-order-id="{order.order_id}"]')
            expect(other.get_by_test_id("order-state")).to_have_text("Imported")
            expect(other).to_contain_text("Fulfilled by you (MFN) · Amazon: Unshipped")  # labels, not codes
            expect(other.get_by_test_id("replay")).to_have_count(0)
        status = ui.by_test_id("sync-conn-na")
        expect(status).to_contain_text(f"Seller {SELLERS['conn-na'][1]} · NA")
        expect(status.get_by_test_id("market-ATVPDKIKX0DER")).to_contain_text("Imported 2 · Parked 1")
        expect(ui.by_test_id("imports-chart")).to_contain_text("last 30 days: 2 orders")
        expect(ui.by_test_id("parked-reason")).to_contain_text("1 ×")

        # The state filter narrows the list to the parked order; clearing it shows all again. The columns keep
        # their width whatever the rows hold.
        widths = "t => [...t.querySelectorAll('th')].map(th => Math.round(th.getBoundingClientRect().width))"
        all_rows = ui.by_test_id("orders-table").evaluate(widths)
        ui.choose(ui.by_test_id("filter-state"), "Parked")
        expect(ui.by_test_id("order-row")).to_have_count(1)
        assert ui.by_test_id("orders-table").evaluate(widths) == all_rows
        ui.choose(ui.by_test_id("filter-state"), "All states")
        expect(ui.by_test_id("order-row")).to_have_count(3)
        ui.screenshot("orders-inbox-parked")

        # Staff add the missing variant in Saleor, then replay the order (with a confirmation first).
        goods = next(t for t in live.saleor.state.product_types.values() if t.name == "Goods")
        for sku in skus:
            product = live.saleor.add_product(f"Product {sku}", goods)
            live.saleor.add_variant(sku, product=product, name=sku, prices={"amazon-us": Decimal("10")},
                                    stocks=dict.fromkeys(live.demo.warehouses.values(), 50))  # fmt: skip
        row.get_by_test_id("replay").click()
        expect(ui.by_test_id("confirm")).to_contain_text(f"Try to import order {parked_id} again now?")
        ui.by_test_id("confirm-action").click()
        expect(ui.by_test_id("action-result")).to_contain_text(f"Order {parked_id} is queued for import.")

        # The app's worker imports it; the page follows and shows the link to the Saleor order.
        expect(row.get_by_test_id("order-state")).to_have_text("Imported", timeout=30_000)
        expect(ui.by_test_id("action-result")).to_have_count(0)  # "queued for import" is no longer true
        assert ui.by_test_id("orders-table").evaluate(widths) == all_rows  # the reason went; the columns stay
        saleor_order = live.saleor.state.order_by_external_reference(parked_id)
        assert saleor_order is not None
        link = row.get_by_test_id("saleor-link")
        expect(link).to_have_text(f"Order #{saleor_order.number}")
        expect(row.get_by_test_id("replay")).to_have_count(0)
        link.click()
        page.wait_for_function("() => window.dashboard.actions.some(a => a.type === 'redirect')", timeout=5000)
        assert ui.dashboard_actions("redirect")[-1]["to"] == f"/orders/{saleor_order.id}"
        expect(status.get_by_test_id("market-ATVPDKIKX0DER")).to_contain_text("Imported 3", timeout=35_000)
        ui.screenshot("orders-inbox-replayed")
        assert [o.external_reference for o in live.saleor.state.orders.values()].count(parked_id) == 1
    finally:
        context.close()
