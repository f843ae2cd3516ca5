"""Browser tests of the order inbox page (real Chromium; the test host page plays the
dashboard's side of App Bridge). A package of their own, as Playwright's sync API keeps an event loop running."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, DashboardHost, serve


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/orders/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (apt-get install chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def dashboard_host() -> Iterator[tuple[DashboardHost, str]]:
    host = DashboardHost()
    with serve(host.app) as port:
        yield host, f"http://localhost:{port}"
