"""Links into the Saleor dashboard. Saleor serves its dashboard at ``<origin>/dashboard/`` and an installed app's
page at ``extensions/app/<app id>``; the dashboard passes its own query string on to the app's iframe, so a marker
added here reaches the app's page."""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from saleor_asc_app.db.models import Installation

DASHBOARD_PATH = "/dashboard/"


def dashboard_app_url(installation: Installation, params: dict[str, str] | None = None) -> str:
    parts = urlsplit(installation.saleor_api_url)
    url = f"{parts.scheme}://{parts.netloc}{DASHBOARD_PATH}extensions/app/{quote(installation.app_id, safe='')}"
    return f"{url}?{urlencode(params)}" if params else url
