"""Runs stored webhook events: one ``webhook`` job per event, dispatched to the definition's handler."""

from __future__ import annotations

import json
import uuid

from pydantic import ValidationError
from sqlalchemy import update

from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.jobs.errors import PermanentJobError
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import JOB_KIND, WebhookRegistry


def webhook_job_kind(registry: WebhookRegistry[AppState]) -> JobKind[AppState]:
    async def run(ctx: AppState, job: ClaimedJob) -> None:
        event_id = uuid.UUID(job.payload["event_id"])
        async with ctx.sessionmaker() as session:
            event = await session.get(WebhookEvent, event_id)
            if event is None:
                return  # the installation was deleted meanwhile (cascade)
            installation = await session.get(Installation, event.installation_id)
        if installation is None:
            return
        definition = registry.get(event.event)
        if definition is None or definition.handler is None:
            raise PermanentJobError(f"no handler for webhook event {event.event}")
        try:
            payload = definition.parse(json.loads(event.body))
        except ValidationError as exc:  # the event stays stored; the message names fields, never their values
            where = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors(include_input=False))
            raise PermanentJobError(
                f"webhook {event.event}: the body does not have its subscription's shape ({where})"
            ) from None
        await definition.handler(ctx, installation, payload, event_id)
        async with ctx.sessionmaker() as session, session.begin():
            await session.execute(
                update(WebhookEvent).where(WebhookEvent.id == event_id).values(processed_at=ctx.clock.now())
            )

    return JobKind(JOB_KIND, run, description="process one stored webhook event")
