"""Browser tests of the authorization banner and the homepage widget (real Chromium, the test host page playing
the dashboard's side of App Bridge). In a package of their own: Playwright's sync API keeps an event loop running
in the main thread while the browser is open, which would stop the asyncio tests next to them."""

from __future__ import annotations

import pytest

from tests.browser.launch import browser, dashboard_host, mark_browser_tests

__all__ = ["browser", "dashboard_host"]  # package-scoped fixtures: one browser and one host page for this package


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_browser_tests(items, "tests/connections/browser/")
