"""The order widget shows what was sent to Amazon for the order — a confirmed package and a refused one with
the pre-flight reason — and staff send the refused one again from there (real Chromium, app on a real port)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.tables import ActionState, OutgoingAction
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.testing.saleor_double.models import Order as SaleorOrder
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page, live_app, run_on_own_loop

AMAZON_ORDER_ID = "111-7000000-0000042"
REFUSAL = 'The tracking number "12345" does not fit the format of UPS tracking numbers.'


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
            for version, (state, tracking, message) in enumerate(
                [("confirmed", "1Z999AA10123456784", None), ("refused", "12345", REFUSAL)], start=1
            ):
                session.add(
                    OutgoingAction(
                        id=uuid.uuid4(),
                        installation_id=installation.id,
                        kind="confirm_shipment",
                        amazon_order_id=AMAZON_ORDER_ID,
                        connection_id="conn-na",
                        saleor_order_id=order.id,
                        saleor_fulfillment_id=f"RnVsZmlsbG1lbnQ6{version}",
                        version=1,
                        package_reference_id=str(36 + version),
                        tracking_number=tracking,
                        carrier_code="UPS",
                        state=state,
                        message=message,
                        attempts=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
        return order.id
    finally:
        await engine.dispose()


async def _link(live: LiveApp, database_url: str, saleor_order_id: str) -> None:
    """The Amazon order the Saleor order was imported from: the widget offers Amazon actions only for those."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            installation = await get_by_url(session, live.saleor.api_url)
            assert installation is not None
            session.add(
                AmazonOrder(
                    installation_id=installation.id,
                    connection_id="conn-na",
                    amazon_order_id=AMAZON_ORDER_ID,
                    marketplace_id="ATVPDKIKX0DER",
                    fulfillment_channel="MFN",
                    state="imported",
                    saleor_order_id=saleor_order_id,
                )
            )
    finally:
        await engine.dispose()


async def _states(database_url: str) -> tuple[list[str], int]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            states = sorted((await session.execute(select(OutgoingAction.state))).scalars())
            jobs = len((await session.execute(select(Job).where(Job.kind == "fulfilment.send_action"))).all())
            return states, jobs
    finally:
        await engine.dispose()


@pytest.fixture
def widget(tmp_path: Path) -> Iterator[tuple[LiveApp, str, str]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    with live_app(database_url, tmp_path) as live:
        order_id = run_on_own_loop(_prepare(live, database_url))
        run_on_own_loop(_link(live, database_url, order_id))
        yield live, database_url, order_id


def test_the_order_widget_shows_actions_and_staff_retry_a_refused_one(
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
        actions = ui.by_test_id("outgoing-action")
        expect(actions).to_have_count(2)
        expect(ui.by_test_id("outgoing-actions")).to_contain_text("Package 37 · UPS · 1Z999AA10123456784")
        confirmed = actions.filter(has_text="Package 37")
        refused = actions.filter(has_text="Package 38")
        expect(confirmed.get_by_test_id("outgoing-state")).to_have_text("Confirmed")
        expect(confirmed.get_by_test_id("outgoing-retry")).to_have_count(0)
        expect(refused.get_by_test_id("outgoing-state")).to_have_text("Not sent")
        expect(refused.get_by_test_id("outgoing-message")).to_have_text(REFUSAL)
        refused.get_by_test_id("outgoing-retry").click()
        expect(refused.get_by_test_id("outgoing-state")).to_have_text("Pending")
        expect(ui.by_test_id("outgoing-retry")).to_have_count(0)
        assert run_on_own_loop(_states(database_url)) == ([ActionState.CONFIRMED.value, ActionState.PENDING.value], 1)
    finally:
        context.close()
