"""Drives the configuration page inside the host page's iframe, the way a person uses the form."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import FrameLocator, Page

from tests.browser.harness import SCREENSHOTS


class DashboardPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.frame: FrameLocator = page.frame_locator("#app")

    def by_test_id(self, test_id: str) -> Any:
        return self.frame.get_by_test_id(test_id)

    def choose(self, scope: Any, option: str) -> None:
        """Picks an option of a macaw-ui Select (a downshift combobox whose options are role=option)."""
        scope.get_by_role("combobox").click()
        self.frame.get_by_role("option", name=option, exact=True).click()

    def fill(self, scope: Any, value: str, selector: str = "input") -> None:
        scope.locator(selector).fill(value)

    def tick(self, scope: Any) -> None:
        scope.get_by_role("checkbox").click()

    def dashboard_actions(self, kind: str) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = json.loads(self.page.evaluate("JSON.stringify(window.dashboard.actions)"))
        return [a["payload"] for a in actions if a["type"] == kind]

    def screenshot(self, name: str, *, max_height: int | None = None, width: int = 1280) -> None:
        """A full-length picture of the app's page: the iframe is fitted to its content first (the page's own
        height, not the host's tall iframe)."""
        app_frame = next(f for f in self.page.frames if f.url.startswith("http://127.0.0.1"))
        if width != 1280:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.wait_for_timeout(200)  # narrower: the content reflows before it is measured
        height = int(app_frame.evaluate("document.getElementById('root').scrollHeight")) + 16
        height = min(height, max_height) if max_height else height
        self.page.evaluate(f"document.getElementById('app').style.height = '{height}px'")
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.wait_for_timeout(200)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def body_background_luminance(self) -> float:
        app_frame = next(f for f in self.page.frames if f.url.startswith("http://127.0.0.1"))
        color = str(app_frame.evaluate("getComputedStyle(document.body).backgroundColor"))
        channels = [float(c) for c in color[color.index("(") + 1 : color.index(")")].split(",")[:3]]
        return (0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]) / 255
