"""The configuration page's carrier mapping in real Chromium: an open field offering Amazon's known codes, any code
kept, and a warning while no shipping method is mapped."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import LiveApp

OpenDashboard = Callable[..., Page]
OUTGOING = "query { configuration { outgoing { carrierMappings { shippingMethod carrierCode carrierName } } } }"


def test_any_carrier_code_is_kept_and_known_ones_are_suggested(open_dashboard: OpenDashboard, app: LiveApp) -> None:
    page = open_dashboard()
    ui = DashboardPage(page)
    section = ui.by_test_id("section-outgoing")
    expect(section).to_be_visible(timeout=20_000)
    expect(section.get_by_test_id("carrier-warning")).to_contain_text("No shipping method is mapped")
    suggestions = ui.frame.locator("datalist#amazon-carrier-codes option")
    expect(suggestions.first).to_be_attached()
    assert {"YamatoTransport", "SagawaExpress", "Other"} <= {o.get_attribute("value") for o in suggestions.all()}

    section.get_by_test_id("add-carrier-mapping").click()
    mapping = section.get_by_test_id("carrier-mapping")
    mapping.get_by_role("combobox").first.click()  # the shipping method (a macaw-ui Select)
    ui.frame.get_by_role("option", name="Standard (amazon-us)", exact=True).click()
    code = mapping.get_by_test_id("carrier-code")
    code.locator("input").fill("SEINO TRANSPORTATION")  # not among the suggestions
    section.get_by_test_id("save-outgoing").click()
    expect(section.get_by_test_id("outgoing-message")).to_have_text("Saved.")
    expect(section.get_by_test_id("carrier-warning")).to_have_count(0)
    expect(section.get_by_test_id("unmapped-methods")).to_contain_text("Express")  # Standard is mapped now
    expect(section.get_by_test_id("unmapped-methods")).not_to_contain_text("Standard")
    saved = app.graphql(OUTGOING, app.token("admin@example.com"))["data"]["configuration"]["outgoing"]
    [stored] = saved["carrierMappings"]
    assert (stored["carrierCode"], stored["carrierName"]) == ("SEINO TRANSPORTATION", None)
