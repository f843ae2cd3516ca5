from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    DashboardHost,
    LiveApp,
    host_page,
    live_app,
    serve,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def _ensure_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (apt-get install chromium)")


# Package scope, not session: Playwright's sync API keeps an event loop running in the main thread while it is
# open, which would stop every asyncio test collected after tests/browser from running.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    _ensure_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[LiveApp]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    with live_app(database_url, tmp_path) as running:
        yield running


@pytest.fixture(scope="package")
def dashboard_host() -> Iterator[tuple[DashboardHost, str]]:
    host = DashboardHost()
    with serve(host.app) as port:
        yield host, f"http://localhost:{port}"


@pytest.fixture
def open_dashboard(browser: Browser, app: LiveApp, dashboard_host: tuple[DashboardHost, str]) -> Iterator[object]:
    """Opens an app page inside the test host page; returns the Playwright page."""
    contexts = []

    def open_page(path: str = "/dashboard", *, theme: str = "light", email: str = "admin@example.com") -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        host, origin = dashboard_host
        host.html = host_page(app.page_url(path, theme), app.token(email))
        page.goto(f"{origin}/dashboard/apps/amazon")
        return page

    yield open_page
    for context in contexts:
        context.close()
