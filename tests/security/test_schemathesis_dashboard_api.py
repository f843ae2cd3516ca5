"""schemathesis against the dashboard GraphQL API, in process: queries and mutations generated from the schema the
app serves, sent with a valid MANAGE_APPS dashboard token and with none. No answer may be a server error or an
internal error; without a token nothing runs."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok
from schemathesis.schemas import APIOperation

from saleor_asc_app.dashboard.schema import build_schema
from tests.harness import AppEnv

SCHEMA = schemathesis.graphql.from_file(build_schema(debug=False).as_str())


def _parsed(result: Ok[APIOperation[Any, Any, Any, Any]] | Err[InvalidSchema]) -> APIOperation[Any, Any, Any, Any]:
    assert isinstance(result, Ok), result  # the app's own schema parses
    return result.ok()


OPERATIONS = [_parsed(result) for result in SCHEMA.get_all_operations()]
CASES = st.one_of(*(operation.as_strategy() for operation in OPERATIONS))
SHORT = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck))


def admin_token(env: AppEnv) -> str:
    user = env.saleor.state.staff_by_email("admin@example.com")
    assert user is not None and env.saleor_app is not None
    return env.saleor.issue_dashboard_token(user, env.saleor_app)


async def send(env: AppEnv, case: Any, token: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json", "saleor-api-url": env.saleor.api_url}
    if token is not None:
        headers["authorization-bearer"] = token
    response = await env.client.post("/api/graphql", json={"query": case.body}, headers=headers)
    return response.status_code, response.json()


async def check(env: AppEnv, case: Any) -> None:
    status, body = await send(env, case, admin_token(env))
    assert status < 500, (case.body, status, body)
    internal = [e for e in body.get("errors") or [] if (e.get("extensions") or {}).get("code") == "INTERNAL"]
    assert internal == [], (case.body, body)
    status, body = await send(env, case, None)
    assert status == 401 and body["data"] is None, (case.body, status, body)


def test_every_operation_is_generated() -> None:
    assert {op.label for op in OPERATIONS} >= {"Query.appStatus", "Mutation.saveConfiguration"}


@SHORT
@given(case=CASES)
async def test_generated_queries_and_mutations(installed_sqlite: AppEnv, case: Any) -> None:
    await check(installed_sqlite, case)


@pytest.mark.slow
@LONG
@given(case=CASES)
async def test_generated_queries_and_mutations_long(installed_sqlite: AppEnv, case: Any) -> None:
    await check(installed_sqlite, case)
