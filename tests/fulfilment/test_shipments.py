"""Saleor fulfilments of imported Amazon orders confirm shipments on the SP-API simulator: one package per
fulfilment with Amazon's order item ids and quantities, the mapped carrier, tracking updates re-confirming the
same package, pre-flight refusals, and crash safety (nothing lost, nothing confirmed twice)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.configuration.model import CarrierMapping
from saleor_asc_app.fulfilment.intake import package_reference
from saleor_asc_app.fulfilment.tables import ActionState
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.processing_errors.tables import ProcessingError
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import JOB_KIND as WEBHOOK_JOB
from tests.fulfilment.harness import (
    US_SELLER,
    actions,
    deliver,
    fulfil,
    fulfilment_env,
    import_unshipped_orders,
    update_tracking,
)
from tests.orders.faults import run_until_death
from tests.orders.harness import OrdersEnv

UPS_NUMBER = "1Z999AA10123456784"


async def map_methods_to(env: OrdersEnv, code: str, name: str | None = None) -> None:
    """Maps every shipping method of the demo store (orders may come with any of them) to this carrier."""
    config = await env.current_config()
    mappings = tuple(
        CarrierMapping(shipping_method=method.id, carrier_code=code, carrier_name=name)
        for method in env.demo.shipping_methods.values()
    )
    await env.save(config.model_copy(update={"carrier_mappings": mappings}))


async def ship_everything(env: OrdersEnv, order_id: str, tracking_number: str) -> None:
    """Fulfils every line of the order in Saleor with this tracking number and lets the app send it."""
    saleor_order = env.saleor_order(order_id)
    assert saleor_order is not None
    await fulfil(env, order_id, {i: line.quantity for i, line in enumerate(saleor_order.lines)}, tracking_number)
    await deliver(env)
    await env.run_jobs()


def item_ids(env: OrdersEnv, amazon_order_id: str) -> list[str]:
    order = env.saleor_order(amazon_order_id)
    assert order is not None
    return [line.metadata.get("amazon.order_item_id", "") for line in order.lines]


async def test_a_fulfilment_with_tracking_confirms_the_shipment_on_amazon(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        everything = {index: line.quantity for index, line in enumerate(saleor_order.lines)}
        fulfillment_id = await fulfil(env, order_id, everything, UPS_NUMBER)
        await deliver(env)
        await env.run_jobs()

        [confirmation] = env.simulator.shipments(US_SELLER)
        assert confirmation.order_id == order_id
        assert confirmation.package_reference_id == package_reference(fulfillment_id)
        assert (confirmation.carrier_code, confirmation.tracking_number) == ("UPS", UPS_NUMBER)
        sim = env.simulator.order(order_id)
        assert confirmation.items == sim.quantities
        assert sim.status(env.clock.now()) is FulfillmentStatus.SHIPPED
        [action] = await actions(env)
        assert action.state == ActionState.CONFIRMED.value
        assert action.attempts == 1


async def test_partial_shipments_are_separate_packages_and_tracking_updates_reconfirm_the_package(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        order_id = await an_order_with_units(env, 2)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        first = await fulfil(env, order_id, {0: 1}, UPS_NUMBER)
        await deliver(env)
        await env.run_jobs()
        sim = env.simulator.order(order_id)
        assert sim.status(env.clock.now()) is FulfillmentStatus.PARTIALLY_SHIPPED
        [first_item] = [item_ids(env, order_id)[0]]
        assert sim.shipped(env.clock.now())[first_item] == 1

        new_number = "1Z999AA10123456795"
        await update_tracking(env, first, new_number)
        await deliver(env)
        await env.run_jobs()
        confirmations = env.simulator.shipments(US_SELLER)
        assert [(c.package_reference_id, c.tracking_number) for c in confirmations] == [
            (package_reference(first), UPS_NUMBER),
            (package_reference(first), new_number),
        ]
        assert sim.shipped(env.clock.now())[first_item] == 1  # the edit replaced the package, not added one
        [package] = [s for s in sim.shipments if s.package_reference_id == package_reference(first)]
        assert package.tracking_number == new_number

        rest = {i: line.quantity - line.quantity_fulfilled for i, line in enumerate(saleor_order.lines)}
        second = await fulfil(env, order_id, {i: q for i, q in rest.items() if q}, "1Z999AA10123456806")
        await deliver(env)
        await env.run_jobs()
        assert package_reference(second) != package_reference(first)
        assert sim.status(env.clock.now()) is FulfillmentStatus.SHIPPED
        assert sim.shipped(env.clock.now()) == sim.quantities
        states = sorted((a.saleor_fulfillment_id == first, a.version, a.state) for a in await actions(env))
        assert states == [(False, 1, "confirmed"), (True, 1, "confirmed"), (True, 2, "confirmed")]


async def an_order_with_units(env: OrdersEnv, at_least: int) -> str:
    for order_id in await import_unshipped_orders(env, 6):
        order = env.saleor_order(order_id)
        assert order is not None
        if sum(line.quantity for line in order.lines) >= at_least:
            return order_id
    raise AssertionError("no generated order has enough units")


async def errors(env: OrdersEnv) -> list[ProcessingError]:
    async with env.state.sessionmaker() as session:
        result = await session.execute(
            select(ProcessingError).where(ProcessingError.installation_id == env.installation_id)
        )
        return list(result.scalars())


@pytest.mark.parametrize(
    ("carrier", "tracking", "code", "reason"),
    [
        ("UPS", "12345", "tracking_format", "does not fit the format of UPS tracking numbers"),
        ("Royal Mail", UPS_NUMBER, "tracking_format", "does not fit the format of Royal Mail"),
        ("UPS", "", "tracking_missing", "Amazon requires a tracking number"),
    ],
)
async def test_preflight_refuses_tracking_numbers_that_do_not_fit(
    sqlite_url: str, tmp_path: Path, carrier: str, tracking: str, code: str, reason: str
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, carrier)
        await ship_everything(env, order_id, tracking)
        assert env.simulator.shipments(US_SELLER) == []
        [action] = await actions(env)
        assert action.state == ActionState.REFUSED.value
        assert action.message is not None and reason in action.message
        [error] = await errors(env)
        assert (error.source, error.code, error.amazon_order_id) == ("shipment", code, order_id)


async def test_preflight_refuses_more_units_than_amazon_has_unshipped(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        await fulfil(env, order_id, {i: line.quantity for i, line in enumerate(saleor_order.lines)}, UPS_NUMBER)
        await deliver(env)
        env.simulator.advance_order(order_id, FulfillmentStatus.SHIPPED)  # shipped in Seller Central meanwhile
        await env.run_jobs()
        assert env.simulator.shipments(US_SELLER) == []
        [action] = await actions(env)
        assert action.state == ActionState.REFUSED.value
        assert action.message is not None and "Amazon has only 0 unshipped" in action.message


CONFIRM_CARRIER = """mutation($id: ID!, $code: String!, $name: String) {
  confirmAmazonShipmentCarrier(id: $id, carrierCode: $code, carrierName: $name) { state carrierCode carrierName } }"""


async def test_unmapped_shipping_methods_are_held_until_staff_confirm_a_carrier(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await ship_everything(env, order_id, "ABC-123")
        assert env.simulator.shipments(US_SELLER) == []  # not "Other" with the store's method name
        [action] = await actions(env)
        assert action.state == ActionState.REFUSED.value
        assert action.message is not None and "has no Amazon carrier" in action.message
        [error] = await errors(env)
        assert error.code == "carrier_unmapped"

        confirmed = await env.env.dashboard_data(
            CONFIRM_CARRIER, {"id": str(action.id), "code": "Other", "name": "Acme"}
        )
        assert confirmed["confirmAmazonShipmentCarrier"] == {
            "state": "pending", "carrierCode": "Other", "carrierName": "Acme"
        }  # fmt: skip
        await env.run_jobs()
        [confirmation] = env.simulator.shipments(US_SELLER)
        [package] = env.simulator.order(order_id).shipments
        assert (confirmation.carrier_code, package.carrier_name) == ("Other", "Acme")
        [action] = await actions(env)
        assert action.state == ActionState.CONFIRMED.value


async def test_named_carriers_go_without_a_carrier_name_and_japanese_ones_with_amazons_code(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "YamatoTransport", "Yamato")  # a stray name is not sent with a named carrier
        await ship_everything(env, order_id, "1234-5678-9012")
        [confirmation] = env.simulator.shipments(US_SELLER)
        [package] = env.simulator.order(order_id).shipments
        assert (confirmation.carrier_code, package.carrier_name) == ("YamatoTransport", None)


async def test_any_carrier_code_may_be_mapped(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "Seino Transportation")  # not among the suggestions; Amazon knows more codes
        await ship_everything(env, order_id, "ABC-123")
        [confirmation] = env.simulator.shipments(US_SELLER)
        assert confirmation.carrier_code == "Seino Transportation"


async def test_orders_that_did_not_come_from_amazon_are_ignored(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        async with env.state.sessionmaker() as session, session.begin():
            await session.execute(update(AmazonOrder).values(saleor_order_id="T3JkZXI6b3RoZXI="))  # unlink
        await ship_everything(env, order_id, UPS_NUMBER)
        assert await actions(env) == []
        assert env.simulator.shipments(US_SELLER) == []


class DieAfterConfirm(httpx.AsyncBaseTransport):
    """Amazon accepts the first confirmShipment, then the worker dies before it hears the answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.died = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/shipmentConfirmation") and not self.died.is_set():
            await response.aread()
            self.died.set()
            await asyncio.Event().wait()  # the process is gone; only cancellation ends this
        return response


async def test_a_crash_after_amazon_accepted_loses_nothing_and_never_ships_twice(
    database_url: str, tmp_path: Path
) -> None:
    dying: list[DieAfterConfirm] = []

    def die(inner: httpx.AsyncBaseTransport) -> DieAfterConfirm:
        dying.append(DieAfterConfirm(inner))
        return dying[0]

    async with fulfilment_env(database_url, tmp_path, amazon_transport=die) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        await fulfil(env, order_id, {i: line.quantity for i, line in enumerate(saleor_order.lines)}, UPS_NUMBER)
        await deliver(env)
        assert await run_until_death(env.run_jobs, dying[0].died)
        [action] = await actions(env)
        assert action.state == ActionState.SENT.value  # Amazon has it; the app does not know yet

        env.clock.advance(env.state.settings.job_lease_seconds + 1)  # the dead worker's lease runs out
        await env.run_jobs()
        [action] = await actions(env)
        assert action.state == ActionState.CONFIRMED.value
        sim = env.simulator.order(order_id)
        assert len(sim.shipments) == 1  # the retry re-confirmed the same package
        assert sim.shipped(env.clock.now()) == sim.quantities
        assert {c.package_reference_id for c in env.simulator.shipments(US_SELLER)} == {action.package_reference_id}


ACTIONS = """query($order: String) { amazonOutgoingActions(saleorOrderId: $order) {
  id state message canRetry trackingNumber carrierCode packageReferenceId } }"""
RETRY = "mutation($id: ID!) { retryAmazonOutgoingAction(id: $id) }"


async def test_a_refused_shipment_shows_why_and_staff_can_retry_it_after_fixing_the_cause(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "Royal Mail")  # wrong carrier for a UPS number
        await ship_everything(env, order_id, UPS_NUMBER)
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        [shown] = (await env.env.dashboard_data(ACTIONS, {"order": saleor_order.id}))["amazonOutgoingActions"]
        assert shown["state"] == "refused" and shown["canRetry"]
        assert "does not fit the format of Royal Mail" in shown["message"]

        await map_methods_to(env, "UPS")
        assert (await env.env.dashboard_data(RETRY, {"id": shown["id"]}))["retryAmazonOutgoingAction"] is True
        await env.run_jobs()
        [shown] = (await env.env.dashboard_data(ACTIONS, {"order": saleor_order.id}))["amazonOutgoingActions"]
        assert (shown["state"], shown["carrierCode"], shown["canRetry"]) == ("confirmed", "UPS", False)
        [confirmation] = env.simulator.shipments(US_SELLER)
        assert confirmation.carrier_code == "UPS"
        assert (await env.env.dashboard_data(RETRY, {"id": shown["id"]}))["retryAmazonOutgoingAction"] is False


async def test_transient_amazon_failures_are_retried_until_confirmed(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        await fulfil(env, order_id, {i: line.quantity for i, line in enumerate(saleor_order.lines)}, UPS_NUMBER)
        await deliver(env)
        env.simulator.inject_fault(US_SELLER, "service_unavailable", count=12, operation="confirmShipment")
        await env.run_jobs()
        [action] = await actions(env)
        assert action.state == ActionState.PENDING.value  # waiting for its next attempt, with the reason shown
        assert action.message is not None and "ServiceUnavailable" in action.message
        assert env.simulator.shipments(US_SELLER) == []
        await env.run_for(4 * 3600, step=300)
        [action] = await actions(env)
        assert action.state == ActionState.CONFIRMED.value and action.attempts >= 2
        assert len(env.simulator.shipments(US_SELLER)) == 1


async def test_items_amazon_wants_serial_numbers_for_are_refused_before_sending(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        [item, *_] = env.simulator.order(order_id).body["orderItems"]
        item.setdefault("fulfillment", {})["packing"] = {"serialNumberRequirement": {"requirementType": "REQUIRED"}}
        await ship_everything(env, order_id, UPS_NUMBER)
        assert env.simulator.shipments(US_SELLER) == []
        [action] = await actions(env)
        assert action.state == ActionState.REFUSED.value
        assert action.message is not None and f"requires serial numbers for order item(s) {item['orderItemId']}" in (
            action.message
        )
        [error] = await errors(env)
        assert error.code == "serial_numbers_required"


async def test_a_version_replaced_before_it_was_sent_is_superseded_and_only_the_newest_goes_out(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        everything = {index: line.quantity for index, line in enumerate(saleor_order.lines)}
        webhooks_only = JobRegistry[AppState]()
        webhook_kind = env.state.jobs.get(WEBHOOK_JOB)
        assert webhook_kind is not None
        webhooks_only.register(webhook_kind)
        fulfillment_id = await fulfil(env, order_id, everything, UPS_NUMBER)
        await deliver(env)
        await Worker(env.state.queue, webhooks_only, env.state, env.clock).run_until_idle()
        new_number = "1Z999AA10123456795"
        await update_tracking(env, fulfillment_id, new_number)  # before version 1 was sent
        await deliver(env)
        await env.run_jobs()

        [confirmation] = env.simulator.shipments(US_SELLER)
        assert confirmation.tracking_number == new_number
        assert [(a.version, a.state) for a in await actions(env)] == [
            (1, ActionState.SUPERSEDED.value),
            (2, ActionState.CONFIRMED.value),
        ]
