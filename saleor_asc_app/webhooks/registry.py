"""Webhook definitions. One list feeds both the manifest and the routes, so they cannot disagree."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.models import Installation

JOB_KIND = "webhook"  # the job that runs a stored event's handler (``processing.py``)

ContextT_contra = TypeVar("ContextT_contra", contravariant=True)
P = TypeVar("P", bound=BaseModel)

WebhookHandler = Callable[[ContextT_contra, Installation, P, uuid.UUID], Awaitable[None]]
"""``handler(job_context, installation, payload, event_id)``, run by a job after the event was stored; the context
is the app's ``AppState`` (``WebhookDefinition[AppState, ...]``; a definition without a job handler is
``WebhookDefinition[object, ...]``)."""

InlineHandler = Callable[[AsyncSession, Installation, P, datetime], Awaitable[None]]
"""``handler(session, installation, payload, now)``: runs inside the request's transaction instead of storing the
event (only for APP_DELETED)."""


@dataclass(frozen=True)
class WebhookDefinition(Generic[ContextT_contra, P]):
    event: str  # WebhookEventTypeAsyncEnum name, e.g. "FULFILLMENT_CREATED"
    name: str
    payload: type[P]  # what the handler reads of the body (``webhooks/payloads.py``)
    handler: WebhookHandler[ContextT_contra, P] | None = None
    inline_handler: InlineHandler[P] | None = None
    handle_own_events: bool = False  # events the app caused itself are ignored unless this is set
    is_active: bool = True

    def parse(self, body: dict[str, Any]) -> P:
        """The typed payload; ``pydantic.ValidationError`` when the body does not have its shape."""
        return self.payload.model_validate(body)

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


class WebhookRegistry(Generic[ContextT_contra]):
    """Fixed once built: the definitions whose handlers all take the context ``ContextT_contra``."""

    def __init__(self, definitions: Sequence[WebhookDefinition[ContextT_contra, Any]] = ()) -> None:
        self._by_event: dict[str, WebhookDefinition[ContextT_contra, Any]] = {}
        for definition in definitions:
            if definition.event in self._by_event:
                raise ValueError(f"webhook {definition.event} is defined twice")
            if (definition.handler is None) == (definition.inline_handler is None):
                raise ValueError(f"webhook {definition.event} needs exactly one of handler / inline_handler")
            self._by_event[definition.event] = definition

    def get(self, event: str) -> WebhookDefinition[ContextT_contra, Any] | None:
        return self._by_event.get(event)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_event.values())

    def all(self) -> list[WebhookDefinition[ContextT_contra, Any]]:
        return list(self._by_event.values())
