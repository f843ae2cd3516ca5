"""Small public pages the manifest links to (homepage, support, data privacy) and the health probes."""

from __future__ import annotations

from html import escape

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

from saleor_asc_app.state import AppState

INFO_PAGES = {
    "about": (
        "Amazon Seller Central for Saleor",
        "Imports Amazon orders into Saleor exactly once with totals reconciled to the cent, keeps buyer data "
        "encrypted inside the app under Amazon's Data Protection Policy, and confirms shipments and stock levels "
        "back to Amazon. Install it from the Saleor dashboard with this server's /api/manifest URL.",
    ),
    "support": (
        "Support",
        "Problems with an import or a shipment are listed in the app's pages inside the Saleor dashboard, with the "
        "reason Amazon or Saleor gave. Operators find the job states and the logs of this server in its "
        "documentation (README.md and ARCHITECTURE.md).",
    ),
    "privacy": (
        "Data privacy",
        "Amazon buyer names, addresses, e-mail addresses and phone numbers never enter Saleor: Saleor orders carry "
        "placeholders. The real data is stored encrypted (AES-256-GCM) in this app, shown only to staff in the "
        "permission group the store configured as 'View Amazon PII', every view is audited, and the data is "
        "deleted 30 days after delivery, or at once when the app is removed from the store.",
    ),
}


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>{escape(title)}</title><body style='font-family:system-ui;max-width:40rem;margin:3rem auto'>"
        f"<h1>{escape(title)}</h1><p>{escape(body)}</p></body></html>"
    )


async def info_page(request: Request) -> HTMLResponse:
    title, body = INFO_PAGES[request.url.path.strip("/")]
    return HTMLResponse(_page(title, body))


async def health(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    state: AppState = request.app.state.asc
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
