"""Outgoing actions never call Amazon for a connection that is not usable (revoked, expired): the action stays
pending with the reason shown, its job waits without spending attempts, and it is sent once the seller
re-authorizes."""

from __future__ import annotations

from pathlib import Path

from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.readiness import PAUSED_RECHECK
from tests.fulfilment.harness import (
    US_SELLER,
    actions,
    deliver,
    fulfil,
    fulfilment_env,
    import_unshipped_orders,
    staff_graphql,
)
from tests.fulfilment.test_shipments import UPS_NUMBER, map_methods_to


async def test_a_revoked_connection_pauses_shipments_until_reauthorized(database_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        await map_methods_to(env, "UPS")
        async with env.state.sessionmaker() as session, session.begin():
            assert await authorization.mark_revoked(session, env.installation_id, "conn-na", now=env.clock.now())
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        await fulfil(env, order_id, {i: ln.quantity for i, ln in enumerate(saleor_order.lines)}, UPS_NUMBER)
        await deliver(env)
        calls_before = sum(env.simulator.stats.requests.values())
        await env.run_for(3 * PAUSED_RECHECK, step=PAUSED_RECHECK)

        [action] = await actions(env)
        assert (action.state, action.attempts) == ("pending", 0)
        assert action.message is not None and action.message.startswith("Waiting for the Amazon connection")
        assert env.simulator.shipments(US_SELLER) == []
        assert sum(env.simulator.stats.requests.values()) == calls_before  # not even getOrder

        token = env.simulator.reauthorize(US_SELLER)
        await env.save(await env.current_config(), {"conn-na": token})
        await env.run_for(PAUSED_RECHECK + 60, step=60)
        [action] = await actions(env)
        assert (action.state, action.attempts) == ("confirmed", 1)
        [confirmation] = env.simulator.shipments(US_SELLER)
        assert confirmation.order_id == order_id


async def test_a_revoked_connection_holds_cancellations_until_reauthorized(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        [order_id, *_] = await import_unshipped_orders(env, 1)
        async with env.state.sessionmaker() as session, session.begin():
            assert await authorization.mark_revoked(session, env.installation_id, "conn-na", now=env.clock.now())
        saleor_order = env.saleor_order(order_id)
        assert saleor_order is not None
        await staff_graphql(env, "mutation($id: ID!) { orderCancel(id: $id) { errors { code } } }",
                            {"id": saleor_order.id})  # fmt: skip
        await deliver(env)
        calls_before = sum(env.simulator.stats.requests.values())
        await env.run_for(3 * PAUSED_RECHECK, step=PAUSED_RECHECK)

        [action] = await actions(env)
        assert (action.kind, action.state, action.attempts) == ("cancel", "pending", 0)
        assert action.message is not None and action.message.startswith("Waiting for the Amazon connection")
        assert sum(env.simulator.stats.requests.values()) == calls_before  # no getOrder, no feed

        token = env.simulator.reauthorize(US_SELLER)
        await env.save(await env.current_config(), {"conn-na": token})
        await env.run_for(PAUSED_RECHECK + 300, step=60)
        [action] = await actions(env)
        assert (action.state, action.attempts) == ("confirmed", 1)
        assert {c.order_id for c in env.simulator.cancellations} == {order_id}
