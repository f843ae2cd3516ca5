"""Job kinds and their handlers. Feature modules register their handlers; the worker looks them up by kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from saleor_asc_app.jobs.queue import ClaimedJob

Handler = Callable[[Any, ClaimedJob], Awaitable[None]]
"""``handler(context, job)``: ``context`` is the app's ``JobContext`` (see ``saleor_asc_app.jobs.context``)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    timeout_seconds: float = 600.0
    description: str = ""


class JobRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}

    def register(self, kind: JobKind) -> None:
        if kind.name in self._kinds:
            raise ValueError(f"job kind {kind.name!r} is registered twice")
        self._kinds[kind.name] = kind

    def get(self, name: str) -> JobKind | None:
        return self._kinds.get(name)

    def names(self) -> list[str]:
        return sorted(self._kinds)
