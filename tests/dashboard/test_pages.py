"""The app serves the built pages at the manifest's appUrl and below it, and their assets."""

from __future__ import annotations

import re

import pytest

from saleor_asc_app.dashboard.pages import STATIC_DIR
from tests.dashboard.conftest import Env


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        "/dashboard/",
        "/dashboard/orders",
        "/dashboard/widgets/order",
        "/dashboard/widgets/home",
        "/dashboard/audit",
    ],
)
async def test_page_paths_serve_the_app(env: Env, path: str) -> None:
    response = await env.client.get(path, params={"saleorApiUrl": env.tenant.api_url, "theme": "dark"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in response.text
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp


async def test_assets_are_served_and_cacheable(env: Env) -> None:
    index = (await env.client.get("/dashboard")).text
    scripts = re.findall(r'src="(/dashboard/assets/[^"]+\.js)"', index)
    styles = re.findall(r'href="(/dashboard/assets/[^"]+\.css)"', index)
    assert scripts and styles
    for url in scripts + styles:
        response = await env.client.get(url)
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]


async def test_unknown_pages_and_assets_are_404(env: Env) -> None:
    assert (await env.client.get("/dashboard/nothing-here")).status_code == 404
    assert (await env.client.get("/dashboard/assets/missing.js")).status_code == 404


def test_committed_build_matches_its_index() -> None:
    index = (STATIC_DIR / "index.html").read_text()
    for asset in re.findall(r'/dashboard/(assets/[^"]+)"', index):
        assert (STATIC_DIR / asset).is_file(), asset
