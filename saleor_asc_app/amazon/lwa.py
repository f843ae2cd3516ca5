"""Login with Amazon: refresh-token, authorization-code and client-credentials (grantless) grants.

Access tokens are cached per seller (and per grantless scope) until `refresh_margin` seconds
before they expire; a lock per key makes concurrent callers share one refresh.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from saleor_asc_app.amazon.credentials import LwaAppCredentials, SellerCredentials
from saleor_asc_app.amazon.errors import (
    AuthorizationCodeInvalid,
    AuthorizationRevoked,
    ClientSecretInvalid,
    LwaError,
    LwaUnavailable,
    MalformedResponse,
)
from saleor_asc_app.amazon.regions import LWA_TOKEN_URL
from saleor_asc_app.amazon.retry import RetryBudget, RetryPolicy
from saleor_asc_app.amazon.timeouts import with_timeout
from saleor_asc_app.clock import Clock
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

_RETRYABLE_LWA_ERRORS = frozenset({"server_error", "temporarily_unavailable"})


class LwaTokenResponse(BaseModel):
    access_token: SecretStr
    token_type: str = "bearer"
    expires_in: int
    refresh_token: SecretStr | None = None


@dataclass(frozen=True, slots=True)
class LwaTokenGrant:
    """What an authorization-code exchange yields: store `refresh_token` encrypted."""

    refresh_token: SecretStr
    access_token: SecretStr
    expires_in: int


@dataclass(slots=True)
class _Cached:
    fingerprint: str
    token: SecretStr
    expires_at: float  # clock.monotonic()


class LwaClient:
    def __init__(
        self,
        credentials: LwaAppCredentials,
        http_client: httpx.AsyncClient,
        clock: Clock,
        *,
        token_url: str = LWA_TOKEN_URL,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        refresh_margin: float = 300.0,
        request_timeout: float = 30.0,
    ) -> None:
        self._credentials = credentials
        self._http = http_client
        self._clock = clock
        self._token_url = token_url
        self._retry = retry or RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=10.0, max_total=60.0)
        self._rng = rng or random.Random()
        self._margin = refresh_margin
        self._timeout = request_timeout
        self._cache: dict[str, _Cached] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.token_requests = 0  # exchanges sent to LWA, for observability

    @property
    def client_id(self) -> str:
        return self._credentials.client_id

    async def access_token(self, seller: SellerCredentials) -> str:
        """A valid access token for the seller, from the cache or a refresh-token exchange."""
        key = f"seller:{seller.seller_id}"
        cached = self._fresh(key, seller.fingerprint)
        if cached is not None:
            return cached
        async with self._lock(key):
            cached = self._fresh(key, seller.fingerprint)
            if cached is not None:
                return cached
            response = await self._exchange(
                {"grant_type": "refresh_token", "refresh_token": seller.refresh_token.get_secret_value()},
                grant="refresh_token",
                seller_id=seller.seller_id,
            )
            self._store(key, seller.fingerprint, response)
            return response.access_token.get_secret_value()

    async def grantless_token(self, scope: str) -> str:
        """A token for grantless operations (`sellingpartnerapi::notifications`, ...)."""
        key = f"scope:{scope}"
        cached = self._fresh(key, scope)
        if cached is not None:
            return cached
        async with self._lock(key):
            cached = self._fresh(key, scope)
            if cached is not None:
                return cached
            response = await self._exchange(
                {"grant_type": "client_credentials", "scope": scope}, grant="client_credentials"
            )
            self._store(key, scope, response)
            return response.access_token.get_secret_value()

    async def exchange_authorization_code(self, code: str, redirect_uri: str) -> LwaTokenGrant:
        """Trade the `spapi_oauth_code` of the consent redirect (valid 5 minutes) for tokens."""
        response = await self._exchange(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            grant="authorization_code",
        )
        if response.refresh_token is None:
            raise MalformedResponse("MissingRefreshToken", "LWA answered without a refresh token")
        return LwaTokenGrant(response.refresh_token, response.access_token, response.expires_in)

    def invalidate(self, seller_id: str) -> None:
        """Forget the seller's cached token (Amazon rejected it)."""
        self._cache.pop(f"seller:{seller_id}", None)

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def _fresh(self, key: str, fingerprint: str) -> str | None:
        cached = self._cache.get(key)
        if cached is None or cached.fingerprint != fingerprint:
            return None
        if self._clock.monotonic() >= cached.expires_at:
            return None
        return cached.token.get_secret_value()

    def _store(self, key: str, fingerprint: str, response: LwaTokenResponse) -> None:
        lifetime = max(0.0, response.expires_in - self._margin)
        self._cache[key] = _Cached(fingerprint, response.access_token, self._clock.monotonic() + lifetime)

    async def _exchange(self, form: dict[str, str], *, grant: str, seller_id: str | None = None) -> LwaTokenResponse:
        body = {
            **form,
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret.get_secret_value(),
        }
        budget = RetryBudget(self._retry, self._rng, self._clock.monotonic())
        while True:
            budget.attempts += 1
            self.token_requests += 1
            error: LwaError
            try:
                response = await with_timeout(
                    self._clock,
                    self._timeout,
                    self._http.post(
                        self._token_url,
                        data=body,
                        headers={
                            "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
                            "accept": "application/json",
                        },
                    ),
                )
            except (TimeoutError, httpx.TimeoutException):
                error = LwaUnavailable("Timeout", f"no answer from LWA within {self._timeout:g} s")
            except httpx.TransportError as exc:
                error = LwaUnavailable("ConnectionError", f"cannot reach LWA ({type(exc).__name__})")
            else:
                if response.status_code == 200:
                    try:
                        return LwaTokenResponse.model_validate_json(response.content)
                    except ValidationError:
                        raise MalformedResponse(
                            "MalformedTokenResponse",
                            "LWA answered 200 with a body that is not a token response",
                            200,
                        ) from None
                error = _lwa_error(response, grant)
                if not error.retryable:
                    log.warning("lwa.refused", seller_id=seller_id, grant_type=grant, error_code=error.amazon_code)
                    raise error
            delay = budget.next_delay(self._clock.monotonic())
            log.warning(
                "lwa.retry",
                seller_id=seller_id,
                grant_type=grant,
                error_code=error.amazon_code,
                attempt=budget.attempts,
                delay=delay,
            )
            if delay is None:
                raise error
            await self._clock.sleep(delay)


def _lwa_error(response: httpx.Response, grant: str) -> LwaError:
    status = response.status_code
    code, description = "", ""
    try:
        data = response.json()
        if isinstance(data, dict):
            code = str(data.get("error") or "")
            description = str(data.get("error_description") or "")
    except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
        pass
    if code in _RETRYABLE_LWA_ERRORS or (not code and status >= 500):
        return LwaUnavailable(code or f"HTTP{status}", description or "LWA is unavailable", status)
    if code == "invalid_grant":
        if grant == "authorization_code":
            return AuthorizationCodeInvalid(
                code, description or "the authorization code expired or was already used", status
            )
        return AuthorizationRevoked(code, description or "the seller revoked the authorization or it expired", status)
    if code == "invalid_client":
        return ClientSecretInvalid(code, description or "client authentication failed", status)
    return LwaError(code or f"HTTP{status}", description or "LWA refused the request", status)
