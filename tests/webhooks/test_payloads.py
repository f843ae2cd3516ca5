"""Webhook handlers get typed payloads: each model reads only fields its subscription selects (checked against the
recorded example bodies), and a stored body of the wrong shape fails its job with the fields named, never their
values, while the event stays stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import select

from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.fulfilment.cancellation import ORDER_CANCELLED
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.app_deleted import APP_DELETED
from saleor_asc_app.webhooks.registry import WebhookRegistry
from saleor_asc_app.wiring import default_job_registry, default_webhook_registry
from tests.contracts import REPO_ROOT
from tests.doubles.saleor_double import SaleorDouble
from tests.harness import AppEnv, app_env

RECORDED = REPO_ROOT / "webhooks" / "recorded"


def unread_or_different(model: BaseModel, body: dict[str, Any], path: str = "") -> list[str]:
    """Fields the model holds that the body lacks or holds otherwise (the body is what Saleor sends)."""
    problems: list[str] = []
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        where = f"{path}.{key}"
        if key not in body:
            problems.append(f"{where}: not in the subscription's payload")
            continue
        value, sent = getattr(model, name), body[key]
        if isinstance(value, BaseModel):
            problems += unread_or_different(value, sent, where)
        elif isinstance(value, list):
            assert isinstance(sent, list) and len(sent) == len(value), where
            for index, (item, raw) in enumerate(zip(value, sent, strict=True)):
                problems += unread_or_different(item, raw, f"{where}[{index}]")
        elif isinstance(value, datetime):
            if value != datetime.fromisoformat(sent):
                problems.append(f"{where}: {value} != {sent}")
        elif value != sent:
            problems.append(f"{where}: {value!r} != {sent!r}")
    return problems


@pytest.mark.parametrize("definition", default_webhook_registry().all(), ids=lambda d: d.event)
def test_each_handler_reads_only_what_its_subscription_selects(definition: Any) -> None:
    body = json.loads((RECORDED / f"{definition.event.lower()}.json").read_text())
    payload = definition.parse(body)
    assert isinstance(payload, definition.payload)
    assert unread_or_different(payload, body) == []


def test_a_recorded_fulfilment_reads_as_its_lines_and_tracking() -> None:
    definition = default_webhook_registry().get("FULFILLMENT_CREATED")
    assert definition is not None
    body = json.loads((RECORDED / "fulfillment_created.json").read_text())
    payload = definition.parse(body)
    assert payload.fulfillment.id == body["fulfillment"]["id"]
    assert [(line.order_line.id, line.quantity) for line in payload.fulfillment.lines] == [
        (line["orderLine"]["id"], line["quantity"]) for line in body["fulfillment"]["lines"]
    ]
    assert payload.order.id == body["order"]["id"]


@pytest.fixture
async def cancellations(database_url: str, tmp_path: Path, saleor: SaleorDouble) -> AsyncIterator[AppEnv]:
    registry = WebhookRegistry[AppState]([APP_DELETED, ORDER_CANCELLED])
    async with app_env(
        database_url, tmp_path, saleor=saleor, webhooks=registry, jobs=default_job_registry(registry)
    ) as env:
        await env.install()
        yield env


async def test_a_stored_body_of_the_wrong_shape_fails_its_job_by_name_and_stays_stored(
    cancellations: AppEnv,
) -> None:
    env = cancellations
    assert env.saleor_app is not None
    body = {
        "issuedAt": "2026-03-01T12:00:00+00:00",
        "version": "3.23.28",
        "issuingPrincipal": {"__typename": "User", "id": "VXNlcjox"},
        "recipient": {"id": env.saleor_app.id},
        "order": {"id": {"secret": "buyer@example.com"}},
    }
    response = await env.saleor.deliver(env.client, "ORDER_CANCELLED", body)
    assert response.status_code == 200, response.text  # stored first: nothing is lost
    await env.worker().run_until_idle()
    async with env.state.sessionmaker() as session:
        job = (await session.execute(select(Job))).scalar_one()
        event = (await session.execute(select(WebhookEvent))).scalar_one()
    assert job.status == JobStatus.DEAD.value
    assert job.last_error is not None and "order.id" in job.last_error and "ORDER_CANCELLED" in job.last_error
    assert "buyer@example.com" not in job.last_error
    assert event.processed_at is None and json.loads(event.body) == body
