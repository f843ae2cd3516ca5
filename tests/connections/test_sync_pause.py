"""A revoked authorization pauses the seller's order sync (no retry storm), raises the App Problem and the banner
state; re-authorizing through OAuth clears them and the sync catches up without losing an order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from saleor_asc_app.simulator import create_simulator_app
from tests.connections.harness import AMAZON_HOSTS
from tests.notifications.smtp_server import SmtpSink
from tests.orders.harness import SELLERS, OrdersEnv, orders_env

OVERVIEW = "{ amazonAuthorizations { connections { id state paused } } }"


async def overview(env: OrdersEnv) -> dict[str, tuple[str, bool]]:
    response = await env.env.client.post("/api/graphql", json={"query": OVERVIEW}, headers=env.env.dashboard_headers())
    return {c["id"]: (c["state"], c["paused"]) for c in response.json()["data"]["amazonAuthorizations"]["connections"]}


async def test_invalid_grant_pauses_the_sync_and_reauthorization_resumes_it(
    sqlite_url: str, tmp_path: Path, smtp: SmtpSink
) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        settings = env.state.settings
        settings.smtp_host, settings.smtp_port, settings.smtp_tls = smtp.host, smtp.port, "none"
        settings.spapi_application_id = env.simulator.app.application_id
        consent = httpx.ASGITransport(app=create_simulator_app(env.simulator))
        for host in AMAZON_HOSTS:
            if host.startswith("sellercentral"):
                env.env.router.add(host, consent)
        region, seller_id, markets = SELLERS["conn-eu"]
        await env.configure({"conn-eu": (region, seller_id, markets)})
        now = env.clock.now()
        before = env.simulator.generate_orders(seller_id, 6, seed=11, start=now, end=now + timedelta(minutes=20))
        await env.run_for(1800)
        assert {o.order_id for o in before} <= {r.amazon_order_id for r in await env.rows()}

        # The seller revokes the app in Seller Central; new orders keep coming in on Amazon.
        env.simulator.inject_fault(seller_id, "invalid_grant")
        now = env.clock.now()
        during = env.simulator.generate_orders(seller_id, 8, seed=12, start=now, end=now + timedelta(hours=2))
        await env.run_for(600)
        assert await overview(env) == {"conn-eu": ("REVOKED", True)}
        (problem,) = [p for p in env.saleor.state.app_problems.values() if not p.dismissed_by_app]
        assert (problem.key, problem.is_critical) == ("amazon-authorization-revoked-conn-eu", True)
        (message,) = smtp.wait_for(1)
        assert message.subject == f"Amazon authorization revoked for seller {seller_id} (Europe)"

        # Paused, not retrying: three more hours bring no call to LWA or the SP-API for this seller.
        lwa_calls, searches = env.simulator.stats.lwa_requests, env.simulator.stats.requests["searchOrders"]
        await env.run_for(3 * 3600, step=300)
        assert env.simulator.stats.lwa_requests == lwa_calls
        assert env.simulator.stats.requests["searchOrders"] == searches
        assert await env.dead_jobs() == []

        location = await env.reauthorize("conn-eu", seller_id)
        assert "amazonAuthorization=success" in location
        await env.run_for(1800)

        assert await overview(env) == {"conn-eu": ("CONNECTED", False)}
        assert [p for p in env.saleor.state.app_problems.values() if not p.dismissed_by_app] == []
        stored = {r.amazon_order_id for r in await env.rows()}
        assert {o.order_id for o in [*before, *during]} <= stored  # nothing created during the pause was lost
        assert await env.dead_jobs() == []
        assert len(smtp.messages()) == 1
