"""Webhook definitions. One list feeds both the manifest and the routes, so they cannot disagree."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.models import Installation

JOB_KIND = "webhook"  # the job that runs a stored event's handler (``processing.py``)

WebhookHandler = Callable[[Any, Installation, dict[str, Any], uuid.UUID], Awaitable[None]]
"""``handler(job_context, installation, payload, event_id)``, run by a job after the event was stored."""

InlineHandler = Callable[[AsyncSession, Installation, dict[str, Any], datetime], Awaitable[None]]
"""``handler(session, installation, payload, now)``: runs inside the request's transaction instead of storing the
event (only for APP_DELETED)."""


@dataclass(frozen=True)
class WebhookDefinition:
    event: str  # WebhookEventTypeAsyncEnum name, e.g. "FULFILLMENT_CREATED"
    name: str
    handler: WebhookHandler | None = None
    inline_handler: InlineHandler | None = None
    handle_own_events: bool = False  # events the app caused itself are ignored unless this is set
    is_active: bool = True

    @property
    def slug(self) -> str:
        return self.event.lower().replace("_", "-")

    @property
    def path(self) -> str:
        return f"/api/webhooks/{self.slug}"

    @property
    def header_event(self) -> str:
        """The value of the ``Saleor-Event`` header: the event name in lower case."""
        return self.event.lower()


class WebhookRegistry:
    def __init__(self, definitions: Sequence[WebhookDefinition] = ()) -> None:
        self._by_event: dict[str, WebhookDefinition] = {}
        for definition in definitions:
            self.add(definition)

    def add(self, definition: WebhookDefinition) -> None:
        if definition.event in self._by_event:
            raise ValueError(f"webhook {definition.event} is defined twice")
        if (definition.handler is None) == (definition.inline_handler is None):
            raise ValueError(f"webhook {definition.event} needs exactly one of handler / inline_handler")
        self._by_event[definition.event] = definition

    def get(self, event: str) -> WebhookDefinition | None:
        return self._by_event.get(event)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_event.values())

    def all(self) -> list[WebhookDefinition]:
        return list(self._by_event.values())
