"""Fault matrix: every fault of Amazon and Saleor against every flow that talks to them (import = sync + writer,
shipment confirmation, stock feed), in virtual time through the real boundaries (the app over ASGI, the SP-API
simulator's fault injection, the Saleor double's fault plan, a transport that loses Saleor's answers).

Each case (a) checks what is visible while the fault lasts (a job retried with backoff and its reason, the
connection revoked or paused with an App Problem, an order parked with its reason), (b) clears the fault (for
authorization faults the way staff would: re-authorize, or run the connection test) and checks that everything
completes exactly once, and (c) checks that every stored webhook was answered 2xx and that the logs of the case
carry no secret and no buyer data.

Faults already covered per feature are not repeated here: single-call retries and typed errors of the SP-API client
(`tests/amazon/test_faults.py`), a revoked seller pausing the sync (`tests/connections/test_sync_pause.py`),
duplicated pages and a worker dying after orderBulkCreate (`tests/orders/faults.py`), a crash after Amazon accepted a
shipment and a 503 burst on confirmShipment (`tests/fulfilment/test_shipments.py`).

The matrix shares one environment per flow (module scope); each case works on its own orders, fulfilment or SKU
quantity. Default form: SQLite; the PostgreSQL run of the matrix is the long form (``--long``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.fulfilment.tables import ActionState, OutgoingAction
from saleor_asc_app.installations import app_token, get_by_url
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.orders.tables import AmazonOrder, SyncCursor
from saleor_asc_app.simulator import FaultKind, create_simulator_app
from tests.connections.harness import AMAZON_HOSTS as ALL_AMAZON_HOSTS
from tests.db_servers import PostgresServer, SqliteTemplate
from tests.fulfilment.harness import US_SELLER, fulfil, import_unshipped_orders
from tests.fulfilment.test_shipments import UPS_NUMBER, map_methods_to
from tests.harness import TEST_SECRET_KEY, US
from tests.inventory.test_stock_feeds import BUFFER, feed_messages
from tests.inventory.test_stock_feeds import set_up as set_up_stock
from tests.log_capture import app_logs
from tests.orders.checks import buyer_data
from tests.orders.harness import SELLERS, OrdersEnv, orders_env

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONNECTION = "conn-na"
STOCK_SKU = "SIM-KITCHEN-001"
OUTAGE = 5 * 60.0  # how long a transient fault lasts (virtual seconds)
RECOVERY_LIMIT = 8 * 3600.0


class LostAnswers(httpx.AsyncBaseTransport):
    """Saleor timeouts: while ``on``, a GraphQL request reaches Saleor and runs there, but its answer never comes
    back (the client's read timeout fires) — the harder half of a timeout, since the work may be done."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.on = False
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.on and request.url.path.startswith("/graphql"):
            await response.aread()
            self.lost += 1
            raise httpx.ReadTimeout("injected: no answer before the read timeout", request=request)
        return response


@dataclass
class World:
    env: OrdersEnv
    flow: str
    timeouts: LostAnswers
    logs: Callable[[], str]
    seeds: Iterator[int] = field(default_factory=lambda: itertools.count(100))
    spare_orders: list[str] = field(default_factory=list)
    stored_webhooks: int = 0  # webhooks the app answered as stored
    answers: Counter[int] = field(default_factory=Counter)  # HTTP status -> webhook deliveries

    async def deliver_pending(self) -> None:
        for response in await self.env.saleor.deliver_pending(self.env.env.client):
            self.record(response)

    async def deliver(self, event: str, objects: dict[str, Any]) -> None:
        self.record(await self.env.env.deliver(event, objects))

    def record(self, response: httpx.Response) -> None:
        self.answers[response.status_code] += 1
        body = response.json()
        if response.status_code == 200 and body.get("success") and "ignored" not in body:
            self.stored_webhooks += 1


# --- the environments ------------------------------------------------------------------------------------------


class Worlds:
    def __init__(
        self, stack: AsyncExitStack, new_url: Callable[[], str], data_dir: Path, logs: Callable[[], str]
    ) -> None:
        self._stack, self._new_url, self._data_dir, self._logs = stack, new_url, data_dir, logs
        self._worlds: dict[str, World] = {}

    async def get(self, flow: str) -> World:
        if flow not in self._worlds:
            timeouts: list[LostAnswers] = []

            def lose(inner: httpx.AsyncBaseTransport) -> LostAnswers:
                timeouts.append(LostAnswers(inner))
                return timeouts[0]

            directory = self._data_dir / f"{flow}-{len(self._worlds)}-{id(timeouts)}"
            directory.mkdir()
            env = await self._stack.enter_async_context(orders_env(self._new_url(), directory, saleor_transport=lose))
            consent = httpx.ASGITransport(app=create_simulator_app(env.simulator))
            for host in ALL_AMAZON_HOSTS:
                if host.startswith("sellercentral"):
                    env.env.router.add(host, consent)
            env.state.settings.spapi_application_id = env.simulator.app.application_id
            world = World(env, flow, timeouts[0], self._logs)
            await FLOWS[flow].set_up(world)
            self._worlds[flow] = world
        return self._worlds[flow]


@pytest_asyncio.fixture(
    scope="module",
    loop_scope="module",
    params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])],
)
async def worlds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate
) -> AsyncIterator[Worlds]:
    data_dir = tmp_path_factory.mktemp("faults")
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        new_url = server.new_database
    else:
        counter = itertools.count()

        def new_url() -> str:
            directory = data_dir / f"db{next(counter)}"
            directory.mkdir()
            return sqlite_template.new_database(directory)

    with app_logs("httpx") as logs:
        async with AsyncExitStack() as stack:
            yield Worlds(stack, new_url, data_dir, logs)


# --- the faults ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    name: str
    peer: str  # "amazon" or "saleor"
    kind: str  # a FaultKind for Amazon; "5xx", "429", "timeout", "schema" for Saleor
    seconds: float = OUTAGE  # how long the fault lasts before it is cleared
    warmup: float = 0.0  # virtual time between the start of the fault and the case's work (see INVALID_CLIENT)

    @property
    def auth(self) -> bool:
        return self.kind in (FaultKind.INVALID_GRANT, FaultKind.INVALID_CLIENT)

    def inject(self, world: World) -> None:
        env = world.env
        if self.peer == "amazon":
            if self.kind == FaultKind.INVALID_GRANT:
                env.simulator.inject_fault(US_SELLER, FaultKind.INVALID_GRANT)
            elif self.kind == FaultKind.INVALID_CLIENT:
                env.simulator.inject_fault(None, FaultKind.INVALID_CLIENT, count=None)
            else:
                env.simulator.inject_fault(US_SELLER, FaultKind(self.kind), count=None)
        elif self.kind == "timeout":
            world.timeouts.on = True
        elif self.kind == "429":
            env.saleor.rate_limit_next(times=10**9, retry_after="30")
        else:
            env.saleor.fail_next(status=503 if self.kind == "5xx" else 400, times=10**9)

    async def clear(self, world: World) -> None:
        env = world.env
        env.simulator.faults.clear()
        env.saleor.faults.clear()
        world.timeouts.on = False
        if self.kind == FaultKind.INVALID_GRANT:
            location = await env.reauthorize(CONNECTION, US_SELLER)
            assert "amazonAuthorization=success" in location
        elif self.kind == FaultKind.INVALID_CLIENT:
            test = "mutation($id: String!) { testAmazonConnection(connectionId: $id) { ok message } }"
            result = await env.env.dashboard_data(test, {"id": CONNECTION})
            assert result["testAmazonConnection"]["ok"] is True, result


FAULTS = [
    Fault("amazon-429-storm", "amazon", FaultKind.THROTTLE),
    Fault("amazon-5xx", "amazon", FaultKind.SERVICE_UNAVAILABLE),
    Fault("amazon-500", "amazon", FaultKind.SERVER_ERROR),
    Fault("amazon-timeout", "amazon", FaultKind.TIMEOUT),
    Fault("amazon-malformed-body", "amazon", FaultKind.MALFORMED_BODY),
    Fault("amazon-invalid-grant", "amazon", FaultKind.INVALID_GRANT, seconds=3600.0),
    # LWA is only asked when the cached access token (1 h) runs out: the case's work starts after that.
    Fault("amazon-invalid-client", "amazon", FaultKind.INVALID_CLIENT, seconds=600.0, warmup=3900.0),
    Fault("saleor-5xx", "saleor", "5xx"),
    Fault("saleor-429", "saleor", "429"),
    Fault("saleor-timeout", "saleor", "timeout"),
    Fault("saleor-schema-error", "saleor", "schema"),
]


# --- the flows -----------------------------------------------------------------------------------------------


class Flow:
    """One flow of the matrix: how its world is set up, how a case starts work, what is visible during a fault,
    when the work is done and what exactly once means for it."""

    async def set_up(self, world: World) -> None:
        raise NotImplementedError

    async def before_fault(self, world: World) -> Any:
        """Work staff do in Saleor before the fault starts (Saleor's own API is not under the fault)."""
        return None

    async def start(self, world: World, item: Any) -> Any:
        raise NotImplementedError

    async def during(self, world: World, item: Any, fault: Fault) -> None:
        raise NotImplementedError

    async def done(self, world: World, item: Any) -> bool:
        raise NotImplementedError

    async def exactly_once(self, world: World, item: Any, fault: Fault) -> None:
        raise NotImplementedError


class ImportFlow(Flow):
    async def set_up(self, world: World) -> None:
        for seller in world.env.simulator.sellers.values():
            seller.orders.clear()
        await world.env.configure({CONNECTION: SELLERS[CONNECTION]})
        await world.env.run_for(1800, step=600)

    async def start(self, world: World, item: Any) -> list[str]:
        env = world.env
        now = env.clock.now()
        orders = env.simulator.generate_orders(
            US_SELLER, 3, seed=next(world.seeds), start=now - timedelta(minutes=2), end=now,
            afn_share=0.0, cancel_share=0.0, preorder_share=0.0, replacement_share=0.0, mfn_auto_ship_share=0.0,
            unknown_sku_share=0.0,
        )  # fmt: skip
        return [o.order_id for o in orders]

    async def reached_saleor_step(self, world: World, item: list[str]) -> None:
        """New Amazon orders wait for payment first; a Saleor fault matters once Amazon lets them be imported."""
        env = world.env

        async def paid() -> bool:
            now = env.clock.now()
            return all(env.simulator.order(o).status(now) is not FulfillmentStatus.PENDING for o in item)

        await env.run_until(paid, limit=6 * 3600.0)

    async def during(self, world: World, item: list[str], fault: Fault) -> None:
        env = world.env
        assert not [o for o in item if env.saleor_order(o) is not None], "imported although a peer is down"
        if fault.peer == "amazon" and not fault.auth:
            cursor = await sync_cursor(env)
            assert cursor.last_error, "the sync shows no reason"
            assert cursor.next_run_at is not None and aware(cursor.next_run_at) > env.clock.now()
        elif fault.peer == "saleor":
            await assert_retrying(env, "orders.write", "Saleor")

    async def recover(self, world: World, item: list[str], fault: Fault) -> None:
        parked = [r.amazon_order_id for r in await order_rows(world.env, item) if r.reason_code == "saleor_rejected"]
        if parked:  # an order Saleor rejected waits for staff: they replay it once Saleor is fixed
            for order_id in parked:
                replay = "mutation($id: String!) { replayAmazonOrder(amazonOrderId: $id) { amazonOrderId state } }"
                await world.env.env.dashboard_data(replay, {"id": order_id})

    async def done(self, world: World, item: list[str]) -> bool:
        return all(world.env.saleor_order(o) is not None for o in item)

    async def exactly_once(self, world: World, item: list[str], fault: Fault) -> None:
        env = world.env
        references = Counter(o.external_reference for o in env.saleor_orders())
        assert [r for r, n in references.items() if n > 1] == [], "an Amazon order is in Saleor twice"
        rows = await order_rows(env, item)
        assert sorted(r.amazon_order_id for r in rows) == sorted(item)
        for row in rows:
            saleor = env.saleor_order(row.amazon_order_id)
            assert saleor is not None and row.saleor_order_id == saleor.id
            assert row.state == "imported", (row.state, row.reason_code)


class ShipmentFlow(Flow):
    async def set_up(self, world: World) -> None:
        world.spare_orders = list(reversed(await import_unshipped_orders(world.env, 14)))
        await map_methods_to(world.env, "UPS")

    async def before_fault(self, world: World) -> str:
        env = world.env
        order_id = world.spare_orders.pop()
        order = env.saleor_order(order_id)
        assert order is not None
        await fulfil(env, order_id, {i: line.quantity for i, line in enumerate(order.lines)}, UPS_NUMBER)
        return order_id

    async def start(self, world: World, item: str) -> str:
        await world.deliver_pending()
        return item

    async def during(self, world: World, item: str, fault: Fault) -> None:
        env = world.env
        assert confirmations(env, item) == [], "confirmed although a peer is down"
        kinds = ("fulfilment.send_action", "webhook")
        if fault.kind == FaultKind.MALFORMED_BODY:
            # The client retries a truncated body a few times, then the action ends failed with Amazon's reason,
            # shown in the order widget and as a processing error; staff send it again.
            [action] = await order_actions(env, item)
            assert (action.state, bool(action.message)) == (ActionState.FAILED.value, True)
        elif fault.peer == "amazon" and not fault.auth:
            [action] = await order_actions(env, item)
            assert action.state == ActionState.PENDING.value
            await assert_retrying(env, kinds, None)
        elif fault.peer == "saleor":
            await assert_retrying(env, kinds, "Saleor")

    async def recover(self, world: World, item: str, fault: Fault) -> None:
        order = world.env.saleor_order(item)
        assert order is not None
        listed = await world.env.env.dashboard_data(ACTIONS, {"order": order.id})
        for action in listed["amazonOutgoingActions"]:
            if action["state"] == ActionState.FAILED.value:
                assert action["canRetry"] and action["message"]
                assert (await world.env.env.dashboard_data(RETRY, {"id": action["id"]}))[
                    "retryAmazonOutgoingAction"
                ] is True

    async def done(self, world: World, item: str) -> bool:
        actions = await order_actions(world.env, item)
        return bool(actions) and all(a.state == ActionState.CONFIRMED.value for a in actions)

    async def exactly_once(self, world: World, item: str, fault: Fault) -> None:
        env = world.env
        [action] = await order_actions(env, item)
        sim = env.simulator.order(item)
        assert len(sim.shipments) == 1, "Amazon holds more than one package for one Saleor fulfilment"
        assert sim.shipped(env.clock.now()) == sim.quantities
        assert {c.package_reference_id for c in confirmations(env, item)} == {action.package_reference_id}


ACTIONS = "query($order: String) { amazonOutgoingActions(saleorOrderId: $order) { id state message canRetry } }"
RETRY = "mutation($id: ID!) { retryAmazonOutgoingAction(id: $id) }"


class StockFlow(Flow):
    async def set_up(self, world: World) -> None:
        from saleor_asc_app.inventory.sync import ensure_reconciliation

        env = world.env
        await set_up_stock(env)
        async with env.state.sessionmaker() as session, session.begin():
            await ensure_reconciliation(session, env.installation_id, now=env.clock.now())
        await env.run_for(300, step=60)
        assert listing_quantity(env) == 40 - BUFFER

    async def before_fault(self, world: World) -> int:
        env = world.env
        quantity = next(world.seeds)
        variant = env.saleor.state.variant_by_sku(STOCK_SKU)
        assert variant is not None
        env.saleor.set_stock(variant, env.demo.warehouses["main-warehouse"], quantity)
        return quantity - BUFFER

    async def start(self, world: World, item: int) -> int:
        env = world.env
        variant = env.saleor.state.variant_by_sku(STOCK_SKU)
        await world.deliver(
            "PRODUCT_VARIANT_STOCK_UPDATED",
            {"productVariant": variant, "warehouse": env.demo.warehouses["main-warehouse"]},
        )
        return item

    async def during(self, world: World, item: int, fault: Fault) -> None:
        env = world.env
        assert listing_quantity(env) != item
        kinds = ("inventory.sync", "inventory.feed_result", "webhook")
        if fault.peer == "amazon" and not fault.auth:
            await assert_retrying(env, kinds, None)
        elif fault.peer == "saleor":
            await assert_retrying(env, kinds, "Saleor")

    async def done(self, world: World, item: int) -> bool:
        return listing_quantity(world.env) == item

    async def exactly_once(self, world: World, item: int, fault: Fault) -> None:
        sent = [feed.get(STOCK_SKU) for feed in feed_messages(world.env)]
        assert sent.count(item) == 1, f"quantity {item} sent {sent.count(item)} times"


FLOWS: dict[str, Flow] = {"import": ImportFlow(), "shipment": ShipmentFlow(), "stock": StockFlow()}


# --- the matrix ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("flow", list(FLOWS))
async def test_fault(worlds: Worlds, flow: str, fault: Fault) -> None:
    world = await worlds.get(flow)
    logs_from = len(world.logs())
    stored_before = world.stored_webhooks

    try:
        await run_case(world, fault, logs_from, stored_before)
    finally:
        world.env.simulator.faults.clear()
        world.env.saleor.faults.clear()
        world.timeouts.on = False


async def run_case(world: World, fault: Fault, logs_from: int, stored_before: int) -> None:
    env, flow = world.env, world.flow
    steps = FLOWS[flow]
    if fault.warmup:
        fault.inject(world)
        await env.run_for(fault.warmup, step=600)
    item = await steps.before_fault(world)
    fault.inject(world)
    item = await steps.start(world, item)
    if fault.peer == "saleor" and isinstance(steps, ImportFlow):
        await steps.reached_saleor_step(world, item)
    await env.run_for(fault.seconds, step=300)

    # (a) while the fault lasts
    if fault.kind == FaultKind.INVALID_GRANT:
        assert await connection_state(env) == ("REVOKED", True)
        assert await open_problems(env) == [f"amazon-authorization-revoked-{CONNECTION}"]
    elif fault.kind == FaultKind.INVALID_CLIENT:
        state, paused = await connection_state(env)
        assert paused and state != "CONNECTED", state
    await steps.during(world, item, fault)
    assert not await steps.done(world, item)
    assert await dead_jobs(env) == []

    # (b) after the fault clears: everything completes, exactly once
    await fault.clear(world)
    recover = getattr(steps, "recover", None)
    if recover is not None:
        await recover(world, item, fault)

    async def done() -> bool:
        return await steps.done(world, item)

    await env.run_until(done, limit=RECOVERY_LIMIT)
    await env.run_for(1800, step=600)  # and nothing happens twice afterwards
    await steps.exactly_once(world, item, fault)
    assert await dead_jobs(env) == []
    assert await connection_state(env) == ("CONNECTED", False)
    assert await open_problems(env) == []

    # (c) Saleor never saw a 5xx for a webhook the app stored; every stored webhook was processed once
    assert [s for s in world.answers if s >= 300] == [], world.answers
    assert world.stored_webhooks > stored_before or flow == "import"
    assert await webhook_rows(env) == (world.stored_webhooks, world.stored_webhooks)
    leaked = [name for name, value in await secrets(env) if value in world.logs()[logs_from:]]
    assert leaked == [], f"secrets or buyer data in the logs: {leaked}"


# --- helpers -------------------------------------------------------------------------------------------------


def aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def dead_jobs(env: OrdersEnv) -> list[tuple[str, str | None]]:
    """Dead jobs, except the warning e-mails these worlds cannot send (no SMTP server configured: by design they
    fail once, visibly, see tests/connections/test_warnings.py)."""
    return [(k, e) for k, e in await env.dead_jobs() if not (e or "").startswith("E-mail is not configured")]


async def sync_cursor(env: OrdersEnv) -> SyncCursor:
    async with env.state.sessionmaker() as session:
        cursor: SyncCursor = (
            await session.execute(
                select(SyncCursor).where(
                    SyncCursor.installation_id == env.installation_id, SyncCursor.connection_id == CONNECTION
                )
            )
        ).scalar_one()
        return cursor


async def order_rows(env: OrdersEnv, order_ids: list[str]) -> list[AmazonOrder]:
    async with env.state.sessionmaker() as session:
        result = await session.execute(
            select(AmazonOrder).where(
                AmazonOrder.installation_id == env.installation_id, AmazonOrder.amazon_order_id.in_(order_ids)
            )
        )
        return list(result.scalars())


async def order_actions(env: OrdersEnv, order_id: str) -> list[OutgoingAction]:
    async with env.state.sessionmaker() as session:
        result = await session.execute(select(OutgoingAction).where(OutgoingAction.amazon_order_id == order_id))
        return list(result.scalars())


def confirmations(env: OrdersEnv, order_id: str) -> list[Any]:
    return [c for c in env.simulator.shipments(US_SELLER) if c.order_id == order_id]


def listing_quantity(env: OrdersEnv) -> int | None:
    quantity: int | None = env.simulator.sellers[US_SELLER].catalog[STOCK_SKU].listing_quantity.get(US)
    return quantity


async def assert_retrying(env: OrdersEnv, kinds: str | tuple[str, ...], reason: str | None) -> None:
    """A job of one of ``kinds`` waits for its next attempt (backoff) with the reason of its last failure."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    async with env.state.sessionmaker() as session:
        jobs = list(
            (
                await session.execute(
                    select(Job).where(
                        Job.kind.in_(kinds), Job.status == JobStatus.PENDING.value, Job.last_error.is_not(None)
                    )
                )
            ).scalars()
        )
    now = env.clock.now()
    waiting = [j for j in jobs if aware(j.run_after) > now and (reason is None or reason in (j.last_error or ""))]
    if not waiting:
        async with env.state.sessionmaker() as session:
            every = (await session.execute(select(Job.kind, Job.status, Job.attempts, Job.last_error))).all()
        raise AssertionError(f"no {kinds} job waits with a reason; jobs: {[tuple(j) for j in every]}")


async def webhook_rows(env: OrdersEnv) -> tuple[int, int]:
    """(stored, processed) webhook events."""
    async with env.state.sessionmaker() as session:
        stored = (await session.execute(select(func.count()).select_from(WebhookEvent))).scalar_one()
        processed = (
            await session.execute(
                select(func.count()).select_from(WebhookEvent).where(WebhookEvent.processed_at.is_not(None))
            )
        ).scalar_one()
    return int(stored), int(processed)


async def connection_state(env: OrdersEnv) -> tuple[str, bool]:
    data = await env.env.dashboard_data("{ amazonAuthorizations { connections { id state paused } } }", {})
    [connection] = [c for c in data["amazonAuthorizations"]["connections"] if c["id"] == CONNECTION]
    return str(connection["state"]), bool(connection["paused"])


async def open_problems(env: OrdersEnv) -> list[str]:
    return sorted(p.key for p in env.saleor.state.app_problems.values() if not p.dismissed_by_app)


async def secrets(env: OrdersEnv) -> list[tuple[str, str]]:
    """Every secret the case could leak (named, values not shown) and the buyers' data."""
    simulator = env.simulator
    values: list[tuple[str, str]] = [
        ("lwa client secret", simulator.app.client_secret),
        ("master key", TEST_SECRET_KEY),
    ]
    for seller in simulator.sellers.values():
        values += [("refresh token", token) for token in seller.refresh_tokens]
    values += [("access token", token) for token in simulator.tokens]
    async with env.state.sessionmaker() as session:
        installation = await get_by_url(session, env.saleor.api_url)
    assert installation is not None
    values.append(("saleor app token", app_token(installation, env.state.secret_box)))
    values += [("buyer data", value) for value in buyer_data(env)]
    return [(name, value) for name, value in values if value]
