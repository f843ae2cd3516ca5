"""Subscriptions follow the connections: made when a connection is authorized, deleted at Amazon when it is removed,
made again after the seller revoked and re-authorized, and deleted after the app is uninstalled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from saleor_asc_app.push.tables import PushSubscription
from tests.orders.harness import SELLERS
from tests.push.harness import PushEnv, push_env
from tests.push.sqs_server import SqsServer

NA, EU = "conn-na", "conn-eu"
TYPES = ("ORDER_CHANGE", "FEED_PROCESSING_FINISHED", "REPORT_PROCESSING_FINISHED")


def _at_amazon(env: PushEnv, connection: str) -> dict[str, str] | None:
    """The connection's subscriptions at Amazon by type (None when it has none)."""
    center = env.simulator.notifications
    found = {t: s.subscription_id for t in TYPES if (s := center.subscription(SELLERS[connection][1], t)) is not None}
    return found or None


async def _rows(env: PushEnv) -> dict[str, dict[str, str | None]]:
    async with env.orders.state.sessionmaker() as session:
        rows = (await session.execute(select(PushSubscription))).scalars()
        out: dict[str, dict[str, str | None]] = {}
        for row in rows:
            out.setdefault(row.connection_id, {})[row.notification_type] = row.subscription_id
        return out


async def test_subscriptions_follow_connections_reauthorization_and_uninstall(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server) as env:
        orders = env.orders
        await orders.configure({cid: SELLERS[cid] for cid in (NA, EU)})
        await orders.run_jobs()
        first = {NA: _at_amazon(env, NA), EU: _at_amazon(env, EU)}
        assert all(ids is not None and set(ids) == set(TYPES) for ids in first.values())
        assert await _rows(env) == first
        assert len(env.simulator.notifications.destinations) == 1  # one destination, found again by its ARN

        # The EU connection is removed: its subscription is deleted at Amazon.
        config = await orders.current_config()
        await orders.save(config.model_copy(update={"connections": tuple(c for c in config.connections if c.id == NA)}))
        await orders.run_jobs()
        assert _at_amazon(env, EU) is None and _at_amazon(env, NA) == first[NA]
        assert await _rows(env) == {NA: first[NA]}

        # The seller revokes (Amazon drops the subscription) and authorizes again: it is made again.
        seller = SELLERS[NA][1]
        env.simulator.revoke_authorization(seller)
        assert _at_amazon(env, NA) is None
        token = env.simulator.reauthorize(seller)
        await orders.save(await orders.current_config(), {NA: token})
        await orders.run_jobs()
        again = _at_amazon(env, NA)
        assert again is not None and set(again) == set(TYPES)
        before = first[NA]
        assert before is not None and not set(again.values()) & set(before.values())
        assert await _rows(env) == {NA: again}

        # The app is uninstalled: the installation's rows go with it, and a job of no installation deletes the
        # subscription at Amazon.
        assert orders.env.saleor_app is not None
        orders.saleor.delete_app(orders.env.saleor_app)
        [response] = await orders.saleor.deliver_pending(orders.env.client)
        assert response.status_code == 200, response.text
        orders.clock.set(datetime.now(UTC) + timedelta(seconds=1))  # APP_DELETED enqueues on the wall clock
        await orders.run_jobs()
        assert _at_amazon(env, NA) is None
        async with orders.state.sessionmaker() as session:
            assert (await session.execute(select(func.count()).select_from(PushSubscription))).scalar_one() == 0
