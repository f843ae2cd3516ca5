"""A shipment held because its Saleor shipping method has no Amazon carrier: the order widget says so, and staff
confirm the carrier to send it with (real Chromium, app on a real port)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.carriers import CarrierProblem, choose_carrier
from saleor_asc_app.fulfilment.tables import OutgoingAction
from tests.browser.harness import DashboardHost, LiveApp, live_app, run_on_own_loop
from tests.fulfilment.browser.widget import open_widget, order_with_actions

REFUSAL = choose_carrier((), "U2hpcHBpbmdNZXRob2Q6MQ==", "Amazon US STANDARD")
assert isinstance(REFUSAL, CarrierProblem)
HELD = {
    "amazon_order_id": "111-7000000-0000043", "saleor_fulfillment_id": "RnVsZmlsbG1lbnQ6OQ==",
    "package_reference_id": "9", "tracking_number": "ABC-123", "state": "refused", "message": REFUSAL.reason,
    "attempts": 0,
}  # fmt: skip


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
        yield live, database_url, run_on_own_loop(order_with_actions(live, database_url, [HELD]))


def test_staff_confirm_a_carrier_for_a_shipment_held_for_want_of_one(
    widget: tuple[LiveApp, str, str], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> None:
    live, database_url, order_id = widget
    with open_widget(browser, dashboard_host, live, order_id) as ui:
        action = ui.by_test_id("outgoing-action")
        expect(action.get_by_test_id("outgoing-message")).to_contain_text("has no Amazon carrier")
        action.get_by_test_id("confirm-carrier-name").locator("input").fill("Acme Couriers")
        action.get_by_test_id("confirm-carrier-send").click()
        expect(action.get_by_test_id("outgoing-state")).to_have_text("Pending")
        expect(ui.by_test_id("confirm-carrier")).to_have_count(0)
        assert run_on_own_loop(_carrier(database_url)) == ("pending", "Other", "Acme Couriers")
