"""The Saleor double as a real HTTP server, for tests that run the app as separate processes (and kill them).

    python -m tests.doubles.saleor_double.server --port 8200 --simulator-skus

Besides Saleor's `POST /graphql/` and JWKS it delivers the webhooks its store emits to the installed apps in the
background, as Saleor's workers do: signed, and retried with backoff while the app is down or answers an error.
`/_double/*` is the test's side door: install the app, fulfil an order as staff, spread webhooks over several app
replicas, and read back what the store holds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.doubles.saleor_double.double import SaleorDouble
from tests.doubles.saleor_double.install import InstallError
from tests.doubles.saleor_double.seed import DemoStore
from tests.doubles.saleor_double.state import EmittedEvent
from tests.doubles.saleor_double.webhooks import app_may_receive, build_payload, post_webhook

POLL_SECONDS = 0.05
RETRY_BASE_SECONDS = 0.25
RETRY_MAX_SECONDS = 3.0
MAX_ATTEMPTS = 200  # generous: a test kills the app for seconds at a time and expects every event to arrive

FULFIL = """
mutation Fulfil($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) { fulfillments { id } errors { field code message } }
}
"""


@dataclass
class PendingDelivery:
    event_number: int
    emitted: EmittedEvent
    attempts: int = 0
    due: float = 0.0


@dataclass
class DeliveryStats:
    emitted: int = 0
    delivered: int = 0
    attempts: int = 0
    failures: int = 0
    given_up: int = 0
    by_event: dict[str, int] = field(default_factory=dict)
    by_origin: dict[str, int] = field(default_factory=dict)


class WebhookSender:
    """Delivers every emitted event to every subscribed app, retrying failures; optionally round-robins the
    target's origin over app replicas (a load balancer in front of them)."""

    def __init__(self, double: SaleorDouble) -> None:
        self.double = double
        self.origins: list[str] = []
        self.stats = DeliveryStats()
        self._next_origin = 0
        self._seen = 0
        self._pending: list[PendingDelivery] = []

    def _target(self, url: str) -> str:
        if not self.origins:
            return url
        origin = urlsplit(self.origins[self._next_origin % len(self.origins)])
        self._next_origin += 1
        parts = urlsplit(url)
        return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, parts.fragment))

    @property
    def pending(self) -> int:
        return len(self._pending) + len(self.double.state.events) - self._seen

    async def run(self, client: httpx.AsyncClient) -> None:
        loop = asyncio.get_running_loop()
        while True:
            events = self.double.state.events
            while self._seen < len(events):
                self._pending.append(PendingDelivery(self._seen, events[self._seen], due=loop.time()))
                self._seen += 1
                self.stats.emitted += 1
            now = loop.time()
            for item in [p for p in self._pending if p.due <= now]:
                if await self._attempt(client, item):
                    self._pending.remove(item)
                    self.stats.delivered += 1
                elif item.attempts >= MAX_ATTEMPTS:
                    self._pending.remove(item)
                    self.stats.given_up += 1
                else:
                    delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** min(item.attempts, 8))
                    item.due = loop.time() + delay
            await asyncio.sleep(POLL_SECONDS)

    async def _attempt(self, client: httpx.AsyncClient, item: PendingDelivery) -> bool:
        """One delivery of the event to each subscribed webhook; True when every one answered 2xx."""
        item.attempts += 1
        emitted = item.emitted
        ok = True
        for app in list(self.double.state.apps.values()):
            if not app_may_receive(app, emitted.event_type):
                continue
            if emitted.event_type.startswith("APP_") and emitted.objects.get("app") is not app:
                continue
            for spec in app.webhooks:
                if not spec.is_active or emitted.event_type not in spec.async_events:
                    continue
                body = build_payload(
                    self.double,
                    emitted.event_type,
                    emitted.objects,
                    query=spec.query,
                    recipient=app,
                    issuing_principal=emitted.issuing_principal,
                    issued_at=emitted.issued_at,
                )
                self.stats.attempts += 1
                target = self._target(spec.target_url)
                try:
                    response = await post_webhook(
                        self.double, client, emitted.event_type, body, target, custom_headers=spec.custom_headers
                    )
                    delivered = response.is_success
                except httpx.HTTPError:
                    delivered = False
                if delivered:
                    by_event, by_origin = self.stats.by_event, self.stats.by_origin
                    by_event[emitted.event_type] = by_event.get(emitted.event_type, 0) + 1
                    origin = "{0.scheme}://{0.netloc}".format(urlsplit(target))
                    by_origin[origin] = by_origin.get(origin, 0) + 1
                else:
                    self.stats.failures += 1
                    ok = False
        return ok


def seed_store(double: SaleorDouble, *, simulator_skus: bool) -> DemoStore:
    """The demo store; with ``simulator_skus`` also a variant (priced in every channel, stocked in every
    warehouse) for each SKU of the SP-API simulator's catalogue, so simulated Amazon orders import."""
    demo = double.seed_demo()
    if simulator_skus:
        from saleor_asc_app.simulator.catalog import build_catalog

        goods = next(t for t in double.state.product_types.values() if t.name == "Goods")
        warehouses = list(demo.warehouses.values())
        for sku in sorted(build_catalog("any", ["ATVPDKIKX0DER"]).keys()):
            product = double.add_product(f"Product {sku}", goods)
            double.add_variant(
                sku,
                product=product,
                name=sku,
                prices={slug: Decimal("10") for slug in demo.channels},
                stocks=dict.fromkeys(warehouses, 100_000),
            )
    return demo


def create_server_app(double: SaleorDouble, demo: DemoStore) -> Starlette:
    sender = WebhookSender(double)
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0))

    async def install(request: Request) -> Response:
        body = await request.json()
        try:
            result = await double.install(http, str(body["manifestUrl"]))
        except (InstallError, httpx.HTTPError) as exc:
            return JSONResponse({"error": str(exc) or type(exc).__name__}, status_code=502)
        return JSONResponse({"appId": result.app.id})

    async def set_targets(request: Request) -> Response:
        body = await request.json()
        sender.origins = [str(origin) for origin in body.get("origins") or []]
        return JSONResponse({"origins": sender.origins})

    async def fulfil(request: Request) -> Response:
        body = await request.json()
        order = double.state.order_by_external_reference(str(body["externalReference"]))
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        warehouse = demo.warehouses["main-warehouse"].id
        lines = [
            {"orderLineId": line.id, "stocks": [{"warehouse": warehouse, "quantity": line.quantity}]}
            for line in order.lines
        ]
        token = double.issue_access_token(demo.staff["admin"])
        variables = {"order": order.id, "input": {"lines": lines, "trackingNumber": str(body["trackingNumber"])}}
        async with double.client() as client:
            answer = await client.post(
                "/graphql/",
                json={"query": FULFIL, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        data = answer.json()
        result = (data.get("data") or {}).get("orderFulfill") or {}
        if data.get("errors") or result.get("errors"):
            return JSONResponse({"error": data.get("errors") or result.get("errors")}, status_code=400)
        return JSONResponse({"fulfillmentId": result["fulfillments"][0]["id"]})

    async def state(_request: Request) -> Response:
        orders = [
            {
                "id": order.id,
                "externalReference": order.external_reference,
                "storedAt": order.stored_at.isoformat() if order.stored_at else None,
                "lines": [{"id": line.id, "quantity": line.quantity} for line in order.lines],
                "fulfillments": [f.id for f in order.fulfillments],
            }
            for order in double.state.orders.values()
        ]
        stats = sender.stats
        return JSONResponse(
            {
                "apiUrl": double.api_url,
                "apps": [app.id for app in double.state.apps.values() if not app.removed],
                "orders": orders,
                "warehouses": {slug: w.id for slug, w in demo.warehouses.items()},
                "shippingMethods": {name: m.id for name, m in demo.shipping_methods.items()},
                "violations": len(double.violations),
                "webhooks": {
                    "emitted": stats.emitted,
                    "delivered": stats.delivered,
                    "pending": sender.pending,
                    "attempts": stats.attempts,
                    "failures": stats.failures,
                    "givenUp": stats.given_up,
                    "byEvent": stats.by_event,
                    "byOrigin": stats.by_origin,
                },
            }
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(sender.run(http))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await http.aclose()

    app = Starlette(
        routes=[
            Route("/_double/install", install, methods=["POST"]),
            Route("/_double/targets", set_targets, methods=["POST"]),
            Route("/_double/fulfil", fulfil, methods=["POST"]),
            Route("/_double/state", state, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.mount("/", double.app)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.doubles.saleor_double.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--simulator-skus", action="store_true", help="add the simulator catalogue's SKUs")
    parser.add_argument(
        "--pinned-schema-only",
        action="store_true",
        help="validate documents against the pinned schema only, not also 3.24 main (starts faster)",
    )
    args = parser.parse_args(argv)
    extra: list[Path] | None = [] if args.pinned_schema_only else None
    double = SaleorDouble(api_url=f"http://{args.host}:{args.port}/graphql/", extra_schema_paths=extra)
    demo = seed_store(double, simulator_skus=args.simulator_skus)
    print(f"Saleor double on {double.api_url}", file=sys.stderr)
    uvicorn.run(create_server_app(double, demo), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
