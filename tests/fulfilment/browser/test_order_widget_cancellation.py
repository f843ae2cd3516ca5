"""Staff choose a cancellation reason in the order widget and send the cancellation to Amazon: it is recorded as a
pending cancel action with that reason and its job is queued (real Chromium, app on a real port)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.jobs.models import Job
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page, live_app, run_on_own_loop
from tests.fulfilment.browser.test_order_widget_actions import _link, _prepare


async def _cancel_actions(database_url: str) -> tuple[list[tuple[str, str | None]], int]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.execute(select(OutgoingAction).where(OutgoingAction.kind == "cancel"))).scalars()
            found = [(r.state, r.cancel_reason) for r in rows]
            jobs = len((await session.execute(select(Job).where(Job.kind == "fulfilment.send_action"))).all())
            return found, jobs
    finally:
        await engine.dispose()


@pytest.fixture
def widget(tmp_path: Path) -> Iterator[tuple[LiveApp, str, str]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    with live_app(database_url, tmp_path) as live:
        order_id = run_on_own_loop(_prepare(live, database_url))
        run_on_own_loop(_link(live, database_url, order_id))
        yield live, database_url, order_id


def test_staff_send_a_cancellation_with_their_reason_from_the_order_widget(
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
        expect(ui.by_test_id("outgoing-action")).to_have_count(2)
        ui.choose(ui.by_test_id("cancel-reason"), "Pricing error")
        ui.by_test_id("send-cancellation").click()
        cancellation = ui.by_test_id("outgoing-action").filter(has_text="Cancellation")
        expect(cancellation).to_contain_text("Cancellation · Pricing error")
        expect(cancellation.get_by_test_id("outgoing-state")).to_have_text("Pending")
        assert run_on_own_loop(_cancel_actions(database_url)) == ([("pending", "PRICING_ERROR")], 1)
    finally:
        context.close()
