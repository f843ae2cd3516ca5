"""Everything the dashboard pages need from the web app: the API and the pages themselves."""

from __future__ import annotations

from starlette.routing import BaseRoute

from saleor_asc_app.dashboard import api, pages
from saleor_asc_app.pii import http as pii_http
from saleor_asc_app.settings import Settings


def routes(settings: Settings) -> list[BaseRoute]:
    return [*api.routes(settings), *pii_http.routes(), *pages.routes()]
