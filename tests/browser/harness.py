"""Runs the app on a real port (uvicorn in a thread) with a Saleor fake reachable by the app, and a host page
that plays the Saleor dashboard's side of App Bridge for the app's iframe."""

from __future__ import annotations

import asyncio
import json
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

from saleor_asc_app.app import create_app
from saleor_asc_app.clock import SystemClock
from saleor_asc_app.configuration import tables
from saleor_asc_app.db.base import Base
from saleor_asc_app.db.migrate import upgrade_async
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.installations import save as save_installation
from saleor_asc_app.settings import Settings
from tests.dashboard.conftest import SECRET_KEY, HostRouter
from tests.dashboard.saleor_fake import FakeSaleor

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _prepare_database(database_url: str, saleor: FakeSaleor, settings: Settings) -> None:
    from saleor_asc_app.crypto import SecretBox

    await upgrade_async(database_url)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        # Until the migrations include the configuration tables (the lead regenerates them), create them here.
        await conn.run_sync(
            Base.metadata.create_all,
            tables=[tables.StoredConfiguration.__table__, tables.ConfigurationChange.__table__],
            checkfirst=True,
        )
    async with create_sessionmaker(engine)() as session, session.begin():
        await save_installation(
            session,
            saleor_api_url=saleor.api_url,
            app_id=saleor.app_id,
            token=saleor.app_token,
            jwks=saleor.jwks_text(),
            schema_version="3.23",
            box=SecretBox(settings.master_key),
            now=SystemClock().now(),
        )
    await engine.dispose()


@dataclass
class LiveApp:
    base_url: str
    saleor: FakeSaleor

    def page_url(self, path: str = "/dashboard", theme: str = "light") -> str:
        query = httpx.QueryParams(
            {
                "domain": "shop-a.example.com",
                "saleorApiUrl": self.saleor.api_url,
                "id": self.saleor.app_id,
                "theme": theme,
            }
        )
        return f"{self.base_url}{path}?{query}"

    def token(self, email: str, ttl: int = 300) -> str:
        user = next(s for s in self.saleor.staff if s.email == email)
        return self.saleor.token(user, ttl=ttl)

    def graphql(self, query: str, token: str) -> dict[str, object]:
        response = httpx.post(
            f"{self.base_url}/api/graphql",
            json={"query": query},
            headers={"authorization-bearer": token, "saleor-api-url": self.saleor.api_url},
            timeout=30,
        )
        body: dict[str, object] = response.json()
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
def live_app(database_url: str, data_dir: Path, saleor: FakeSaleor) -> Iterator[LiveApp]:
    settings = Settings(database_url=database_url, secret_key=SECRET_KEY, data_dir=data_dir)
    # Playwright's sync API keeps an event loop running in this thread; the set-up runs on a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _prepare_database(database_url, saleor, settings)).result()
    outgoing = httpx.AsyncClient(transport=HostRouter({"shop-a.example.com": saleor.app}))
    app = create_app(settings, http_client=outgoing, run_worker=False)
    with serve(app) as port:
        yield LiveApp(f"http://127.0.0.1:{port}", saleor)


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
    `notifyReady`, a `response` for every action, and hooks the test uses to send `tokenRefresh` and `theme`."""
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
</script>
</body></html>"""
