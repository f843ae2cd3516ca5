"""``GET /metrics`` behind the optional bearer token (``ASC_METRICS_TOKEN``) and the start-up warning without one."""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from tests.harness import app_env

TOKEN = "metrics-token-for-tests-0123456789"
PRODUCTION: dict[str, Any] = {
    "lwa_client_id": "amzn1.application-oa2-client.test",
    "lwa_client_secret": "lwa-secret-for-tests",
}


def open_endpoint_warnings(logs: list[MutableMapping[str, Any]]) -> list[MutableMapping[str, Any]]:
    return [e for e in logs if e["event"] == "metrics endpoint without a token"]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer",
    ],
)
async def test_token_set_refuses_requests_without_it(
    sqlite_url: str, tmp_path: Path, authorization: str | None
) -> None:
    async with app_env(sqlite_url, tmp_path, metrics_token=TOKEN) as env:
        headers = {"authorization": authorization} if authorization is not None else {}
        response = await env.client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'
    assert "asc_" not in response.text and TOKEN not in response.text


async def test_token_set_answers_with_it(sqlite_url: str, tmp_path: Path) -> None:
    with capture_logs() as logs:
        async with app_env(sqlite_url, tmp_path, metrics_token=TOKEN, **PRODUCTION) as env:
            response = await env.client.get("/metrics", headers={"authorization": f"bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "asc_installations 0" in response.text.splitlines()
    assert open_endpoint_warnings(logs) == []


async def test_no_token_outside_demo_mode_answers_anyone_and_warns_once(sqlite_url: str, tmp_path: Path) -> None:
    with capture_logs() as logs:
        async with app_env(sqlite_url, tmp_path, **PRODUCTION) as env:
            first = await env.client.get("/metrics")
            second = await env.client.get("/metrics", headers={"authorization": "Bearer anything"})
    assert first.status_code == second.status_code == 200
    (warning,) = open_endpoint_warnings(logs)
    assert warning["log_level"] == "warning"
    assert "ASC_METRICS_TOKEN" in warning["hint"]


async def test_no_token_in_demo_mode_does_not_warn(sqlite_url: str, tmp_path: Path) -> None:
    with capture_logs() as logs:
        async with app_env(sqlite_url, tmp_path) as env:
            assert env.state.settings.demo_mode
            response = await env.client.get("/metrics")
    assert response.status_code == 200
    assert open_endpoint_warnings(logs) == []


async def test_an_empty_token_counts_as_unset(sqlite_url: str, tmp_path: Path) -> None:
    with capture_logs() as logs:
        async with app_env(sqlite_url, tmp_path, metrics_token="", **PRODUCTION) as env:
            response = await env.client.get("/metrics")
    assert response.status_code == 200
    assert len(open_endpoint_warnings(logs)) == 1
