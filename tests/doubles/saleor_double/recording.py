"""What the double saw and sent, for assertions (and the PII canary, which scans all of it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: str | None = None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    status: int | None = None
    response: Any = None


@dataclass
class Delivery:
    """An HTTP request the double sent to the app (manifest fetch, token POST, webhook)."""

    kind: str  # "manifest" | "token" | "webhook"
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    status: int | None = None
    event: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
