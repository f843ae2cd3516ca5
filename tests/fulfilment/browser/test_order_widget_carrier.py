"""A shipment held because its Saleor shipping method has no Amazon carrier: the order widget says so, and staff
confirm the carrier to send it with (real Chromium, app on a real port)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.carriers import choose_carrier
from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.installations import get_by_url
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page, live_app, run_on_own_loop
from tests.doubles.saleor_double.models import Order as SaleorOrder

REFUSAL = choose_carrier((), "U2hpcHBpbmdNZXRob2Q6MQ==", "Amazon US STANDARD")


async def _prepare(live: LiveApp, database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        double = live.saleor.state
        channel = double.channel_by_slug("amazon-us")
        assert channel is not None
        now = datetime.now(UTC).replace(microsecond=0)
        order = SaleorOrder(
            pk=double.new_uuid(), number=double.next_order_number(), channel_pk=channel.pk, status="FULFILLED",
            created=now, updated_at=now, currency="USD",
        )  # fmt: skip
        double.orders[order.pk] = order
        async with create_sessionmaker(engine)() as session, session.begin():
            installation = await get_by_url(session, live.saleor.api_url)
            assert installation is not None
            session.add(
                OutgoingAction(
                    id=uuid.uuid4(),
                    installation_id=installation.id,
                    kind="confirm_shipment",
                    amazon_order_id="111-7000000-0000043",
                    connection_id="conn-na",
                    saleor_order_id=order.id,
                    saleor_fulfillment_id="RnVsZmlsbG1lbnQ6OQ==",
                    version=1,
                    package_reference_id="9",
                    tracking_number="ABC-123",
                    state="refused",
                    message=getattr(REFUSAL, "reason", None),
                    attempts=0,
                    created_at=now,
                    updated_at=now,
                )
            )
        return order.id
    finally:
        await engine.dispose()


async def _carrier(database_url: str) -> tuple[str, str | None, str | None]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            action = (await session.execute(select(OutgoingAction))).scalar_one()
            return action.state, action.carrier_code, action.carrier_name
    finally:
        await engine.dispose()


@pytest.fixture
def widget(tmp_path: Path) -> Iterator[tuple[LiveApp, str, str]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    with live_app(database_url, tmp_path) as live:
        yield live, database_url, run_on_own_loop(_prepare(live, database_url))


def test_staff_confirm_a_carrier_for_a_shipment_held_for_want_of_one(
    widget: tuple[LiveApp, str, str], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> None:
    live, database_url, order_id = widget
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page: Page = context.new_page()
        host, origin = dashboard_host
        host.html = host_page(live.page_url("/dashboard/widgets/order") + f"&orderId={order_id}",
                              live.token("admin@example.com"))  # fmt: skip
        page.goto(f"{origin}/dashboard/apps/amazon")
        ui = DashboardPage(page)
        action = ui.by_test_id("outgoing-action")
        expect(action.get_by_test_id("outgoing-message")).to_contain_text("has no Amazon carrier")
        action.get_by_test_id("confirm-carrier-name").locator("input").fill("Acme Couriers")
        action.get_by_test_id("confirm-carrier-send").click()
        expect(action.get_by_test_id("outgoing-state")).to_have_text("Pending")
        expect(ui.by_test_id("confirm-carrier")).to_have_count(0)
        assert run_on_own_loop(_carrier(database_url)) == ("pending", "Other", "Acme Couriers")
    finally:
        context.close()
