"""structlog set-up with a redaction processor: secrets and buyer data never reach a log line."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"

# Keys whose values are never logged, whatever they hold (compared lower-case, substring match).
SENSITIVE_KEY_PARTS = (
    "token",
    "secret",
    "password",
    "authorization",
    "signature",
    "refresh",
    "api_key",
    "private",
    "cookie",
    "buyer",
    "email",
    "phone",
    "address",
    "name",
    "pii",
    "gift_message",
    "code",
)
# Keys that contain a sensitive part but are safe identifiers.
SAFE_KEYS = frozenset(
    {
        "event",
        "logger",
        "level",
        "timestamp",
        "job_name",
        "job_kind",
        "webhook_event",
        "operation_name",
        "saleor_api_url",
        "status_code",
        "error_code",
        "amazon_order_id",
        "marketplace_id",
        "seller_id",
        "feed_id",
        "report_id",
        "request_id",
        "queue_name",
        "logger_name",
    }
)
_PATTERNS = (
    re.compile(r"Atzr\|[A-Za-z0-9\-_|=+/]+"),  # LWA refresh tokens
    re.compile(r"Atza\|[A-Za-z0-9\-_|=+/]+"),  # LWA access tokens
    re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]+"),  # JWT / JWS
    re.compile(r"amzn1\.oa2-cs\.v1\.[A-Za-z0-9]+"),  # LWA client secrets
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]+"),
    re.compile(r"(?i)(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s\"']+"),  # pre-signed S3 URLs
    re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"),  # e-mail addresses
)


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in SAFE_KEYS:
        return False
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


# One pass over the text finds whether any pattern occurs; most log lines contain none.
_ANY_PATTERN = re.compile(
    "|".join(
        f"(?i:{pattern.pattern.removeprefix('(?i)')})"
        if pattern.pattern.startswith("(?i)")
        else f"(?:{pattern.pattern})"
        for pattern in _PATTERNS
    )
)


def redact_text(text: str) -> str:
    if _ANY_PATTERN.search(text) is None:
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text


def redact_value(key: str, value: Any) -> Any:
    if is_sensitive_key(key):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    return value


def redact_processor(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        event_dict[key] = redact_value(key, event_dict[key])
    return event_dict


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level]),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Libraries logging through the stdlib (uvicorn, httpx, sqlalchemy) get the same redaction.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_processor,
                renderer,
            ],
            foreign_pre_chain=[processor for processor in shared if processor is not redact_processor],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in ("alembic", "httpx", "httpcore", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
