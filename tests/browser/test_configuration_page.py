"""The configuration page in real Chromium, inside a host page that plays the Saleor dashboard's side of App Bridge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Request, expect

from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import LiveApp

OpenDashboard = Callable[..., Page]

CONFIGURATION = """query { configuration { version
  connections { sellerId marketplaceIds state }
  channelMappings { marketplaceId channelSlug importEnabled }
  mfnWarehouseId fbaWarehouseId shippingMethodMappings { channelSlug serviceLevel shippingMethodId }
  orderProcessing { ignoredOrderIds inventorySyncEnabled inventoryBuffer }
  piiPermissionGroupId notifications { fileProcessingErrors { kind value } } } }"""


def test_fill_validate_and_save_after_a_token_refresh(open_dashboard: OpenDashboard, app: LiveApp) -> None:
    # The page opens with the token of an order manager who lacks MANAGE_APPS: it shows the form read-only.
    page = open_dashboard(email="eu.manager@example.com")
    ui = DashboardPage(page)
    expect(ui.by_test_id("read-only-notice")).to_be_visible()
    expect(ui.by_test_id("save")).to_be_disabled()

    api_requests: list[Request] = []
    page.on("request", lambda r: api_requests.append(r) if r.url.endswith("/api/graphql") else None)

    # The dashboard refreshes the token (now an administrator's): the same page may save.
    admin_token = app.token("admin@example.com")
    page.evaluate("token => window.refreshToken(token)", admin_token)
    expect(ui.by_test_id("read-only-notice")).to_be_hidden()
    expect(ui.by_test_id("save")).to_be_enabled()

    ui.by_test_id("add-connection").click()
    connection = ui.by_test_id("connection-0")
    ui.fill(connection.get_by_test_id("seller-id"), "a2example1seller")
    ui.fill(connection.get_by_test_id("refresh-token"), "Atzr|IwEBIBrowserTestRefreshToken")
    ui.tick(connection.get_by_test_id("marketplace-DE"))
    ui.tick(connection.get_by_test_id("marketplace-GB"))
    ui.choose(ui.by_test_id("mapping-DE").get_by_test_id("channel"), "Amazon DE (EUR)")
    ui.tick(ui.by_test_id("mapping-DE").get_by_test_id("import-enabled"))
    ui.choose(ui.by_test_id("mapping-GB").get_by_test_id("channel"), "Amazon DE (EUR)")  # wrong currency
    ui.fill(ui.by_test_id("ignored-orders"), "123-1234567-1234567\n12-34", "textarea")
    ui.by_test_id("save").click()

    expect(ui.by_test_id("error-summary")).to_be_visible()
    expect(ui.by_test_id("mapping-GB")).to_contain_text("uses EUR, but amazon.co.uk (GB) sells in GBP")
    expect(ui.by_test_id("section-warehouses")).to_contain_text("Choose the warehouse that ships orders you fulfil")
    expect(ui.by_test_id("ignored-orders")).to_contain_text("“12-34” is not an Amazon order id")
    assert ui.dashboard_actions("notification")[-1]["status"] == "error"
    ui.screenshot("configuration-validation-errors-light")
    assert app.graphql(CONFIGURATION, admin_token)["data"]["configuration"]["version"] == 0

    ui.choose(ui.by_test_id("mapping-GB").get_by_test_id("channel"), "Amazon UK (GBP)")
    ui.choose(ui.by_test_id("mfn-warehouse"), "EU warehouse")
    ui.choose(ui.by_test_id("fba-warehouse"), "Amazon FBA")
    ui.choose(ui.by_test_id("shipping-amazon-de").get_by_test_id("service-level-STANDARD"), "Standard")
    ui.choose(ui.by_test_id("shipping-amazon-uk").get_by_test_id("service-level-NEXT_DAY"), "Express")
    ui.fill(ui.by_test_id("ignored-orders"), "123-1234567-1234567", "textarea")
    ui.tick(ui.by_test_id("inventory-sync"))
    ui.fill(ui.by_test_id("inventory-buffer"), "2")
    ui.choose(ui.by_test_id("pii-group"), "Amazon PII viewers")
    recipients = ui.by_test_id("recipients-fileProcessingErrors")
    expect(recipients.get_by_test_id("default-recipients")).to_contain_text("MANAGE_SETTINGS")
    recipients.get_by_test_id("add-recipient").click()
    ui.fill(recipients.get_by_test_id("recipient-0"), "ops@example.com", "input[type=email]")
    ui.by_test_id("save").click()

    expect(ui.by_test_id("saved-status")).to_contain_text("version 1")
    expect(ui.by_test_id("connection-0").get_by_test_id("connection-state")).to_have_text("Active")
    assert ui.dashboard_actions("notification")[-1] == {
        "status": "success",
        "title": "Configuration saved",
        "actionId": ui.dashboard_actions("notification")[-1]["actionId"],
    }
    ui.screenshot("configuration-saved-light")

    mutation = [r for r in api_requests if "SaveConfiguration" in (r.post_data or "")][-1]
    headers = mutation.all_headers()
    assert headers["authorization-bearer"] == admin_token
    assert headers["saleor-api-url"] == app.saleor.api_url

    stored: dict[str, Any] = app.graphql(CONFIGURATION, admin_token)["data"]["configuration"]
    assert stored["version"] == 1
    assert stored["connections"] == [
        {"sellerId": "A2EXAMPLE1SELLER", "marketplaceIds": ["A1PA6795UKMFR9", "A1F83G8C2ARO7P"], "state": "CONNECTED"}
    ]
    assert stored["channelMappings"] == [
        {"marketplaceId": "A1PA6795UKMFR9", "channelSlug": "amazon-de", "importEnabled": True},
        {"marketplaceId": "A1F83G8C2ARO7P", "channelSlug": "amazon-uk", "importEnabled": False},
    ]
    assert {m["serviceLevel"] for m in stored["shippingMethodMappings"]} == {"STANDARD", "NEXT_DAY"}
    assert stored["orderProcessing"] == {
        "ignoredOrderIds": ["123-1234567-1234567"],
        "inventorySyncEnabled": True,
        "inventoryBuffer": 2,
    }
    assert stored["piiPermissionGroupId"] == app.demo.groups["amazon-pii-viewers"].id
    assert stored["notifications"]["fileProcessingErrors"] == [{"kind": "EMAIL", "value": "ops@example.com"}]


def test_dark_theme_follows_the_dashboard(open_dashboard: OpenDashboard, app: LiveApp) -> None:
    page = open_dashboard(theme="dark")
    ui = DashboardPage(page)
    expect(ui.by_test_id("section-connections")).to_be_visible()
    ui.by_test_id("add-connection").click()
    ui.tick(ui.by_test_id("connection-0").get_by_test_id("marketplace-DE"))
    assert ui.body_background_luminance() < 0.2
    ui.screenshot("configuration-dark")
    page.evaluate("window.setTheme('light')")
    expect(ui.frame.locator("html")).to_have_attribute("data-theme", "light")
    assert ui.body_background_luminance() > 0.8


def test_redirect_to_permission_groups_goes_through_the_dashboard(open_dashboard: OpenDashboard) -> None:
    ui = DashboardPage(open_dashboard())
    expect(ui.by_test_id("pii-guidance")).to_contain_text("Apps cannot create permission groups")
    ui.by_test_id("open-permission-groups").click()
    ui.page.wait_for_function("() => window.dashboard.actions.some(a => a.type === 'redirect')", timeout=5000)
    assert ui.dashboard_actions("redirect")[0]["to"] == "/permission-groups/"


def test_no_page_is_a_placeholder_and_the_pages_link_to_each_other(open_dashboard: OpenDashboard, app: LiveApp) -> None:
    ui = DashboardPage(open_dashboard("/dashboard/orders"))
    expect(ui.by_test_id("orders-page")).to_be_visible()
    expect(ui.by_test_id("no-orders")).to_contain_text("No Amazon orders yet")
    expect(ui.by_test_id("placeholder")).to_have_count(0)
    # A link asks the dashboard to open the app's page (App Bridge accepts only the dashboard's messages, so the
    # iframe must not navigate by itself); the host then loads it as the dashboard does.
    for link, path, shown in (
        ("nav-processingErrors", "/processing-errors", "processing-errors-page"),
        ("nav-configuration", "/", "section-connections"),
        ("nav-orders", "/orders", "orders-page"),
    ):
        ui.by_test_id(link).click()
        ui.page.wait_for_function(
            "path => window.dashboard.actions.some(a => a.type === 'redirectToApp' && a.payload.path === path)",
            arg=path,
            timeout=5000,
        )
        request = ui.dashboard_actions("redirectToApp")[-1]
        assert request["appIdentifier"] == "saleor-asc-app.amazon-seller-central"
        ui.page.evaluate("url => { document.getElementById('app').src = url; }", app.page_url(f"/dashboard{path}"))
        expect(ui.by_test_id(shown)).to_be_visible()
        expect(ui.by_test_id("placeholder")).to_have_count(0)
