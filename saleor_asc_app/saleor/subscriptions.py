"""The subscription document of each webhook, read from `webhooks/subscriptions/<event>.graphql`, with the shared
fragments it spreads (`webhooks/subscriptions/fragments/*.graphql`, e.g. `EventMetadata`) appended: Saleor gets one
self-contained document per webhook."""

from __future__ import annotations

import functools
import re

from saleor_asc_app.resources import webhooks_dir

_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SPREAD = re.compile(
    r"\.\.\.\s*([_A-Za-z][_0-9A-Za-z]*)"
)  # also matches the "on" of inline fragments: no such fragment
_DEFINITION = re.compile(r"\bfragment\s+([_A-Za-z][_0-9A-Za-z]*)\s+on\b")


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
    return _with_shared_fragments(path.read_text(encoding="utf-8"))


@functools.cache
def shared_fragments() -> dict[str, str]:
    """Each shared fragment's name → the text of the file that defines it."""
    fragments: dict[str, str] = {}
    for path in sorted((webhooks_dir() / "subscriptions" / "fragments").glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        for name in _DEFINITION.findall(text):
            fragments[name] = text
    return fragments


def _with_shared_fragments(document: str) -> str:
    shared = shared_fragments()
    parts, included = [document], set(_DEFINITION.findall(document))
    wanted = _SPREAD.findall(document)
    while wanted:
        name = wanted.pop()
        if name in included or name not in shared:
            continue
        included.update(_DEFINITION.findall(shared[name]))
        parts.append(shared[name])
        wanted.extend(_SPREAD.findall(shared[name]))
    return "\n".join(parts)


def subscription_events() -> list[str]:
    """Every event that has a subscription document, as `WebhookEventTypeAsyncEnum` names, sorted."""
    folder = webhooks_dir() / "subscriptions"
    return sorted(path.stem.upper() for path in folder.glob("*.graphql"))
