"""SP-API clients for configured connections: one LWA client and one rate budget per process (every seller, region
and operation has its own bucket in it; on PostgreSQL the buckets are rows every worker shares, see
``amazon/shared_budget.py``), a client per connection built from its region, seller id and decrypted refresh token.

Which ``AmazonAccess`` a process uses — real Amazon, or in demo mode (no LWA credentials) the in-process simulator
(``connections/demo.py``) — is chosen once, where the app is wired (``wiring.build_state``), and kept in
``AppState.amazon``.
"""

from __future__ import annotations

import random
import uuid
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon import LwaAppCredentials, LwaClient, RateLimiter, Region, SellerCredentials, SpApiClient
from saleor_asc_app.amazon.operations import Operation
from saleor_asc_app.amazon.ratelimit import RateBudget
from saleor_asc_app.amazon.regions import LWA_TOKEN_URL
from saleor_asc_app.amazon.retry import RetryPolicy
from saleor_asc_app.clock import Clock
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import HoldsKeys, configuration_repository
from saleor_asc_app.errors import AppError
from saleor_asc_app.settings import Settings


class ConnectionNotAuthorized(AppError):
    status_code = 409
    code = "AMAZON_NOT_AUTHORIZED"


class AmazonAccess:
    def __init__(
        self,
        credentials: LwaAppCredentials,
        http_client: httpx.AsyncClient,
        clock: Clock,
        *,
        token_url: str = LWA_TOKEN_URL,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        endpoint_override: str | None = None,
        limiter: RateBudget | None = None,
    ) -> None:
        self.http = http_client
        self.clock = clock
        self.rng = rng or random.Random()
        self.retry = retry or RetryPolicy()
        self.limiter: RateBudget = limiter or RateLimiter(clock)
        self.lwa = LwaClient(credentials, http_client, clock, token_url=token_url, rng=self.rng)
        self._endpoint_override = endpoint_override

    def client(self, connection: AmazonConnection, refresh_token: str) -> SpApiClient:
        endpoint: Region | str = self._endpoint_override or Region(connection.region.value)
        return SpApiClient(
            SellerCredentials.of(connection.seller_id, refresh_token),
            endpoint,
            self.http,
            self.clock,
            lwa=self.lwa,
            rate_limiter=self.limiter,
            rate_region=connection.region.value,
            retry=self.retry,
            rng=self.rng,
        )

    def application_client(self, region: str) -> SpApiClient:
        """A client for the application's grantless operations in a region (no seller: the refresh token is unused,
        the transport asks LWA for a client-credentials token with the operation's scope)."""
        endpoint: Region | str = self._endpoint_override or Region(region)
        return SpApiClient(
            SellerCredentials.of(f"application:{region}", ""),
            endpoint,
            self.http,
            self.clock,
            lwa=self.lwa,
            rate_limiter=self.limiter,
            retry=self.retry,
            rng=self.rng,
        )

    async def wait_time(self, connection: AmazonConnection, operation: Operation) -> float:
        """Seconds until the connection's bucket for ``operation`` has a token (0: call now), without taking one.

        Jobs use this to reschedule instead of holding a worker (and its lease) while they wait for a token.
        """
        return await self.limiter.wait_time(connection.seller_id, operation, region=connection.region.value)

    def rate_of(self, connection: AmazonConnection, operation: Operation) -> float:
        return self.limiter.rate_of(connection.seller_id, operation, region=connection.region.value)

    def simulated_application_id(self) -> str | None:
        """The simulator's application id in demo mode (``demo.DemoAmazonAccess``); None for Amazon."""
        return None

    def connection_client(
        self, installation_id: uuid.UUID, connection: AmazonConnection, refresh_token: str
    ) -> SpApiClient:
        """The client of a configured connection. No I/O: callers hold a transaction when they build it (demo
        mode prepares the simulated seller on the client's first request instead)."""
        return self.client(connection, refresh_token)

    async def prepare(self, installation_id: uuid.UUID, connection: AmazonConnection, refresh_token: str) -> None:
        """Hook for demo mode (registers the connection's seller with the simulator); nothing to do for Amazon.
        Call it outside any transaction."""
        return None


def real_access(settings: Settings, http_client: httpx.AsyncClient, clock: Clock, limiter: RateBudget) -> AmazonAccess:
    """Access to Amazon itself, with the app's LWA credentials and the process's rate budget."""
    secret = settings.lwa_client_secret.get_secret_value() if settings.lwa_client_secret else ""
    return AmazonAccess(
        LwaAppCredentials.of(settings.lwa_client_id, secret),
        http_client,
        clock,
        token_url=settings.lwa_token_url or LWA_TOKEN_URL,
        endpoint_override=settings.amazon_endpoint or None,
        limiter=limiter,
    )


class HoldsAmazonAccess(HoldsKeys, Protocol):
    """What building a connection's client needs: the configuration's keys and the process's access."""

    @property
    def amazon(self) -> AmazonAccess: ...


async def connection_client(
    ctx: HoldsAmazonAccess, session: AsyncSession, installation_id: uuid.UUID, connection: AmazonConnection
) -> SpApiClient:
    """A client for the connection, with its refresh token read (and decrypted) from the configuration in the
    caller's transaction. Nothing else happens here: the client's requests belong after that transaction."""
    repository = configuration_repository(session, ctx)
    token = await repository.refresh_token(installation_id, connection.id)
    if not token:
        raise ConnectionNotAuthorized(
            f"Amazon connection {connection.seller_id} ({connection.region.value}) has no authorization: "
            "authorize it on the configuration page."
        )
    return ctx.amazon.connection_client(installation_id, connection, token)
