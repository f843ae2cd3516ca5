"""Browser tests of the outgoing actions in the order widget (real Chromium; the test host page plays the
dashboard's side of App Bridge). A package of their own, as Playwright's sync API keeps an event loop running."""

from __future__ import annotations

import pytest

from tests.browser.launch import browser, dashboard_host, mark_browser_tests

__all__ = ["browser", "dashboard_host"]  # package-scoped fixtures: one browser and one host page for this package


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_browser_tests(items, "tests/fulfilment/browser/")
