"""Debian's Chromium and the dashboard host page, shared by every browser test package and the dashboard benchmark.

Each browser test package opens its own browser (package-scoped fixtures): Playwright's sync API keeps an event
loop running in the main thread while it is open, which would stop the asyncio tests collected after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, DashboardHost, serve


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium is needed at {CHROMIUM} (apt-get install chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def dashboard_host_server() -> Iterator[tuple[DashboardHost, str]]:
    """The host page on ``http://localhost:<port>``; yields it and that origin."""
    host = DashboardHost()
    with serve(host.app) as port:
        yield host, f"http://localhost:{port}"


def mark_browser_tests(items: list[pytest.Item], folder: str) -> None:
    for item in items:
        if folder in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


# Package-scoped fixtures for the browser test packages: a package's conftest imports them (one browser per package).
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="package")
def dashboard_host() -> Iterator[tuple[DashboardHost, str]]:
    with dashboard_host_server() as host:
        yield host
