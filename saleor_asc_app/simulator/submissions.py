"""Feeds and reports submitted to the simulator, as it tracks them while they are processed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class SimFeed:
    feed_id: str
    seller_id: str
    feed_type: str
    marketplace_ids: list[str]
    input_document_id: str
    created: datetime
    started: datetime
    finishes: datetime
    status: str = "IN_QUEUE"
    result_document_id: str | None = None
    report: dict[str, Any] | None = None
    processed: bool = False


@dataclass
class SimReport:
    report_id: str
    seller_id: str
    report_type: str
    marketplace_ids: list[str]
    data_start: datetime | None
    data_end: datetime | None
    created: datetime
    started: datetime
    finishes: datetime
    status: str = "IN_QUEUE"
    document_id: str | None = None
    processed: bool = False
