from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from tests.amazon.harness import Harness, make_harness
from tests.log_capture import app_logs


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = make_harness()
    yield h
    await h.http.aclose()


@pytest.fixture
def debug_logs() -> Iterator[Callable[[], str]]:
    """The app's real logging set-up at DEBUG (structlog and stdlib, e.g. httpx), written to a buffer."""
    # The app quiets httpx and httpcore; the worst case is someone turning them up, so they log at DEBUG here.
    with app_logs("httpx", "httpcore") as logs:
        yield logs
