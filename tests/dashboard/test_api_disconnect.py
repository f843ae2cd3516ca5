"""A page that goes away while its request body is in flight: no 500, nothing logged as a failure, nothing run."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from tests.dashboard.conftest import Env
from tests.dashboard.test_api_auth import stored_rows


async def test_client_gone_mid_body_is_answered_without_a_server_error(env: Env) -> None:
    headers = [
        (b"host", b"app.test"),
        (b"content-type", b"application/json"),
        (b"authorization-bearer", env.token().encode()),
        (b"saleor-api-url", env.tenant.api_url.encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/graphql",
        "raw_path": b"/api/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("app.test", 80),
    }
    incoming: list[dict[str, Any]] = [
        {"type": "http.request", "body": b'{"query": "mutation { save', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await env.base.app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 400
    assert await stored_rows(env) == (0, 0)
