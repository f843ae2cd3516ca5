"""Time to first render of a dashboard page in headless Chromium, inside the host page that plays App Bridge.

The app runs on a real port (uvicorn in a thread, SQLite, installed into a seeded Saleor double: the browser test
harness, ``tests/browser/harness.py``). A script added to every document records, in the app's iframe, when the
page's first meaningful element (for the configuration page its ``h1``, which it renders once its data is in)
enters the DOM and the next animation frame after that (when it is painted), as epoch milliseconds
(``performance.timeOrigin + now()``). Measured from the top-level navigation start (the dashboard page's
``timeOrigin``: the full path, host page, iframe, App Bridge handshake, token, GraphQL) and from the iframe's own
navigation start (the app's part alone).

Cold: every load in a new browser context (empty HTTP cache). Warm: one context, one load to fill the cache, then
the measured loads (the assets are served ``immutable``, so they come from the cache; ``index.html`` is
``no-cache`` and revalidated).
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext

from tests.browser.harness import DashboardHost, LiveApp, host_page, live_app
from tests.browser.launch import chromium, dashboard_host_server

ADMIN = "admin@example.com"


@dataclass(frozen=True)
class PageTarget:
    path: str
    selector: str
    text: str  # the element must contain it (the configuration page's heading, not a loading message)


PAGES = {
    "configuration": PageTarget("/dashboard", "h1", "Amazon Seller Central"),
    "processing-errors": PageTarget("/dashboard/processing-errors", "h1", "File Processing Errors"),
    # The inbox's first meaningful element is its table, or the empty state (the benchmark's store has no orders).
    "orders": PageTarget("/dashboard/orders", '[data-testid="orders-table"], [data-testid="no-orders"]', ""),
}


def _recorder(target: PageTarget) -> str:
    return f"""(() => {{
  const bench = (window.__bench = {{ origin: performance.timeOrigin }});
  if (window.top === window) return;
  const now = () => performance.timeOrigin + performance.now();
  new PerformanceObserver((list) => {{
    for (const e of list.getEntries())
      if (e.name === "first-contentful-paint") bench.fcp = performance.timeOrigin + e.startTime;
  }}).observe({{ type: "paint", buffered: true }});
  const check = () => {{
    // The bridge is ready when the "Connecting to the Saleor dashboard…" placeholder is replaced by the page.
    const waiting = document.querySelector('[data-testid="waiting-for-dashboard"]');
    if (waiting) bench.waiting ??= now();
    else if (bench.waiting && !bench.bridged) bench.bridged = now();
    if (bench.inserted) return;
    for (const el of document.querySelectorAll({json.dumps(target.selector)})) {{
      if (!el.textContent.includes({json.dumps(target.text)})) continue;
      bench.inserted = now();
      requestAnimationFrame(() => {{ bench.painted = now(); }});
      return;
    }}
  }};
  new MutationObserver(check).observe(document, {{ subtree: true, childList: true, characterData: true }});
}})();"""


@dataclass(frozen=True)
class Load:
    """Milliseconds. ``total`` from the top-level navigation start, the others from the iframe's."""

    total_ms: float  # → element painted
    app_ms: float  # → element painted
    app_fcp_ms: float  # → first contentful paint (the "Connecting to the Saleor dashboard…" spinner)
    html_ms: float  # → index.html received (responseEnd)
    scripts_ms: float  # → DOMContentLoaded done (the module script fetched and run)
    bridged_ms: float  # → App Bridge handshake done, page mounted (its own loading state)
    api_ms: float  # time spent in /api/graphql requests before the element appeared (sum of durations)


RESOURCES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const api = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/graphql"));
  return { responseEnd: nav.responseEnd, dcl: nav.domContentLoadedEventEnd,
           api: api.map((e) => [e.startTime, e.responseEnd]) };
}"""


@dataclass(frozen=True)
class Summary:
    mode: str
    loads: int
    total_median: float
    total_p90: float
    app_median: float
    app_p90: float
    medians: dict[str, float]  # of every Load field: where the time goes


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]  # nearest rank


def summarize(mode: str, loads: list[Load]) -> Summary:
    total = [x.total_ms for x in loads]
    app = [x.app_ms for x in loads]
    medians = {
        name: round(statistics.median([getattr(x, name) for x in loads]), 1) for name in Load.__dataclass_fields__
    }
    return Summary(
        mode,
        len(loads),
        round(statistics.median(total), 1),
        round(p90(total), 1),
        round(statistics.median(app), 1),
        round(p90(app), 1),
        medians,
    )


class Bench:
    def __init__(self, browser: Browser, app: LiveApp, host: DashboardHost, host_origin: str, target: PageTarget):
        self.browser, self.app, self.host, self.host_origin, self.target = browser, app, host, host_origin, target

    def context(self) -> BrowserContext:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        context.add_init_script(_recorder(self.target))
        return context

    def load(self, context: BrowserContext, timeout_ms: float = 30_000) -> Load:
        self.host.html = host_page(self.app.page_url(self.target.path), self.app.token(ADMIN))
        page = context.new_page()
        try:
            page.goto(f"{self.host_origin}/dashboard/apps/amazon")
            top = page.evaluate("window.__bench.origin")
            frame = next(f for f in page.frames if f.url.startswith(self.app.base_url))
            # Polled from here: the app's CSP (script-src 'self') refuses wait_for_function's eval. The marks are
            # taken in the page, so the polling interval does not enter the figures.
            deadline = time.monotonic() + timeout_ms / 1000
            while not (marks := frame.evaluate("() => window.__bench")).get("painted"):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.target.selector} with {self.target.text!r} did not appear")
                time.sleep(0.02)
            timing = frame.evaluate(RESOURCES)
            # Let the page's own requests finish, so closing it does not cut one off (the server would log it).
            page.wait_for_load_state("networkidle")
        finally:
            page.close()
        origin = marks["origin"]
        painted = marks["painted"] - origin
        return Load(
            total_ms=marks["painted"] - top,
            app_ms=painted,
            app_fcp_ms=marks.get("fcp", math.nan) - origin,
            html_ms=timing["responseEnd"],
            scripts_ms=timing["dcl"],
            bridged_ms=marks.get("bridged", math.nan) - origin,
            api_ms=sum(min(end, painted) - start for start, end in timing["api"] if start < painted),
        )

    def cold(self, count: int) -> list[Load]:
        loads = []
        for _ in range(count):
            context = self.context()
            try:
                loads.append(self.load(context))
            finally:
                context.close()
        return loads

    def warm(self, count: int) -> list[Load]:
        context = self.context()
        try:
            self.load(context)  # fills the cache; not counted
            return [self.load(context) for _ in range(count)]
        finally:
            context.close()


@contextmanager
def running(data_dir: Path, target: PageTarget) -> Iterator[Bench]:
    with (
        live_app(f"sqlite+aiosqlite:///{data_dir / 'app.sqlite3'}", data_dir) as app,
        dashboard_host_server() as (host, origin),
        chromium() as browser,
    ):
        yield Bench(browser, app, host, origin, target)
