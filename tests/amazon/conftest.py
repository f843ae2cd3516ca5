from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import structlog

from saleor_asc_app.logging import configure_logging
from tests.amazon.harness import Harness, make_harness


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = make_harness()
    yield h
    await h.http.aclose()


@pytest.fixture
def debug_logs() -> Iterator[Callable[[], str]]:
    """The app's real logging set-up at DEBUG (structlog and stdlib, e.g. httpx), written to a buffer."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    buffer = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(buffer))
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    # The app quiets these; the worst case is someone turning them up, so they log at DEBUG here.
    libraries = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    for name in libraries:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buffer.getvalue
    structlog.configure(**saved)
    root.handlers = handlers
    root.setLevel(level)
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)
