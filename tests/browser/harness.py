"""Runs the app on a real port (uvicorn in a thread) with a Saleor fake reachable by the app, and a host page
that plays the Saleor dashboard's side of App Bridge for the app's iframe."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from saleor_asc_app.db.migrate import upgrade_async
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.doubles.saleor_double.seed import DemoStore
from tests.harness import HostRouter, build_app, seeded_store, test_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where the browser tests leave their pictures; scripts/screenshots points it elsewhere to refresh the README's.
SCREENSHOTS = Path(
    os.environ.get("ASC_SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _prepare_database(database_url: str) -> None:
    await upgrade_async(database_url)


async def _install(saleor: SaleorDouble, base_url: str) -> App:
    """Saleor's install flow against the running app: manifest fetch, then the token POST to /api/register."""
    async with httpx.AsyncClient(timeout=30) as client:
        result = await saleor.install(client, f"{base_url}/api/manifest")
    return result.app


def run_on_own_loop(coroutine: Any) -> Any:
    # Playwright's sync API keeps an event loop running in the test thread; these run on a loop of their own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class LiveApp:
    base_url: str
    saleor: SaleorDouble
    demo: DemoStore
    app: App

    def page_url(self, path: str = "/dashboard", theme: str = "light") -> str:
        query = httpx.QueryParams(
            {"domain": self.saleor.domain, "saleorApiUrl": self.saleor.api_url, "id": self.app.id, "theme": theme}
        )
        return f"{self.base_url}{path}?{query}"

    def token(self, email: str) -> str:
        user = self.saleor.state.staff_by_email(email)
        assert user is not None, email
        return self.saleor.issue_dashboard_token(user, self.app)

    def graphql(self, query: str, token: str) -> dict[str, Any]:
        response = httpx.post(
            f"{self.base_url}/api/graphql",
            json={"query": query},
            headers={"authorization-bearer": token, "saleor-api-url": self.saleor.api_url},
            timeout=30,
        )
        body: dict[str, Any] = response.json()
        return body


@contextmanager
def serve(app: Any) -> Iterator[int]:
    """Serves an ASGI app with uvicorn on a free loopback port, in a thread; yields the port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@contextmanager
def live_app(database_url: str, data_dir: Path) -> Iterator[LiveApp]:
    """The app on a real port, installed into a seeded Saleor double that it reaches over its HTTP client."""
    saleor, demo = seeded_store(api_url="https://shop.test/graphql/")
    run_on_own_loop(_prepare_database(database_url))
    outgoing = httpx.AsyncClient(transport=HostRouter({saleor.domain: saleor.transport()}), timeout=30)
    app = build_app(test_settings(database_url, data_dir), outgoing)
    with serve(app) as port:
        base_url = f"http://127.0.0.1:{port}"
        yield LiveApp(base_url, saleor, demo, run_on_own_loop(_install(saleor, base_url)))


class DashboardHost:
    """Serves the host page at ``http://localhost:<port>``: another origin than the app's (127.0.0.1), as the
    dashboard is in production, and still a secure context, which App Bridge needs for its action ids."""

    def __init__(self) -> None:
        self.html = "<!doctype html><title>no page yet</title>"
        self.app = Starlette(routes=[Route("/dashboard/apps/amazon", self._page)])

    async def _page(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self.html)


def host_page(iframe_url: str, token: str) -> str:
    """The dashboard's side of App Bridge: the iframe, the handshake with a signed token on load and on
    `notifyReady`, a `response` for every action, and hooks the test uses to send `tokenRefresh`, `theme` and
    `localeChanged`."""
    frame_origin = httpx.URL(iframe_url)
    origin = f"{frame_origin.scheme}://{frame_origin.host}:{frame_origin.port}"
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Saleor Dashboard (test host)</title>
<style>html,body{{margin:0;height:100%}} iframe{{border:0;width:100%;height:4200px;display:block}}</style></head>
<body>
<iframe id="app" src={json.dumps(iframe_url)}
  sandbox="allow-same-origin allow-forms allow-scripts allow-downloads allow-popups"></iframe>
<script>
  const appOrigin = {json.dumps(origin)};
  window.dashboard = {{ token: {json.dumps(token)}, actions: [], handshakes: 0 }};
  const frame = document.getElementById("app");
  function send(type, payload) {{ frame.contentWindow.postMessage({{ type, payload }}, appOrigin); }}
  function handshake() {{
    window.dashboard.handshakes += 1;
    const versions = {{ saleorVersion: "3.23.28", dashboardVersion: "3.23.27" }};
    send("handshake", {{ token: window.dashboard.token, version: 1, ...versions }});
  }}
  frame.addEventListener("load", handshake);
  window.addEventListener("message", (event) => {{
    if (event.origin !== appOrigin) return;
    const data = event.data || {{}};
    if (!data.payload || !data.payload.actionId) return;
    window.dashboard.actions.push({{ type: data.type, payload: data.payload }});
    if (data.type === "notifyReady") handshake();
    send("response", {{ actionId: data.payload.actionId, ok: true }});
  }});
  window.refreshToken = (token) => {{ window.dashboard.token = token; send("tokenRefresh", {{ token }}); }};
  window.setTheme = (theme) => send("theme", {{ theme }});
  window.setLocale = (locale) => send("localeChanged", {{ locale }});
</script>
</body></html>"""
