"""The order widget shows what was sent to Amazon for the order — a confirmed package and a refused one with
the pre-flight reason — and staff send the refused one again from there (real Chromium, app on a real port)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.tables import ActionState, OutgoingAction
from saleor_asc_app.jobs.models import Job
from tests.browser.harness import DashboardHost, LiveApp, live_app, run_on_own_loop
from tests.fulfilment.browser.widget import open_widget, order_with_actions

AMAZON_ORDER_ID = "111-7000000-0000042"
REFUSAL = 'The tracking number "12345" does not fit the format of UPS tracking numbers.'


async def _prepare(live: LiveApp, database_url: str, amazon_order: dict[str, Any] | None = None) -> str:
    return await order_with_actions(
        live,
        database_url,
        [
            {
                "amazon_order_id": AMAZON_ORDER_ID,
                "saleor_fulfillment_id": f"RnVsZmlsbG1lbnQ6{version}",
                "package_reference_id": str(36 + version),
                "tracking_number": tracking,
                "carrier_code": "UPS",
                "state": state,
                "message": message,
            }
            for version, (state, tracking, message) in enumerate(
                [("confirmed", "1Z999AA10123456784", None), ("refused", "12345", REFUSAL)], start=1
            )
        ],
        amazon_order,
    )


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
        yield live, database_url, order_id


def test_the_order_widget_shows_actions_and_staff_retry_a_refused_one(
    widget: tuple[LiveApp, str, str], browser: Browser, dashboard_host: tuple[DashboardHost, str]
) -> None:
    live, database_url, order_id = widget
    with open_widget(browser, dashboard_host, live, order_id) as ui:
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
