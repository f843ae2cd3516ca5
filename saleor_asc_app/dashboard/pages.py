"""Serves the built dashboard pages (``saleor_asc_app/static/dashboard``): the single-page app's index for each
page path, and its hashed assets. The manifest's ``appUrl`` is ``<app base URL>`` + ``APP_PATH``."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "dashboard"
APP_PATH = "/dashboard"

# Page paths under APP_PATH, as the front end's router knows them (dashboard_extension/src/routes.ts).
CONFIGURATION_PAGE = ""
ORDERS_PAGE = "/orders"
AUDIT_PAGE = "/audit"
PROCESSING_ERRORS_PAGE = "/processing-errors"
ORDER_WIDGET = "/widgets/order"
HOME_WIDGET = "/widgets/home"
PAGES = (CONFIGURATION_PAGE, ORDERS_PAGE, AUDIT_PAGE, PROCESSING_ERRORS_PAGE, ORDER_WIDGET, HOME_WIDGET)

# The pages run inside the Saleor dashboard's iframe, whatever its origin; everything else stays same-origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *",
    )
)
PAGE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


class _ImmutableAssets(StaticFiles):
    """Assets carry a content hash in their name, so browsers may keep them for good."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
            response.headers["x-content-type-options"] = "nosniff"
        return response


def _page_endpoint(static_dir: Path) -> object:
    index = static_dir / "index.html"

    async def page(request: Request) -> Response:
        if not index.is_file():
            return PlainTextResponse("The dashboard pages are not built. Run scripts/build-dashboard.", status_code=503)
        return FileResponse(index, media_type="text/html", headers=PAGE_HEADERS)

    return page


def routes(static_dir: Path = STATIC_DIR) -> list[BaseRoute]:
    endpoint = _page_endpoint(static_dir)
    page_routes: list[BaseRoute] = []
    for page in PAGES:
        paths = [APP_PATH + page] + ([APP_PATH + "/"] if page == CONFIGURATION_PAGE else [])
        page_routes += [Route(path, endpoint, methods=["GET", "HEAD"]) for path in paths]  # type: ignore[arg-type]
    assets = _ImmutableAssets(directory=static_dir / "assets", check_dir=False)
    return [*page_routes, Mount(f"{APP_PATH}/assets", app=assets, name="dashboard-assets")]
