"""A shipment held because its Saleor shipping method has no Amazon carrier: the order widget says so, and staff
confirm the carrier to send it with (real Chromium, app on a real port)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from saleor_asc_app.fulfilment.carriers import CarrierProblem, choose_carrier
from tests.browser.harness import DashboardHost, LiveApp, live_app, run_on_own_loop
from tests.fulfilment.browser.widget import open_widget, order_with_actions, stored_actions

REFUSAL = choose_carrier((), "U2hpcHBpbmdNZXRob2Q6MQ==", "Amazon US STANDARD")
assert isinstance(REFUSAL, CarrierProblem)
HELD = {
    "amazon_order_id": "111-7000000-0000043", "saleor_fulfillment_id": "RnVsZmlsbG1lbnQ6OQ==",
    "package_reference_id": "9", "tracking_number": "ABC-123", "state": "refused", "message": REFUSAL.reason,
    "attempts": 0,
}  # fmt: skip


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
        [stored] = run_on_own_loop(stored_actions(database_url))
        assert (stored.state, stored.carrier_code, stored.carrier_name) == ("pending", "Other", "Acme Couriers")
