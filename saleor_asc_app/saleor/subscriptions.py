"""The subscription document of each webhook, read from `webhooks/subscriptions/<event>.graphql`."""

from __future__ import annotations

import functools
import re

from saleor_asc_app.resources import webhooks_dir

_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownSubscription(LookupError):
    """No subscription document exists for the event."""


def _file_stem(event_name: str) -> str:
    stem = event_name.strip().lower()
    if not _EVENT_NAME.match(stem):
        raise UnknownSubscription(f"not a webhook event name: {event_name!r}")
    return stem


@functools.cache
def load_subscription(event_name: str) -> str:
    """The subscription query for `event_name` (`ORDER_BULK_CREATED` or `order_bulk_created`)."""
    path = webhooks_dir() / "subscriptions" / f"{_file_stem(event_name)}.graphql"
    if not path.is_file():
        raise UnknownSubscription(f"no subscription document for {event_name}: {path.name} is missing")
    return path.read_text(encoding="utf-8")


def subscription_events() -> list[str]:
    """Every event that has a subscription document, as `WebhookEventTypeAsyncEnum` names, sorted."""
    folder = webhooks_dir() / "subscriptions"
    return sorted(path.stem.upper() for path in folder.glob("*.graphql"))
