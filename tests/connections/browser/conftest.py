"""Browser tests of the authorization banner and the homepage widget (real Chromium, the test host page playing
the dashboard's side of App Bridge). In a package of their own: Playwright's sync API keeps an event loop running
in the main thread while the browser is open, which would stop the asyncio tests next to them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.harness import DashboardHost
from tests.browser.launch import chromium, dashboard_host_server, mark_browser_tests


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_browser_tests(items, "tests/connections/browser/")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="package")
def dashboard_host() -> Iterator[tuple[DashboardHost, str]]:
    with dashboard_host_server() as host:
        yield host
