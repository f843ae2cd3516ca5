"""Staff choose a cancellation reason in the order widget and send the cancellation to Amazon, of the whole order or
of chosen Amazon items: it is recorded as a pending cancel action with that reason (and items) and its job is queued
(real Chromium, app on a real port)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.jobs.models import Job
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page, live_app, run_on_own_loop
from tests.fulfilment.browser.test_order_widget_actions import AMAZON_ORDER_ID, _prepare

ITEMS = (("11111111111111", "SKU-MUG"), ("22222222222222", "SKU-CAP"))
ORDER_JSON = {
    "orderId": AMAZON_ORDER_ID,
    "createdTime": "2026-03-01T10:00:00Z",
    "lastUpdatedTime": "2026-03-01T10:00:00Z",
    "salesChannel": {"channelName": "Amazon.com"},
    "orderItems": [{"orderItemId": item, "quantityOrdered": 1, "product": {"sellerSku": sku}} for item, sku in ITEMS],
}
LINE_MAP = [{"item": item, "index": n, "ratio": 1} for n, (item, _) in enumerate(ITEMS)]


async def _cancel_actions(database_url: str) -> tuple[list[tuple[str, str | None, list[dict[str, str]]]], int]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.execute(select(OutgoingAction).where(OutgoingAction.kind == "cancel"))).scalars()
            found = [(r.state, r.cancel_reason, r.lines) for r in rows]
            jobs = len((await session.execute(select(Job).where(Job.kind == "fulfilment.send_action"))).all())
            return found, jobs
    finally:
        await engine.dispose()


@pytest.fixture
def widget(tmp_path: Path) -> Iterator[tuple[LiveApp, str, str]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    with live_app(database_url, tmp_path) as live:
        order_id = run_on_own_loop(_prepare(live, database_url, {"order_json": ORDER_JSON, "line_map": LINE_MAP}))
        yield live, database_url, order_id


@contextmanager
def order_widget(
    widget: tuple[LiveApp, str, str], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> Iterator[DashboardPage]:
    live, _database_url, order_id = widget
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page: Page = context.new_page()
        host, origin = dashboard_host
        host.html = host_page(live.page_url("/dashboard/widgets/order") + f"&orderId={order_id}",
                              live.token("admin@example.com"))  # fmt: skip
        page.goto(f"{origin}/dashboard/apps/amazon")
        yield DashboardPage(page)
    finally:
        context.close()


def test_staff_send_a_cancellation_with_their_reason_from_the_order_widget(
    widget: tuple[LiveApp, str, str], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> None:
    with order_widget(widget, browser, dashboard_host) as ui:
        expect(ui.by_test_id("outgoing-action")).to_have_count(2)
        ui.choose(ui.by_test_id("cancel-reason"), "Pricing error")
        ui.by_test_id("send-cancellation").click()
        cancellation = ui.by_test_id("outgoing-action").filter(has_text="Cancellation")
        expect(cancellation).to_contain_text("Cancellation · Pricing error")
        expect(cancellation.get_by_test_id("outgoing-state")).to_have_text("Pending")
        assert run_on_own_loop(_cancel_actions(widget[1])) == ([("pending", "PRICING_ERROR", [])], 1)


def test_staff_cancel_chosen_items_from_the_order_widget(
    widget: tuple[LiveApp, str, str], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> None:
    with order_widget(widget, browser, dashboard_host) as ui:
        expect(ui.by_test_id("cancel-item")).to_have_count(2)
        ui.by_test_id("cancel-item").filter(has_text="SKU-CAP").get_by_role("checkbox").click()
        ui.choose(ui.by_test_id("cancel-reason"), "No inventory")
        expect(ui.by_test_id("send-cancellation")).to_have_text("Cancel 1 item on Amazon")
        ui.by_test_id("send-cancellation").click()
        cancellation = ui.by_test_id("outgoing-action").filter(has_text="Cancellation")
        expect(cancellation).to_contain_text("Cancellation of 1 item · No inventory")
        expect(cancellation.get_by_test_id("outgoing-state")).to_have_text("Pending")
        expect(ui.by_test_id("cancel-item")).to_have_count(0)  # one item left: only the whole order to offer
        assert run_on_own_loop(_cancel_actions(widget[1])) == (
            [("pending", "NO_INVENTORY", [{"order_item_id": ITEMS[1][0]}])],
            1,
        )
