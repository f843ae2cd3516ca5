"""The authorization banner (countdown, Re-authorize) on the app's pages and the homepage widget, in real Chromium.

The app runs on a real port in demo mode (Amazon is the built-in simulator), installed into a seeded Saleor double.
One connection was authorized 355 days ago (10 days left), one was revoked; the operator's LWA client secret
expires in 12 days.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.model import AmazonConnection, AppConfiguration
from saleor_asc_app.connections import authorization
from saleor_asc_app.db.migrate import upgrade_async
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.notifications.outbox import EmailContent, queue_email
from saleor_asc_app.notifications.tables import EmailOutbox
from saleor_asc_app.settings import Settings
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, _install, host_page, run_on_own_loop, serve
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.harness import HostRouter, Keys, build_app, save_configuration
from tests.harness import test_settings as app_settings

NA = AmazonConnection(id="conn-na", region=Region.NA, seller_id="ASELLERNA00001", marketplace_ids=("ATVPDKIKX0DER",))
EU = AmazonConnection(id="conn-eu", region=Region.EU, seller_id="ASELLEREU00001", marketplace_ids=("A1PA6795UKMFR9",))


@dataclass
class Live:
    base_url: str
    saleor: SaleorDouble
    app: App
    settings: Settings

    def page_url(self, path: str, extra: dict[str, str] | None = None) -> str:
        query = httpx.QueryParams(
            {"domain": self.saleor.domain, "saleorApiUrl": self.saleor.api_url, "id": self.app.id, "theme": "light"}
            | (extra or {})
        )
        return f"{self.base_url}{path}?{query}"

    def token(self, email: str) -> str:
        user = self.saleor.state.staff_by_email(email)
        assert user is not None
        return self.saleor.issue_dashboard_token(user, self.app)


async def _seed(database_url: str, saleor_api_url: str, settings: Settings) -> None:
    """Two authorized connections, authorized 355 days ago; the EU one then revoked by Amazon."""
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    now = datetime.now(UTC)
    back_then = VirtualClock(start=now - timedelta(days=355))
    async with sessionmaker() as session, session.begin():
        installation = await get_by_url(session, saleor_api_url)
        assert installation is not None
        saved = await save_configuration(
            session,
            Keys.of(settings, back_then),
            installation.id,
            AppConfiguration(connections=(NA, EU)),
            {"conn-na": "Atzr|browser-test-na", "conn-eu": "Atzr|browser-test-eu"},
        )
        for connection in saved.config.connections:
            await authorization.status_for(session, installation.id, connection, now=now, lifetime_days=365)
        await authorization.mark_revoked(session, installation.id, "conn-eu", now=now)
        outbox_id = await queue_email(
            session,
            installation_id=installation.id,
            dedupe_key="browser-test",
            category="authorization_warning",
            recipients=["admin@example.com"],
            content=EmailContent(
                "Amazon authorization revoked for seller ASELLEREU00001 (Europe)", "text", "<p>html</p>"
            ),
            now=now,
        )
        row = await session.get(EmailOutbox, outbox_id)
        assert row is not None
        row.state, row.attempts, row.last_error = (
            "failed",
            8,
            "SMTPDataError: 451 4.3.0 Mailbox temporarily unavailable",
        )
    await engine.dispose()


@contextmanager
def live(tmp_path: Path) -> Iterator[Live]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    saleor = SaleorDouble(api_url="https://shop.test/graphql/")
    saleor.seed_demo()
    run_on_own_loop(upgrade_async(database_url))
    secret_expiry = (datetime.now(UTC) + timedelta(days=12)).date().isoformat()
    settings = app_settings(database_url, tmp_path, lwa_client_secret_expires_at=secret_expiry)
    outgoing = httpx.AsyncClient(transport=HostRouter({saleor.domain: saleor.transport()}), timeout=30)
    app = build_app(settings, outgoing)
    with serve(app) as port:
        base_url = f"http://127.0.0.1:{port}"
        installed = run_on_own_loop(_install(saleor, base_url))
        run_on_own_loop(_seed(database_url, saleor.api_url, settings))
        yield Live(base_url, saleor, installed, settings)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Live]:
    with live(tmp_path) as value:
        yield value


def open_page(
    browser: Browser,
    host: tuple[DashboardHost, str],
    running: Live,
    path: str,
    email: str,
    extra: dict[str, str] | None = None,
    *,
    height: int = 900,
) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": height}, device_scale_factor=1)
    context.clock.install(time=datetime.now(UTC))  # real time, but the test may fast-forward it
    page = context.new_page()
    dashboard, origin = host
    dashboard.html = host_page(running.page_url(path, extra), running.token(email))
    page.goto(f"{origin}/dashboard/apps/amazon")
    return page


def test_banner_counts_down_and_re_authorizes(
    browser: Browser, dashboard_host: tuple[DashboardHost, str], running: Live
) -> None:
    page = open_page(browser, dashboard_host, running, "/dashboard", "admin@example.com")
    ui = DashboardPage(page)
    expiring = ui.by_test_id("authorization-warning-conn-na")
    expect(expiring).to_be_visible()
    expect(expiring).to_contain_text("Amazon authorization of seller ASELLERNA00001 (North America) expires on")
    countdown = expiring.get_by_test_id("countdown")
    expect(countdown).to_have_text("10 days left")  # whole days rounded up, as the server counts them
    revoked = ui.by_test_id("authorization-warning-conn-eu")
    expect(revoked).to_contain_text("Amazon revoked the authorization of seller ASELLEREU00001 (Europe)")
    expect(ui.by_test_id("client-secret-warning")).to_contain_text("LWA client secret expires on")
    # Each connection row's chip shows the same lifecycle state as the banner, not only the dates.
    na_row, eu_row = ui.by_test_id("connection-0"), ui.by_test_id("connection-1")
    expect(na_row.get_by_test_id("connection-state")).to_have_text("Expires soon")
    expect(na_row.get_by_test_id("connection-paused")).to_have_count(0)
    # "N days left" is one count on every page: the banner's, the connection card's and the home widget's agree.
    expect(na_row.get_by_test_id("connection-expiry")).to_contain_text("(10 days left)")
    expect(eu_row.get_by_test_id("connection-state")).to_have_text("Revoked")
    expect(eu_row.get_by_test_id("connection-paused")).to_have_text("Order import paused")
    email = ui.by_test_id("outbox-email")
    expect(email.get_by_test_id("outbox-state")).to_have_text("Failed")
    expect(email.get_by_test_id("outbox-error")).to_contain_text("451 4.3.0")
    ui.screenshot("authorization-banner-light", max_height=1000)  # the banner and the first connection
    email.get_by_test_id("outbox-retry").click()
    expect(email.get_by_test_id("outbox-state")).to_have_text("Sending")  # queued again for the worker

    # Time passes in the page: the countdown follows without a reload.
    page.context.clock.fast_forward("26:00:00")
    expect(countdown).to_have_text("9 days left")

    # Re-authorize the revoked connection: the app hands the dashboard Seller Central's consent URL to open in a
    # new top-level window (demo mode: the app's own simulator page).
    revoked.get_by_test_id("reauthorize").click()
    page.wait_for_function("window.dashboard.actions.some(a => a.type === 'redirect')")
    (redirect,) = ui.dashboard_actions("redirect")
    assert redirect["newContext"] is True
    consent = urlsplit(redirect["to"])
    assert f"{consent.scheme}://{consent.netloc}{consent.path}" == (
        f"{running.base_url}/demo/amazon/apps/authorize/consent"
    )
    params = {k: v[0] for k, v in parse_qs(consent.query).items()}
    assert params["version"] == "beta" and params["redirect_uri"] == f"{running.base_url}/api/amazon/callback"

    # The seller confirms in that window; Amazon (the simulator) sends the browser back to the app's callback,
    # which stores the authorization and returns to the app's page in the Saleor dashboard.
    with httpx.Client(timeout=30) as client:
        back = client.get(redirect["to"])
        assert back.status_code == 303
        done = client.get(back.headers["location"])
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"https://shop.test/dashboard/extensions/app/{running.app.id}?")
    assert "amazonAuthorization=success" in done.headers["location"]

    # The dashboard shows the app page again, passing the marker on; the revoked warning is gone.
    page.close()
    page = open_page(
        browser,
        dashboard_host,
        running,
        "/dashboard",
        "admin@example.com",
        {"amazonAuthorization": "success", "amazonConnection": "conn-eu", "amazonConnectionTest": "ok"},
    )
    ui = DashboardPage(page)
    expect(ui.by_test_id("authorization-outcome")).to_contain_text("Amazon authorization completed")
    expect(ui.by_test_id("authorization-warning-conn-na")).to_be_visible()
    expect(ui.by_test_id("authorization-warning-conn-eu")).to_have_count(0)
    ui.screenshot("authorization-banner-after-reauthorization")


def test_staff_without_manage_apps_see_the_warning_but_no_button(
    browser: Browser, dashboard_host: tuple[DashboardHost, str], running: Live
) -> None:
    page = open_page(browser, dashboard_host, running, "/dashboard", "eu.manager@example.com")
    ui = DashboardPage(page)
    revoked = ui.by_test_id("authorization-warning-conn-eu")
    expect(revoked).to_contain_text("Ask a staff member with “Manage apps” to re-authorize it.")
    expect(revoked.get_by_test_id("reauthorize")).to_have_count(0)
    expect(ui.by_test_id("client-secret-warning")).to_have_count(0)  # the operator's business


def test_homepage_widget_shows_every_connection_to_any_staff_user(
    browser: Browser, dashboard_host: tuple[DashboardHost, str], running: Live
) -> None:
    page = open_page(browser, dashboard_host, running, "/dashboard/widgets/home", "eu.manager@example.com", height=400)
    ui = DashboardPage(page)
    widget = ui.by_test_id("home-widget")
    expect(widget).to_be_visible()
    na = widget.get_by_test_id("widget-connection-conn-na")
    expect(na.get_by_test_id("widget-state")).to_have_text("Expires soon")
    expect(na.get_by_test_id("widget-countdown")).to_have_text("Re-authorize soon: 10 days left")
    eu = widget.get_by_test_id("widget-connection-conn-eu")
    expect(eu.get_by_test_id("widget-state")).to_have_text("Revoked")
    expect(eu).to_contain_text("Order import is paused.")
    expect(ui.by_test_id("authorization-banner")).to_have_count(0)  # the widget is compact: no page banner
    ui.screenshot("home-widget", width=440)  # a column of the dashboard's home page
