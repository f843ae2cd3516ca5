"""Saving the configuration on the page starts the order import of every authorized connection (in the same
transaction as the save), and only of those."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from saleor_asc_app.jobs.models import Job
from tests.dashboard.conftest import Env
from tests.dashboard.payloads import SAVE, valid_input


async def jobs_of(env: Env, kind: str) -> list[Job]:
    async with env.state.sessionmaker() as session:
        return list((await session.scalars(select(Job).where(Job.kind == kind))).all())


async def save(env: Env, data: dict[str, Any], version: int) -> dict[str, Any]:
    response = await env.gql(SAVE, {"input": data, "expectedVersion": version}, token=env.token())
    body: dict[str, Any] = response.json()
    assert body["data"]["saveConfiguration"]["errors"] == [], body
    return body


async def test_saving_an_authorized_connection_starts_its_order_sync_once(env: Env) -> None:
    data = valid_input(env.tenant)
    data["connections"][0]["refreshToken"] = None
    body = await save(env, data, 0)
    assert await jobs_of(env, "orders.sync") == []  # no authorization, nothing to sync
    connection_id = body["data"]["saveConfiguration"]["configuration"]["connections"][0]["id"]

    data["connections"][0] |= {"id": connection_id, "refreshToken": "Atzr|IwEBIExampleRefreshTokenForTests"}
    await save(env, data, 1)
    data["connections"][0]["refreshToken"] = None  # None on a later save: keep the stored token
    data["orderProcessing"]["ignoredOrderIds"] = []
    await save(env, data, 2)

    syncs = await jobs_of(env, "orders.sync")
    assert [job.payload for job in syncs] == [{"connection_id": connection_id}], "one standing sync per connection"
    assert len(await jobs_of(env, "orders.write")) == 1
