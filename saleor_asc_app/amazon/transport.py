"""One SP-API call end to end: token, rate-limit token, request, retries, typed errors.

Nothing here logs a header or a body: they carry access tokens and buyer data.
"""

from __future__ import annotations

import json
import platform
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from saleor_asc_app import __version__
from saleor_asc_app.amazon.credentials import SellerCredentials
from saleor_asc_app.amazon.errors import (
    AccessDenied,
    InvalidInput,
    MalformedResponse,
    NotFound,
    QuotaExceeded,
    SpApiClientError,
    SpApiConnectionError,
    SpApiError,
    SpApiServerError,
    SpApiTimeout,
)
from saleor_asc_app.amazon.lwa import LwaClient
from saleor_asc_app.amazon.operations import Operation
from saleor_asc_app.amazon.ratelimit import RateBudget
from saleor_asc_app.amazon.retry import RetryBudget, RetryPolicy
from saleor_asc_app.amazon.timeouts import with_timeout
from saleor_asc_app.clock import Clock
from saleor_asc_app.logging import get_logger

log = get_logger("saleor_asc_app.amazon")

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

QueryValue = str | int | bool | datetime | Enum | Sequence[str | Enum] | None

DEFAULT_USER_AGENT = (
    f"saleor-asc-app/{__version__} (Language=Python/{platform.python_version()}; Platform={platform.system()})"
)

_TOKEN_PROBLEMS = ("access token", "expired", "revoked", "malformed")


@dataclass(frozen=True, slots=True)
class SpApiResponse:
    status: int
    headers: httpx.Headers
    content: bytes
    request_id: str | None

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass(slots=True)
class CallStats:
    """Counters of one client, for tests and benchmarks."""

    calls: int = 0
    attempts: int = 0  # requests sent
    throttled: int = 0  # 429 answers received
    retries: int = 0
    rate_limit_wait: float = 0.0


def format_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("SP-API timestamps must be timezone-aware")
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def encode_query(params: Mapping[str, QueryValue]) -> httpx.QueryParams:
    """Swagger 2.0 defaults: arrays are comma-separated (`csv`), booleans lower-case."""
    encoded: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, datetime):
            text = format_datetime(value)
        elif isinstance(value, Enum):
            text = str(value.value)
        elif isinstance(value, str | int):
            text = str(value)
        else:
            items = [str(v.value) if isinstance(v, Enum) else str(v) for v in value]
            if not items:
                continue
            text = ",".join(items)
        encoded.append((name, text))
    return httpx.QueryParams(encoded)


def error_from_response(operation: str, status: int, content: bytes, request_id: str | None) -> SpApiError:
    code, message, details = f"HTTP{status}", "Amazon answered with an error", None
    try:
        data = json.loads(content)
        errors = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            code = str(first.get("code") or code)
            message = str(first.get("message") or message)
            details = str(first["details"]) if first.get("details") else None
    except (ValueError, AttributeError, RecursionError):  # RecursionError: deeply nested JSON
        pass
    cls: type[SpApiError]
    if status == 400:
        cls = InvalidInput
    elif status in (401, 403):
        cls = AccessDenied
    elif status == 404:
        cls = NotFound
    elif status == 429:
        cls = QuotaExceeded
    elif status >= 500:
        cls = SpApiServerError
    elif 400 <= status < 500:
        cls = SpApiClientError
    else:
        cls = SpApiError
    return cls(code, message, status, request_id, operation=operation, details=details)


class SpApiTransport:
    """Sends calls for one seller; shared pieces (LWA cache, rate limiter) are injected."""

    def __init__(
        self,
        credentials: SellerCredentials,
        base_url: str,
        http_client: httpx.AsyncClient,
        clock: Clock,
        *,
        lwa: LwaClient,
        rate_limiter: RateBudget,
        retry: RetryPolicy,
        rng: random.Random,
        user_agent: str,
        request_timeout: float,
        rate_region: str = "",
    ) -> None:
        self.credentials = credentials
        self.rate_region = rate_region  # with the seller id, which rate budget the calls spend from
        self.base_url = base_url.rstrip("/")
        self.http = http_client
        self.clock = clock
        self.lwa = lwa
        self.rate_limiter = rate_limiter
        self.retry = retry
        self.rng = rng
        self.user_agent = user_agent
        self.timeout = request_timeout
        self.stats = CallStats()

    @property
    def seller_id(self) -> str:
        return self.credentials.seller_id

    async def call_model(
        self,
        operation: Operation,
        model: type[M],
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, QueryValue] | None = None,
        body: BaseModel | None = None,
    ) -> M:
        def parse(response: SpApiResponse) -> M:
            return model.model_validate_json(response.content)

        return await self.call(operation, path=path, query=query, body=body, parse=parse)

    async def call(
        self,
        operation: Operation,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, QueryValue] | None = None,
        body: BaseModel | Mapping[str, Any] | None = None,
        parse: Callable[[SpApiResponse], T],
    ) -> T:
        url = self.base_url + operation.path.format(
            **{name: quote(value, safe="") for name, value in (path or {}).items()}
        )
        params = encode_query(query or {})
        content: bytes | None = None
        if isinstance(body, BaseModel):
            content = json.dumps(
                body.model_dump(mode="json", by_alias=True, exclude_none=True), separators=(",", ":")
            ).encode()
        elif body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()

        self.stats.calls += 1
        budget = RetryBudget(self.retry, self.rng, self.clock.monotonic())
        token_renewed = False
        while True:
            budget.attempts += 1
            error: SpApiError
            retry_ok = False
            # A token request (LWA) between taking a rate token and sending would let Amazon's bucket start later
            # than ours: have the access token first (cached after the first call), then take the rate token.
            await self._token(operation)
            started_wait = self.clock.monotonic()
            await self.rate_limiter.acquire(self.seller_id, operation, region=self.rate_region)
            waited = self.clock.monotonic() - started_wait
            budget.excluded += waited
            self.stats.rate_limit_wait += waited
            # After the wait, so that a long queue never hands out a token that expired meanwhile.
            token = await self._token(operation)
            headers = {
                "x-amz-access-token": token,
                "user-agent": self.user_agent,
                "accept": "application/json",
                "x-amz-date": self.clock.now().strftime("%Y%m%dT%H%M%SZ"),
            }
            if content is not None:
                headers["content-type"] = "application/json"
            self.stats.attempts += 1
            try:
                response = await with_timeout(
                    self.clock,
                    self.timeout,
                    self.http.request(operation.method, url, params=params, content=content, headers=headers),
                )
            except (TimeoutError, httpx.TimeoutException) as exc:
                error = SpApiTimeout("Timeout", f"no answer within {self.timeout:g} s", operation=operation.name)
                retry_ok = operation.idempotent or isinstance(exc, httpx.ConnectTimeout)
            except httpx.TransportError as exc:
                error = SpApiConnectionError(
                    "ConnectionError", f"request failed ({type(exc).__name__})", operation=operation.name
                )
                retry_ok = operation.idempotent or isinstance(exc, httpx.ConnectError)
            else:
                request_id = response.headers.get("x-amzn-RequestId")
                status = response.status_code
                await self.rate_limiter.observe_rate(
                    self.seller_id, operation, response.headers.get("x-amzn-RateLimit-Limit"), region=self.rate_region
                )
                log.debug(
                    "spapi.response",
                    operation_name=operation.name,
                    seller_id=self.seller_id,
                    status_code=status,
                    request_id=request_id,
                    attempt=budget.attempts,
                    waited=round(waited, 3),
                )
                if 200 <= status < 300:
                    result = SpApiResponse(status, response.headers, response.content, request_id)
                    try:
                        return parse(result)
                    except (ValidationError, ValueError) as exc:
                        error = _malformed(operation.name, status, request_id, exc)
                        retry_ok = operation.idempotent
                else:
                    error = error_from_response(operation.name, status, response.content, request_id)
                    if status == 429:
                        self.stats.throttled += 1
                        await self.rate_limiter.throttled(self.seller_id, operation, region=self.rate_region)
                        retry_ok = True
                    elif status == 503:
                        retry_ok = True
                    elif status >= 500:
                        retry_ok = operation.idempotent
                    elif status == 403 and not token_renewed and _is_token_problem(error):
                        # The cached token was revoked or expired early: get a fresh one, once.
                        token_renewed = True
                        self.lwa.invalidate(self.seller_id)
                        continue
            delay = budget.next_delay(self.clock.monotonic()) if retry_ok else None
            if delay is None:
                log.info(
                    "spapi.failed",
                    operation_name=operation.name,
                    seller_id=self.seller_id,
                    error_code=error.amazon_code,
                    status_code=error.status,
                    request_id=error.request_id,
                    attempts=budget.attempts,
                )
                raise error
            self.stats.retries += 1
            log.info(
                "spapi.retry",
                operation_name=operation.name,
                seller_id=self.seller_id,
                error_code=error.amazon_code,
                status_code=error.status,
                request_id=error.request_id,
                attempt=budget.attempts,
                delay=round(delay, 3),
            )
            await self.clock.sleep(delay)

    async def _token(self, operation: Operation) -> str:
        if operation.grantless_scope:
            return await self.lwa.grantless_token(operation.grantless_scope)
        return await self.lwa.access_token(self.credentials)


def _is_token_problem(error: SpApiError) -> bool:
    text = f"{error.amazon_message} {error.details or ''}".lower()
    return error.amazon_code in ("Unauthorized", "InvalidToken", "ExpiredToken") and any(
        part in text for part in _TOKEN_PROBLEMS
    )


def _malformed(operation: str, status: int, request_id: str | None, exc: Exception) -> MalformedResponse:
    if isinstance(exc, ValidationError) and all(err["type"] != "json_invalid" for err in exc.errors()):
        # Locations only: the offending values may be buyer data.
        where = sorted({".".join(str(p) for p in err["loc"]) or "<root>" for err in exc.errors()})
        shown = ", ".join(where[:5]) + (" …" if len(where) > 5 else "")
        message = f"the body does not match the model ({exc.error_count()} problems at {shown})"
    else:
        message = "the body is not valid JSON"
    return MalformedResponse("MalformedResponse", message, status, request_id, operation=operation)
