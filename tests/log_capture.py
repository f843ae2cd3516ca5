"""Everything the app logs, captured with its real logging set-up (structlog and stdlib, through the redaction)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import structlog

from saleor_asc_app.logging import configure_logging


@contextmanager
def app_logs(*debug_loggers: str) -> Iterator[Callable[[], str]]:
    """Logs at DEBUG, written to a buffer; yields a function returning what was written so far. ``debug_loggers``:
    stdlib loggers the app quiets (e.g. ``httpx``) to turn up to DEBUG as well, the worst case for leaks."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    buffer = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(buffer))
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    libraries = {name: logging.getLogger(name).level for name in debug_loggers}
    for name in libraries:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield buffer.getvalue
    finally:
        structlog.configure(**saved)
        root.handlers = handlers
        root.setLevel(level)
        for name, library_level in libraries.items():
            logging.getLogger(name).setLevel(library_level)
