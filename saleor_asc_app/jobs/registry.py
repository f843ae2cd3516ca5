"""Job kinds and their handlers. Feature modules register their handlers; the worker looks them up by kind.

Generic in the context every handler of a registry receives: the app's registries are ``JobRegistry[AppState]``
(``state.py``), so each handler is typed with the state it gets; ``jobs/`` itself knows nothing of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from saleor_asc_app.jobs.queue import ClaimedJob

ContextT = TypeVar("ContextT")
ContextT_contra = TypeVar("ContextT_contra", contravariant=True)


@dataclass(frozen=True)
class JobKind(Generic[ContextT_contra]):
    name: str
    handler: Callable[[ContextT_contra, ClaimedJob], Awaitable[None]]
    timeout_seconds: float = 600.0
    description: str = ""


class JobRegistry(Generic[ContextT]):
    def __init__(self) -> None:
        self._kinds: dict[str, JobKind[ContextT]] = {}

    def register(self, kind: JobKind[ContextT]) -> None:
        if kind.name in self._kinds:
            raise ValueError(f"job kind {kind.name!r} is registered twice")
        self._kinds[kind.name] = kind

    def get(self, name: str) -> JobKind[ContextT] | None:
        return self._kinds.get(name)

    def names(self) -> list[str]:
        return sorted(self._kinds)
