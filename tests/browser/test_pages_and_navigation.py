"""What every page shares, in real Chromium: the navigation (the buyer-data audit only for staff allowed to see it;
the current tab the emphasised one), checkboxes that can be seen in the dark theme, the help a page gives when it
is opened outside Saleor, and the processing-errors page (filters, pages, the e-mail status, dates in the
dashboard's locale)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.installations import get_by_url
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page, run_on_own_loop
from tests.processing_errors.samples import record_sample_errors

OpenDashboard = Callable[..., Page]

# The luminance contrast WCAG asks of a control's boundary against what is next to it (non-text contrast, 1.4.11).
CONTRAST = """el => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let around = el.parentElement;
  while (around && getComputedStyle(around).backgroundColor.endsWith(", 0)")) around = around.parentElement;
  const behind = lum(rgb(getComputedStyle(around || document.body).backgroundColor));
  const edge = lum(rgb(getComputedStyle(el).borderTopColor));
  return (Math.max(behind, edge) + 0.05) / (Math.min(behind, edge) + 0.05);
}"""


def test_the_audit_trail_is_in_the_navigation_for_those_allowed_and_the_current_tab_stands_out(
    open_dashboard: OpenDashboard,
) -> None:
    ui = DashboardPage(open_dashboard("/dashboard/orders"))
    nav = ui.by_test_id("page-nav")
    expect(nav).to_contain_text("Buyer data audit")
    current, other = ui.by_test_id("nav-orders"), ui.by_test_id("nav-configuration")
    expect(current).to_have_attribute("aria-current", "page")
    expect(other).not_to_have_attribute("aria-current", "page")
    weight = "el => Number(getComputedStyle(el.querySelector('span, p') || el).fontWeight)"
    assert current.evaluate(weight) > other.evaluate(weight)
    underline = "el => getComputedStyle(el).borderBottomColor"
    assert current.evaluate(underline) != "rgba(0, 0, 0, 0)" and other.evaluate(underline) == "rgba(0, 0, 0, 0)"
    ui.by_test_id("nav-audit").click()
    ui.page.wait_for_function("() => window.dashboard.actions.some(a => a.type === 'redirectToApp')", timeout=5000)
    assert ui.dashboard_actions("redirectToApp")[-1]["path"] == "/audit"  # the dashboard opens the audit page

    audit = DashboardPage(open_dashboard("/dashboard/audit"))
    expect(audit.by_test_id("audit-page")).to_be_visible()
    expect(audit.by_test_id("nav-audit")).to_have_attribute("aria-current", "page")

    # Staff without "Manage apps" may not read the trail (pii/views.py): the link is not offered to them.
    manager = DashboardPage(open_dashboard("/dashboard/orders", email="eu.manager@example.com"))
    expect(manager.by_test_id("nav-orders")).to_be_visible()
    expect(manager.by_test_id("nav-audit")).to_have_count(0)


def test_unchecked_checkboxes_can_be_seen_in_both_themes(open_dashboard: OpenDashboard) -> None:
    for theme in ("dark", "light"):
        ui = DashboardPage(open_dashboard("/dashboard", theme=theme))
        expect(ui.by_test_id("section-orders")).to_be_visible(timeout=30_000)
        unchecked = ui.frame.locator('[role="checkbox"][data-state="unchecked"]')
        expect(unchecked.first).to_be_visible()
        ratios = [unchecked.nth(i).evaluate(CONTRAST) for i in range(unchecked.count())]
        assert ratios and min(ratios) >= 3, (theme, ratios)


def test_a_page_opened_outside_saleor_explains_how_to_install_the_app(app: LiveApp, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{app.base_url}/dashboard/orders")
        expect(page.get_by_test_id("outside-dashboard")).to_contain_text("Install the app")
        manifest_url = page.get_by_test_id("manifest-url").inner_text().strip()
        assert manifest_url == f"{app.base_url}/api/manifest"
        manifest = httpx.get(manifest_url, timeout=10, follow_redirects=False)
        assert manifest.status_code == 200 and manifest.json()["id"] == "saleor-asc-app.amazon-seller-central"
    finally:
        context.close()


FIRST_ERROR_AT = datetime(2026, 3, 7, 9, 5, tzinfo=UTC)


async def _record_errors(database_url: str, api_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            installation = await get_by_url(session, api_url)
            assert installation is not None
            await record_sample_errors(
                session, installation.id, feeds_from=FIRST_ERROR_AT, shipment_at=FIRST_ERROR_AT - timedelta(days=1)
            )
    finally:
        await engine.dispose()


def open_in(browser: Browser, dashboard_host: tuple[DashboardHost, str], app: LiveApp, path: str, query: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="UTC")
    page = context.new_page()
    host, origin = dashboard_host
    host.html = host_page(app.page_url(path) + query, app.token("admin@example.com"))
    page.goto(f"{origin}/dashboard/apps/amazon")
    return page


def test_processing_errors_have_filters_pages_and_say_that_e_mail_is_not_configured(
    app: LiveApp, browser: Browser, dashboard_host: tuple[DashboardHost, str], tmp_path: Path
) -> None:
    run_on_own_loop(_record_errors(f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}", app.saleor.api_url))
    page = open_in(browser, dashboard_host, app, "/dashboard/processing-errors", "&locale=en")
    try:
        ui = DashboardPage(page)
        rows = ui.by_test_id("processing-error")
        expect(rows).to_have_count(25)
        expect(ui.by_test_id("page-label")).to_have_text("1–25 of 31")
        # The test app has no SMTP server: the page says so instead of "not e-mailed yet" forever.
        expect(ui.by_test_id("email-not-configured")).to_contain_text("E-mail is not configured")
        expect(rows.first.get_by_test_id("error-meta")).to_have_text(
            "8560 · Mar 7, 2026, 09:34 AM UTC · not e-mailed: e-mail is not configured"
        )
        ui.by_test_id("next-page").click()
        expect(ui.by_test_id("page-label")).to_have_text("26–31 of 31")
        # The search box's pause timer (300 ms) must not send staff back to the first page once it fires.
        page.wait_for_timeout(600)
        expect(ui.by_test_id("page-label")).to_have_text("26–31 of 31")
        expect(rows).to_have_count(6)
        ui.screenshot("processing-errors")
        ui.choose(ui.by_test_id("filter-kind"), "Shipment")
        expect(ui.by_test_id("page-label")).to_have_text("1–1 of 1")
        expect(rows.first).to_contain_text("Order 114-1234567-7654321")
        ui.choose(ui.by_test_id("filter-kind"), "All kinds")
        ui.fill(ui.by_test_id("filter-search"), "mug-07")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("SKU MUG-07")
    finally:
        page.context.close()

    # Dates follow the dashboard's language (App Bridge's locale), in the same one format on every page.
    page = open_in(browser, dashboard_host, app, "/dashboard/processing-errors", "&locale=de")
    try:
        ui = DashboardPage(page)
        expect(ui.by_test_id("error-meta").first).to_contain_text("7. März 2026, 09:34 UTC")
        page.evaluate("window.setLocale('fr')")  # the staff user switches the dashboard's language
        expect(ui.by_test_id("error-meta").first).to_contain_text("7 mars 2026, 09:34 UTC")
    finally:
        page.context.close()
