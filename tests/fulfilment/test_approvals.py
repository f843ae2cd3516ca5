"""A fulfilment created WAITING_FOR_APPROVAL (Saleor's "approve fulfilments" setting) is not confirmed on Amazon;
FULFILLMENT_APPROVED confirms it, once, with the tracking number it has by then."""

from __future__ import annotations

from pathlib import Path

from tests.doubles.saleor_double.models import Fulfillment
from tests.fulfilment.harness import US_SELLER, actions, deliver, fulfil, fulfilment_env, import_unshipped_orders
from tests.fulfilment.test_shipments import UPS_NUMBER, map_methods_to

LATER_NUMBER = "1Z999AA10123456791"


async def test_a_fulfilment_waiting_for_approval_is_confirmed_only_once_approved(
    database_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        fulfillment_id = await fulfil(env, order_id, {i: ln.quantity for i, ln in enumerate(saleor_order.lines)}, "")
        fulfillment = env.saleor.state.node(fulfillment_id)
        assert isinstance(fulfillment, Fulfillment)
        fulfillment.status = "WAITING_FOR_APPROVAL"  # as Saleor creates it when fulfilments need approval
        await deliver(env)
        await env.run_jobs()
        assert await actions(env) == []
        assert env.simulator.shipments(US_SELLER) == []

        fulfillment.tracking_number = UPS_NUMBER
        fulfillment.status = "FULFILLED"
        admin = env.demo.staff["admin"]
        approved = {"fulfillment": fulfillment, "order": env.saleor.state.orders[fulfillment.order_pk]}
        env.saleor.state.emit("FULFILLMENT_APPROVED", {**approved, "notifyCustomer": False}, admin)
        env.saleor.state.emit("FULFILLMENT_APPROVED", {**approved, "notifyCustomer": False}, admin)  # redelivered
        await deliver(env)
        await env.run_jobs()

        [action] = await actions(env)
        assert (action.state, action.tracking_number, action.attempts) == ("confirmed", UPS_NUMBER, 1)
        [confirmation] = env.simulator.shipments(US_SELLER)
        assert (confirmation.order_id, confirmation.tracking_number) == (order_id, UPS_NUMBER)
