"""Feed and report documents: upload to and download from Amazon's pre-signed URLs.

The URLs carry their own signature: no access token is sent, and no SP-API rate limit applies.
Documents may be GZIP-compressed (`compressionAlgorithm`); reports are tab-separated text.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import zlib

import httpx
from pydantic import ValidationError

from saleor_asc_app.amazon.errors import (
    MalformedResponse,
    SpApiConnectionError,
    SpApiError,
    SpApiServerError,
    SpApiTimeout,
)
from saleor_asc_app.amazon.models.reports import OrderTrackingRow
from saleor_asc_app.amazon.retry import RetryBudget, RetryPolicy
from saleor_asc_app.amazon.timeouts import with_timeout
from saleor_asc_app.amazon.transport import error_from_response
from saleor_asc_app.clock import Clock
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"


def decompress(content: bytes, compression_algorithm: str | None) -> bytes:
    """Gunzip a GZIP document. httpx may already have undone a `Content-Encoding: gzip`."""
    if compression_algorithm and compression_algorithm.upper() == "GZIP" and content[:2] == _GZIP_MAGIC:
        try:
            return gzip.decompress(content)
        except (OSError, EOFError, zlib.error):
            raise MalformedResponse("MalformedDocument", "the GZIP document is corrupt") from None
    return content


def decode_text(content: bytes, charset: str | None = None) -> str:
    """Decode a report: the charset the download declared, else UTF-8, else Windows-1252."""
    for encoding in (charset, "utf-8-sig", "cp1252"):
        if not encoding:
            continue
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return content.decode("utf-8", errors="replace")


def parse_tsv(text: str) -> list[dict[str, str]]:
    """Rows of a tab-separated flat file keyed by its header line. Cells are never quoted."""
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = [row for row in reader if row and any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [name.strip() for name in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in rows[1:]]


def parse_order_tracking_report(text: str) -> list[OrderTrackingRow]:
    rows = parse_tsv(text)
    parsed: list[OrderTrackingRow] = []
    for number, row in enumerate(rows, start=2):
        try:
            parsed.append(OrderTrackingRow.model_validate(row))
        except ValidationError as exc:
            columns = sorted({str(err["loc"][0]) for err in exc.errors() if err["loc"]})
            raise MalformedResponse(
                "MalformedReport", f"order-tracking report line {number}: bad column(s) {', '.join(columns)}"
            ) from None
    return parsed


class DocumentTransfer:
    """Moves document bytes to and from pre-signed URLs with the same retry rules as the client."""

    def __init__(
        self,
        http_client: httpx.AsyncClient,
        clock: Clock,
        *,
        retry: RetryPolicy,
        rng: random.Random,
        request_timeout: float = 120.0,
    ) -> None:
        self._http = http_client
        self._clock = clock
        self._retry = retry
        self._rng = rng
        self._timeout = request_timeout

    async def upload(self, url: str, content: bytes, content_type: str) -> None:
        # The Content-Type must be the one given to createFeedDocument.
        await self._send("PUT", url, content=content, headers={"content-type": content_type})

    async def download(self, url: str, compression_algorithm: str | None = None) -> tuple[bytes, str | None]:
        """The document's bytes (decompressed) and the charset its response declared."""
        response = await self._send("GET", url)
        charset = response.charset_encoding
        return decompress(response.content, compression_algorithm), charset

    async def _send(
        self, method: str, url: str, *, content: bytes | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        budget = RetryBudget(self._retry, self._rng, self._clock.monotonic())
        while True:
            budget.attempts += 1
            error: SpApiError
            try:
                response = await with_timeout(
                    self._clock, self._timeout, self._http.request(method, url, content=content, headers=headers)
                )
            except (TimeoutError, httpx.TimeoutException):
                error = SpApiTimeout("Timeout", "document transfer timed out", operation=f"document {method}")
            except httpx.TransportError as exc:
                error = SpApiConnectionError("ConnectionError", f"document transfer failed ({type(exc).__name__})")
            else:
                if 200 <= response.status_code < 300:
                    return response
                error = error_from_response(f"document {method}", response.status_code, response.content, None)
                if not isinstance(error, SpApiServerError):
                    raise error
            delay = budget.next_delay(self._clock.monotonic())
            # The URL is pre-signed: it is a credential and is never logged.
            log.info("spapi.document.retry", method=method, error_code=error.amazon_code, delay=delay)
            if delay is None:
                raise error
            await self._clock.sleep(delay)
