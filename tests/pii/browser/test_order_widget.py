"""The order widget and the audit page in real Chromium, for a member of the "View Amazon PII" group and for a
staff user outside it. The app runs on a real port, installed into a seeded Saleor double; the order, its Amazon row
and its sealed buyer data are put where the import leaves them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import ConfigurationRepository
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.orders.tables import AmazonOrder, OrderState
from saleor_asc_app.pii.envelope import KeyRing
from saleor_asc_app.pii.tables import PiiAuditEntry
from saleor_asc_app.pii.vault import PiiVault
from saleor_asc_app.wiring import configuration_saved_reactions
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import SCREENSHOTS, DashboardHost, LiveApp, host_page, live_app, run_on_own_loop
from tests.doubles.saleor_double.models import Order as SaleorOrder
from tests.harness import TEST_SECRET_KEY
from tests.pii.amazon_orders import canary, order
from tests.pii.harness import ADMIN

TAG = "CNRYBROWSR"
AMAZON_ORDER_ID = "111-7000000-0000001"


@dataclass
class WidgetApp:
    live: LiveApp
    database_url: str
    saleor_order_id: str


async def _prepare(live: LiveApp, database_url: str) -> str:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        double = live.saleor.state
        channel = double.channel_by_slug("amazon-us")
        assert channel is not None
        now = datetime.now(UTC).replace(microsecond=0)
        saleor_order = SaleorOrder(
            pk=double.new_uuid(),
            number=double.next_order_number(),
            channel_pk=channel.pk,
            status="UNFULFILLED",
            created=now,
            updated_at=now,
            currency="USD",
        )
        double.orders[saleor_order.pk] = saleor_order
        amazon = order(AMAZON_ORDER_ID, tag=TAG, created=now - timedelta(hours=3), deliver_by=now + timedelta(days=4))
        async with sessionmaker() as session, session.begin():
            installation = await get_by_url(session, live.saleor.api_url)
            assert installation is not None
            repository = ConfigurationRepository(
                session,
                SecretBox(TEST_SECRET_KEY.encode()),
                VirtualClock(now),
                on_saved=configuration_saved_reactions(),
            )
            group = live.demo.groups["amazon-pii-viewers"]
            await repository.save(
                installation.id,
                AppConfiguration(pii_permission_group_id=group.id),
                expected_version=0,
                refresh_tokens={},
                actor=ADMIN,
            )
            await PiiVault(KeyRing(TEST_SECRET_KEY.encode())).store(session, installation.id, amazon.pii(), now=now)
            session.add(
                AmazonOrder(
                    installation_id=installation.id,
                    connection_id="conn-na",
                    amazon_order_id=amazon.order_id,
                    marketplace_id="ATVPDKIKX0DER",
                    fulfillment_channel="MFN",
                    amazon_status="UNSHIPPED",
                    state=OrderState.IMPORTED.value,
                    amazon_created_at=amazon.created_time,
                    amazon_updated_at=amazon.last_updated_time,
                    order_json=amazon.without_pii().model_dump(mode="json", by_alias=True, exclude_none=True),
                    saleor_order_id=saleor_order.id,
                    saleor_order_number=saleor_order.number,
                    imported_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
        return saleor_order.id
    finally:
        await engine.dispose()


async def _audit(database_url: str) -> list[tuple[str, str, str | None]]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.execute(select(PiiAuditEntry).order_by(PiiAuditEntry.occurred_at))).scalars().all()
            return [(r.action, r.outcome, r.user_email) for r in rows]
    finally:
        await engine.dispose()


def widget_screenshot(ui: DashboardPage, name: str) -> None:
    """The widget as the dashboard's order sidebar shows it: narrow, as tall as its content."""
    frame = next(f for f in ui.page.frames if f.url.startswith("http://127.0.0.1"))
    ui.page.set_viewport_size({"width": 440, "height": 900})
    ui.page.wait_for_timeout(200)  # narrower: the content reflows before it is measured
    height = int(frame.evaluate("document.querySelector('[data-testid=order-widget]').scrollHeight")) + 8
    ui.page.set_viewport_size({"width": 440, "height": height})
    ui.page.evaluate(f"document.getElementById('app').style.height = '{height}px'")
    ui.page.wait_for_timeout(200)
    ui.page.locator("#app").screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    ui.page.set_viewport_size({"width": 1280, "height": 900})
    ui.page.evaluate("document.getElementById('app').style.height = ''")


@pytest.fixture
def widget_app(tmp_path: Path) -> Iterator[WidgetApp]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    with live_app(database_url, tmp_path) as live:
        yield WidgetApp(live, database_url, run_on_own_loop(_prepare(live, database_url)))


@pytest.fixture
def open_page(browser: Browser, dashboard_host: tuple[DashboardHost, str]) -> Iterator[object]:
    contexts = []

    def open_(live: LiveApp, path: str, email: str, *, theme: str = "light", query: str = "") -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, device_scale_factor=1, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        host, origin = dashboard_host
        host.html = host_page(live.page_url(path, theme) + query, live.token(email))
        page.goto(f"{origin}/dashboard/apps/amazon")
        return page

    yield open_
    for context in contexts:
        context.close()


def test_a_pii_group_member_reveals_buyer_details_and_prints_the_packing_slip(widget_app: WidgetApp, open_page) -> None:  # type: ignore[no-untyped-def]
    values = canary(TAG)
    page = open_page(
        widget_app.live,
        "/dashboard/widgets/order",
        "pii.viewer@example.com",
        query=f"&orderId={widget_app.saleor_order_id}",
    )
    ui = DashboardPage(page)
    expect(ui.by_test_id("fact-amazon-order")).to_contain_text(AMAZON_ORDER_ID)
    expect(ui.by_test_id("fact-import")).to_contain_text("Imported")
    expect(ui.by_test_id("buyer-data-kept")).to_contain_text("shipping address")
    expect(ui.by_test_id("buyer-details")).to_have_count(0)
    assert TAG not in ui.frame.locator("body").inner_text()  # nothing shown before the audited reveal
    ui.by_test_id("show-buyer-details").click()
    details = ui.by_test_id("buyer-details")
    expect(details).to_contain_text(values["name"])
    expect(details).to_contain_text(values["email"])
    expect(details).to_contain_text(values["line1"])
    expect(details).to_contain_text(values["gift"])
    assert ui.dashboard_actions("widgetResize"), "the widget reports its height to the dashboard"
    widget_screenshot(ui, "pii-order-widget-member-revealed")
    ui.by_test_id("packing-slip-button").click()
    slip = ui.by_test_id("packing-slip")
    expect(slip.get_by_test_id("ship-to")).to_contain_text(values["line1"])
    expect(slip).to_contain_text("MUG-BLUE-350")
    expect(slip).not_to_contain_text(values["phone"])
    widget_screenshot(ui, "pii-order-widget-packing-slip")
    # On paper only the slip shows: the facts and the revealed details are hidden by the print style sheet.
    page.emulate_media(media="print")
    visibility = "el => getComputedStyle(el).visibility"
    assert ui.by_test_id("amazon-facts").evaluate(visibility) == "hidden"
    assert ui.by_test_id("buyer-details").evaluate(visibility) == "hidden"
    assert slip.get_by_test_id("ship-to").evaluate(visibility) == "visible"
    page.emulate_media(media="screen")
    assert run_on_own_loop(_audit(widget_app.database_url)) == [
        ("reveal", "allowed", "pii.viewer@example.com"),
        ("packing_slip", "allowed", "pii.viewer@example.com"),
    ]


def test_a_user_outside_the_group_sees_that_buyer_data_exists_and_who_may_view_it(
    widget_app: WidgetApp,
    open_page: Callable[..., Page],
) -> None:
    page = open_page(
        widget_app.live,
        "/dashboard/widgets/order",
        "eu.manager@example.com",
        theme="dark",
        query=f"&orderId={widget_app.saleor_order_id}",
    )
    ui = DashboardPage(page)
    expect(ui.by_test_id("fact-amazon-order")).to_contain_text(AMAZON_ORDER_ID)
    restricted = ui.by_test_id("buyer-data-restricted")
    expect(restricted).to_contain_text("Amazon PII viewers")
    expect(restricted).to_contain_text("pii.viewer@example.com")
    expect(ui.by_test_id("show-buyer-details")).to_have_count(0)
    expect(ui.by_test_id("packing-slip-button")).to_have_count(0)
    assert TAG not in ui.frame.locator("body").inner_text()
    widget_screenshot(ui, "pii-order-widget-outsider-dark")
    assert run_on_own_loop(_audit(widget_app.database_url)) == []  # seeing that data exists reveals nothing


def test_the_audit_page_lists_views_and_exports_csv(widget_app: WidgetApp, open_page) -> None:  # type: ignore[no-untyped-def]
    live = widget_app.live
    member = DashboardPage(
        open_page(
            live, "/dashboard/widgets/order", "pii.viewer@example.com", query=f"&orderId={widget_app.saleor_order_id}"
        )
    )
    member.by_test_id("show-buyer-details").click()
    expect(member.by_test_id("buyer-details")).to_be_visible()

    outsider = DashboardPage(open_page(live, "/dashboard/audit", "eu.manager@example.com"))
    expect(outsider.by_test_id("audit-forbidden")).to_be_visible()

    page = open_page(live, "/dashboard/audit", "admin@example.com")
    ui = DashboardPage(page)
    expect(ui.by_test_id("audit-row")).to_have_count(1)
    expect(ui.by_test_id("audit-table")).to_contain_text("pii.viewer@example.com")
    expect(ui.by_test_id("audit-table")).to_contain_text(AMAZON_ORDER_ID)
    ui.screenshot("pii-audit-page")
    with page.expect_download() as download_info:
        ui.by_test_id("export-csv").click()
    csv_text = Path(download_info.value.path()).read_text()
    assert csv_text.splitlines()[0].startswith("occurred_at,action,outcome")
    assert "pii.viewer@example.com" in csv_text and TAG not in csv_text
    expect(ui.by_test_id("audit-row")).to_have_count(1)  # the list shows what it loaded; the export is audited:
    ui.by_test_id("apply-filters").click()
    expect(ui.by_test_id("audit-row")).to_have_count(2)
    assert [a for a, _, _ in run_on_own_loop(_audit(widget_app.database_url))] == ["reveal", "export"]


def _saleor_order(live: LiveApp) -> str:
    """An order placed in Saleor itself (not imported from Amazon)."""
    double = live.saleor.state
    channel = double.channel_by_slug("amazon-us")
    assert channel is not None
    now = datetime.now(UTC).replace(microsecond=0)
    saleor_order = SaleorOrder(pk=double.new_uuid(), number=double.next_order_number(), channel_pk=channel.pk,
                               status="UNFULFILLED", created=now, updated_at=now, currency="USD")  # fmt: skip
    double.orders[saleor_order.pk] = saleor_order
    return saleor_order.id


def test_an_order_not_from_amazon_says_so_and_offers_no_amazon_action(widget_app: WidgetApp, open_page) -> None:  # type: ignore[no-untyped-def]
    order_id = _saleor_order(widget_app.live)
    page = open_page(widget_app.live, "/dashboard/widgets/order", "admin@example.com", query=f"&orderId={order_id}")
    ui = DashboardPage(page)
    expect(ui.by_test_id("not-amazon")).to_have_text(
        "This order did not come from Amazon: there is nothing to show or send to Amazon for it."
    )
    expect(ui.by_test_id("outgoing-actions")).to_have_count(0)
    expect(ui.by_test_id("send-cancellation")).to_have_count(0)
    expect(ui.frame.locator("button")).to_have_count(0)
    widget_screenshot(ui, "order-widget-not-from-amazon")

    # The Amazon order's widget, by contrast, offers what can be sent to Amazon below its facts, in human labels.
    amazon = DashboardPage(open_page(widget_app.live, "/dashboard/widgets/order", "admin@example.com",
                                     query=f"&orderId={widget_app.saleor_order_id}"))  # fmt: skip
    expect(amazon.by_test_id("amazon-facts")).to_contain_text("Unshipped")
    expect(amazon.by_test_id("amazon-facts")).to_contain_text("Fulfilled by you (MFN)")
    expect(amazon.by_test_id("send-cancellation")).to_be_visible()
    widget_screenshot(amazon, "order-widget-amazon-order")


def test_a_refused_amazon_action_shows_why(widget_app: WidgetApp, open_page) -> None:  # type: ignore[no-untyped-def]
    live = widget_app.live
    live.saleor.add_staff("catalogue@example.com", ["MANAGE_PRODUCTS"])  # staff, but may not manage orders
    page = open_page(live, "/dashboard/widgets/order", "catalogue@example.com",
                     query=f"&orderId={widget_app.saleor_order_id}")  # fmt: skip
    ui = DashboardPage(page)
    ui.by_test_id("send-cancellation").click()
    # The app refuses; the widget says so (it used to clear the message when it reloaded the list).
    expect(ui.by_test_id("outgoing-error")).to_contain_text("needs the MANAGE_ORDERS permission")
    expect(ui.by_test_id("outgoing-action")).to_have_count(0)
