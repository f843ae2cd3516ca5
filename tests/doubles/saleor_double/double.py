"""`SaleorDouble`: an in-process fake Saleor built from the pinned schema, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from saleor_asc_app.clock import Clock, SystemClock
from saleor_asc_app.saleor.subscriptions import load_subscription
from tests.doubles.saleor_double.app import DoubleTransport, create_double_app
from tests.doubles.saleor_double.builders import StoreBuilder
from tests.doubles.saleor_double.faults import Fault, FaultPlan
from tests.doubles.saleor_double.install import InstallResult, install_app
from tests.doubles.saleor_double.keys import KeyRing, SigningKey
from tests.doubles.saleor_double.models import App, StaffUser
from tests.doubles.saleor_double.recording import Delivery, RecordedRequest
from tests.doubles.saleor_double.resolvers import bind_resolvers
from tests.doubles.saleor_double.schemas import (
    DocumentChecker,
    Violation,
    default_extra_schema_paths,
    pinned_schema,
)
from tests.doubles.saleor_double.seed import DemoStore, seed_demo_store
from tests.doubles.saleor_double.state import DoubleState, EmittedEvent
from tests.doubles.saleor_double.tokens import access_token, dashboard_token
from tests.doubles.saleor_double.webhooks import WebhookError, app_may_receive, build_payload, post_webhook


class SaleorDouble(StoreBuilder):
    """A fake Saleor 3.23.28 behind `POST /graphql/` and `GET /.well-known/jwks.json`.

    Every document it receives is validated against the pinned schema and every extra schema (3.24 main from
    `contracts/saleor/` by default); a document either rejects is answered with an error and kept in
    `violations`. `requests` records every call, `deliveries` every request it made to the app.
    """

    def __init__(
        self,
        *,
        api_url: str = "https://saleor.test/graphql/",
        clock: Clock | None = None,
        extra_schema_paths: Sequence[Path] | None = None,
    ) -> None:
        self.api_url = api_url
        self.state = DoubleState(clock=clock or SystemClock())
        self.state.shop.domain_host = self.domain
        self.state.shop.ssl_enabled = urlsplit(api_url).scheme == "https"
        self.keys = KeyRing()
        paths = default_extra_schema_paths() if extra_schema_paths is None else list(extra_schema_paths)
        self.checker = DocumentChecker(paths)
        self.schema = bind_resolvers(pinned_schema())
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.deliveries: list[Delivery] = []
        self.faults = FaultPlan()
        self.app = create_double_app(self)
        self._delivered_events = 0

    # -- addressing -----------------------------------------------------------------------------------------

    @property
    def domain(self) -> str:
        """`host[:port]` as Saleor sends it in `Saleor-Domain`."""
        return urlsplit(self.api_url).netloc

    @property
    def origin(self) -> str:
        parts = urlsplit(self.api_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def jwks_url(self) -> str:
        return f"{self.origin}/.well-known/jwks.json"

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport into the double (honours read timeouts, for the injected delays)."""
        return DoubleTransport(self.app)

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport(), base_url=self.origin, **kwargs)

    # -- keys and tokens ------------------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        return self.keys.jwks()

    def rotate_key(self) -> SigningKey:
        """Replace the signing key; the JWKS then shows only the new one (apps must refetch)."""
        return self.keys.rotate()

    def sign_webhook(self, body: bytes) -> str:
        return self.keys.current.sign_detached(body)

    def issue_dashboard_token(
        self,
        user: StaffUser,
        app: App | str,
        *,
        audience: str | None = None,
        extension_id: str | None = None,
        extension_permissions: set[str] | None = None,
    ) -> str:
        """The JWT the dashboard hands the app's iframe for `user` (claims as saleor/core/jwt.py)."""
        target = app if isinstance(app, App) else self._app_by_id(app)
        return dashboard_token(
            self.keys.current,
            user,
            target,
            user_permissions=self.state.staff_permissions(user),
            issuer=self.api_url,
            now=self.state.clock.now(),
            extension_id=extension_id,
            extension_permissions=extension_permissions,
            audience=audience,
        )

    def issue_access_token(self, user: StaffUser) -> str:
        return access_token(self.keys.current, user, issuer=self.api_url, now=self.state.clock.now())

    def _app_by_id(self, app_id: str) -> App:
        found = self.state.node(app_id)
        if not isinstance(found, App):
            raise LookupError(f"no app with id {app_id}")
        return found

    # -- store ----------------------------------------------------------------------------------------------

    def seed_demo(self) -> DemoStore:
        return seed_demo_store(self)

    def delete_app(self, app: App) -> None:
        """Saleor's appDelete: the app is deactivated and marked removed, then APP_DELETED goes to it."""
        app.is_active = False
        app.removed = True
        self.state.emit("APP_DELETED", {"app": app}, None)

    # -- faults ---------------------------------------------------------------------------------------------

    def fail_next(
        self, operation: str | None = None, *, status: int = 503, times: int = 1, retry_after: str | None = None
    ) -> None:
        """The next `times` requests (of `operation`, if given) answer HTTP `status` without running."""
        self.faults.add(Fault("status", status=status, retry_after=retry_after), operation=operation, times=times)

    def rate_limit_next(self, operation: str | None = None, *, times: int = 1, retry_after: str = "1") -> None:
        self.fail_next(operation, status=429, times=times, retry_after=retry_after)

    def delay_next(self, operation: str | None = None, *, seconds: float, times: int = 1) -> None:
        """The next requests answer after `seconds`: a client whose read timeout is shorter times out."""
        self.faults.add(Fault("delay", delay_seconds=seconds), operation=operation, times=times)

    def disconnect_next(self, operation: str | None = None, *, times: int = 1) -> None:
        self.faults.add(Fault("disconnect"), operation=operation, times=times)

    # -- install and webhooks -------------------------------------------------------------------------------

    async def install(
        self,
        app_client: httpx.AsyncClient,
        manifest_url: str,
        *,
        permissions: list[str] | None = None,
        activate: bool = True,
    ) -> InstallResult:
        return await install_app(self, app_client, manifest_url, permissions=permissions, activate=activate)

    def event_payload(
        self,
        event: str,
        objects: dict[str, Any],
        *,
        app: App,
        query: str | None = None,
        issuing_principal: App | StaffUser | None = None,
    ) -> dict[str, Any]:
        """The body Saleor would send `app` for `event` (query: the app's webhook query, else ours)."""
        if query is None:
            spec = next((w for w in app.webhooks if event in w.async_events), None)
            query = spec.query if spec else load_subscription(event)
        return build_payload(self, event, objects, query=query, recipient=app, issuing_principal=issuing_principal)

    async def deliver(
        self,
        app_client: httpx.AsyncClient,
        event: str,
        payload: dict[str, Any] | bytes,
        target_url: str | None = None,
        *,
        app: App | None = None,
    ) -> httpx.Response:
        """POST a signed webhook exactly as Saleor does; the target defaults to the app's webhook for `event`."""
        custom_headers: dict[str, str] = {}
        if target_url is None:
            apps = [app] if app else [a for a in self.state.apps.values() if not a.removed]
            spec = next((w for a in apps for w in a.webhooks if event.upper() in w.async_events), None)
            if spec is None:
                raise WebhookError(f"no installed webhook for {event}; pass target_url")
            target_url, custom_headers = spec.target_url, spec.custom_headers
        return await post_webhook(self, app_client, event, payload, target_url, custom_headers=custom_headers)

    async def deliver_pending(self, app_client: httpx.AsyncClient) -> list[httpx.Response]:
        """Deliver every event emitted since the last call to every app subscribed to it (one attempt each)."""
        responses = []
        pending = self.state.events[self._delivered_events :]
        self._delivered_events = len(self.state.events)
        for emitted in pending:
            responses.extend(await self._deliver_event(app_client, emitted))
        return responses

    async def _deliver_event(self, app_client: httpx.AsyncClient, emitted: EmittedEvent) -> list[httpx.Response]:
        responses = []
        for app in list(self.state.apps.values()):
            if not app_may_receive(app, emitted.event_type):
                continue
            if emitted.event_type.startswith("APP_") and emitted.objects.get("app") is not app:
                continue
            for spec in app.webhooks:
                if not spec.is_active or emitted.event_type not in spec.async_events:
                    continue
                body = build_payload(
                    self,
                    emitted.event_type,
                    emitted.objects,
                    query=spec.query,
                    recipient=app,
                    issuing_principal=emitted.issuing_principal,
                    issued_at=emitted.issued_at,
                )
                responses.append(
                    await post_webhook(
                        self, app_client, emitted.event_type, body, spec.target_url, custom_headers=spec.custom_headers
                    )
                )
        return responses
