from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator

import pytest
import structlog

from saleor_asc_app.logging import configure_logging


@pytest.fixture
def captured_logs() -> Iterator[Callable[[], str]]:
    """Everything the app logs (structlog and stdlib, at DEBUG, through its redaction), written to a buffer."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    buffer = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(buffer))
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    yield buffer.getvalue
    structlog.configure(**saved)
    root.handlers = handlers
    root.setLevel(level)
