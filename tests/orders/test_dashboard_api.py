"""The order inbox's API through ASGI with real dashboard tokens from the Saleor double: orders synced from the
simulator and imported by the real worker are listed with state, reason, amounts and the Saleor link; filters and
pages; a parked order (unknown SKU) replays into Saleor once the variant exists; skip; sync status and imports per
day; permission refusals; another store sees and changes nothing of this one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import jwt
import pytest

from saleor_asc_app.orders.dashboard_api import AmazonOrderEntry
from saleor_asc_app.simulator.orders import SimOrder
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.harness import APP_ORIGIN, DE, UK, US
from tests.orders.checks import unknown_skus
from tests.orders.harness import SELLERS, OrdersEnv, orders_env

ENTRY = """amazonOrderId connectionId marketplaceId marketplace fulfillmentChannel amazonStatus state reasonCode reason
  currency totalAmount saleorTotalAmount saleorOrderId saleorOrderNumber orderedAt importedAt canReplay canSkip"""
ORDERS = f"""query Orders($filter: AmazonOrderFilter, $first: Int!, $offset: Int!) {{
  amazonOrders(filter: $filter, first: $first, offset: $offset) {{
    totalCount offset hasMore items {{ {ENTRY} }} }} }}"""
STATUS = """query { amazonOrderSyncStatus { now
  sellers { connectionId sellerId region configured lastSuccessAt syncedUntil lagSeconds lastError ordersSeen
    marketplaces { marketplaceId marketplace lastImportedAt counts { state count } }
    backfill { status windowsDone windowsTotal } }
  importsPerDay { day count }
  parkedReasons { reasonCode reasonKey example count } } }"""
REPLAY = f"mutation($id: String!) {{ replayAmazonOrder(amazonOrderId: $id) {{ {ENTRY} }} }}"
SKIP = f"mutation($id: String!) {{ skipAmazonOrder(amazonOrderId: $id) {{ {ENTRY} }} }}"
REPLAY_REASON = "mutation($code: String!) { replayParkedAmazonOrders(reasonCode: $code) }"
ORDER_MANAGER = "eu.manager@example.com"  # staff with MANAGE_ORDERS but not MANAGE_APPS (demo seed)


@dataclass
class Inbox:
    env: OrdersEnv
    app: App
    other: SaleorDouble
    other_app: App
    parked: SimOrder
    orders: list[SimOrder]

    def token(self, email: str = "admin@example.com", *, other: bool = False) -> str:
        saleor, app = (self.other, self.other_app) if other else (self.env.saleor, self.app)
        user = saleor.state.staff_by_email(email)
        assert user is not None, email
        return saleor.issue_dashboard_token(user, app)

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None,
                  other: bool = False) -> dict[str, Any]:  # fmt: skip
        api_url = (self.other if other else self.env.saleor).api_url
        response = await self.env.env.client.post(
            "/api/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization-bearer": token or self.token(other=other), "saleor-api-url": api_url},
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        body = await self.gql(query, variables, **kwargs)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def page(self, first: int = 50, offset: int = 0, **where: Any) -> dict[str, Any]:
        data = await self.data(ORDERS, {"filter": where or None, "first": first, "offset": offset})
        page: dict[str, Any] = data["amazonOrders"]
        return page


@pytest.fixture
async def inbox(database_url: str, tmp_path: Path) -> AsyncIterator[Inbox]:
    """Two sellers: NA sells six orders (one with an unknown SKU), EU four in DE and UK; Amazon releases them at
    once and the real jobs import (or park) them."""
    async with orders_env(database_url, tmp_path) as env:
        await env.configure_without_orders("conn-na", "conn-eu")
        start = env.clock.now()
        common: dict[str, Any] = dict(start=start, end=start + timedelta(minutes=2), afn_share=0.0, cancel_share=0.0,
                                      preorder_share=0.0, mfn_auto_ship_share=0.0, replacement_share=0.0)  # fmt: skip
        na, eu = SELLERS["conn-na"][1], SELLERS["conn-eu"][1]
        orders = env.simulator.generate_orders(na, 5, seed=1, **common)
        orders += env.simulator.generate_orders(eu, 4, seed=2, **common)
        parked = env.simulator.generate_orders(na, 1, seed=3, unknown_sku_share=1.0, **common)[0]
        assert unknown_skus(parked)
        for order in [*orders, parked]:
            env.simulator.advance_order(order.order_id, "UNSHIPPED")

        async def settled() -> bool:
            by_state = await env.by_state()
            return sum(by_state.values()) == len(orders) + 1 and set(by_state) <= {"imported", "parked"}

        await env.run_until(settled, limit=3600)
        assert env.env.saleor_app is not None
        other = SaleorDouble(api_url="https://other-shop.test/graphql/", clock=env.clock)
        other.seed_demo()
        env.env.router.add(other.domain, other.transport())
        other_app = (await other.install(env.env.client, f"{APP_ORIGIN}/api/manifest")).app
        yield Inbox(env, env.env.saleor_app, other, other_app, parked, orders)


async def check_listing(inbox: Inbox) -> None:
    page = await inbox.page()
    assert page["totalCount"] == 10 and not page["hasMore"]
    items = {item["amazonOrderId"]: item for item in page["items"]}
    assert set(items) == {o.order_id for o in inbox.orders} | {inbox.parked.order_id}
    ordered = [item["orderedAt"] for item in page["items"]]
    assert ordered == sorted(ordered, reverse=True)

    parked = items[inbox.parked.order_id]
    assert (parked["state"], parked["reasonCode"]) == ("parked", "unknown_sku")
    assert sorted(unknown_skus(inbox.parked))[0] in parked["reason"]
    assert parked["saleorOrderId"] is None and parked["canReplay"] and parked["canSkip"]

    for order in inbox.orders:
        item = items[order.order_id]
        saleor = inbox.env.saleor_order(order.order_id)
        assert saleor is not None
        assert item["state"] == "imported" and item["reasonCode"] is None
        assert (item["saleorOrderId"], item["saleorOrderNumber"]) == (saleor.id, str(saleor.number))
        total = order.body["proceeds"]["grandTotal"]
        assert (item["currency"], Decimal(item["totalAmount"])) == (total["currencyCode"], Decimal(total["amount"]))
        assert Decimal(item["saleorTotalAmount"]) == Decimal(total["amount"])
        assert item["connectionId"] == ("conn-na" if item["marketplaceId"] == US else "conn-eu")
        assert not item["canReplay"] and not item["canSkip"] and item["importedAt"] is not None
    assert items[inbox.orders[0].order_id]["marketplace"] == "amazon.com (US)"


async def check_filters_and_pages(inbox: Inbox) -> None:
    everything = [item["amazonOrderId"] for item in (await inbox.page())["items"]]
    pages = [await inbox.page(first=4, offset=offset) for offset in (0, 4, 8)]
    assert [p["hasMore"] for p in pages] == [True, True, False]
    assert [i["amazonOrderId"] for p in pages for i in p["items"]] == everything

    assert [i["amazonOrderId"] for i in (await inbox.page(states=["parked"]))["items"]] == [inbox.parked.order_id]
    assert (await inbox.page(states=["imported", "parked"]))["totalCount"] == 10
    assert (await inbox.page(states=["shipped"]))["totalCount"] == 0
    eu = await inbox.page(connectionId="conn-eu")
    assert eu["totalCount"] == 4 and {i["marketplaceId"] for i in eu["items"]} <= {DE, UK}
    de = await inbox.page(marketplaceId=DE)
    assert de["totalCount"] == sum(1 for i in eu["items"] if i["marketplaceId"] == DE)
    assert (await inbox.page(marketplaceId=US, states=["parked"]))["totalCount"] == 1
    assert (await inbox.page(reasonCode="unknown_sku"))["totalCount"] == 1

    target = inbox.orders[3].order_id
    found = await inbox.page(search=target[-7:].lower())
    assert [i["amazonOrderId"] for i in found["items"]] == [target]
    assert (await inbox.page(search="%"))["totalCount"] == 0  # LIKE wildcards are searched for literally
    assert (await inbox.page(search="_"))["totalCount"] == 0

    refused = await inbox.gql(ORDERS, {"filter": {"states": ["lost"]}, "first": 5, "offset": 0})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "Unknown order state" in refused["errors"][0]["message"]


async def check_sync_status(inbox: Inbox) -> None:
    status = (await inbox.data(STATUS))["amazonOrderSyncStatus"]
    sellers = {s["connectionId"]: s for s in status["sellers"]}
    assert list(sellers) == ["conn-na", "conn-eu"]
    na = sellers["conn-na"]
    assert na["sellerId"] == SELLERS["conn-na"][1] and na["region"] == "NA" and na["configured"]
    assert na["lastSuccessAt"] is not None and na["lastError"] is None
    assert 120 <= na["lagSeconds"] <= 3600  # the window ends at least two minutes in the past
    counts = {c["state"]: c["count"] for c in na["marketplaces"][0]["counts"]}
    assert (counts["imported"], counts["parked"], counts["skipped"]) == (5, 1, 0)
    assert na["marketplaces"][0]["lastImportedAt"] is not None
    assert [m["marketplaceId"] for m in sellers["conn-eu"]["marketplaces"]] == [DE, UK]
    assert sum(c["count"] for m in sellers["conn-eu"]["marketplaces"] for c in m["counts"]) == 4

    days = status["importsPerDay"]
    assert len(days) == 30 and days[-1]["day"] == inbox.env.clock.now().date().isoformat()
    assert sum(d["count"] for d in days) == 9
    [reason] = status["parkedReasons"]
    assert (reason["reasonCode"], reason["reasonKey"], reason["count"]) == (
        "unknown_sku", "|".join(sorted(unknown_skus(inbox.parked))), 1
    )  # fmt: skip


async def test_the_inbox_lists_filters_pages_and_shows_sync_status(inbox: Inbox) -> None:
    await check_listing(inbox)
    await check_filters_and_pages(inbox)
    await check_sync_status(inbox)


async def test_replay_after_the_variant_exists_imports_the_parked_order(inbox: Inbox) -> None:
    env = inbox.env
    order_id = inbox.parked.order_id
    # Staff create the missing variant in Saleor, then press Replay.
    goods = next(t for t in env.saleor.state.product_types.values() if t.name == "Goods")
    for sku in sorted(unknown_skus(inbox.parked)):
        product = env.saleor.add_product(f"Product {sku}", goods)
        env.saleor.add_variant(sku, product=product, name=sku, prices={"amazon-us": Decimal("10")},
                               stocks=dict.fromkeys(env.demo.warehouses.values(), 50))  # fmt: skip
    replayed = (await inbox.data(REPLAY, {"id": order_id}))["replayAmazonOrder"]
    assert (replayed["state"], replayed["canReplay"]) == ("ready", False)
    await env.run_jobs()
    saleor = env.saleor_order(order_id)
    assert saleor is not None
    item = (await inbox.page(search=order_id))["items"][0]
    assert (item["state"], item["saleorOrderId"], item["reasonCode"]) == ("imported", saleor.id, None)
    total = inbox.parked.body["proceeds"]["grandTotal"]
    assert Decimal(item["saleorTotalAmount"]) == Decimal(total["amount"])

    again = await inbox.gql(REPLAY, {"id": order_id})
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "already in Saleor" in again["errors"][0]["message"]
    assert len([o for o in env.saleor_orders() if o.external_reference == order_id]) == 1
    await check_tenant_isolation(inbox)


async def check_tenant_isolation(inbox: Inbox) -> None:
    theirs = await inbox.data(ORDERS, {"first": 50, "offset": 0}, other=True)
    assert theirs["amazonOrders"] == {"totalCount": 0, "offset": 0, "hasMore": False, "items": []}
    status = (await inbox.data(STATUS, other=True))["amazonOrderSyncStatus"]
    assert status["sellers"] == [] and status["parkedReasons"] == []
    assert sum(d["count"] for d in status["importsPerDay"]) == 0
    target = inbox.orders[0].order_id
    for query in (REPLAY, SKIP):
        body = await inbox.gql(query, {"id": target}, other=True)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await inbox.data(REPLAY_REASON, {"code": "unknown_sku"}, other=True))["replayParkedAmazonOrders"] == 0
    assert (await inbox.page(search=target))["items"][0]["state"] == "imported"


async def test_skip_replay_permissions_and_tenants(inbox: Inbox) -> None:
    order_id = inbox.parked.order_id
    # An order manager without MANAGE_APPS reads the inbox but can neither replay nor skip; a non-staff token reads
    # nothing.
    manager = inbox.token(ORDER_MANAGER)
    assert (await inbox.data(ORDERS, {"first": 5, "offset": 0}, token=manager))["amazonOrders"]["totalCount"] == 10
    for query, variables in ((REPLAY, {"id": order_id}), (SKIP, {"id": order_id}),
                             (REPLAY_REASON, {"code": "unknown_sku"})):  # fmt: skip
        body = await inbox.gql(query, variables, token=manager)
        assert body["errors"][0]["extensions"]["code"] == "MISSING_PERMISSION", body
    claims = jwt.decode(inbox.token(), options={"verify_signature": False})
    outsider = inbox.env.saleor.keys.current.encode_jwt({**claims, "is_staff": False})
    body = await inbox.gql(ORDERS, {"first": 5, "offset": 0}, token=outsider)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await inbox.page(states=["parked"]))["totalCount"] == 1
    await check_tenant_isolation(inbox)

    # Skip: the order stays in the inbox as skipped and never reaches Saleor.
    skipped = (await inbox.data(SKIP, {"id": order_id}))["skipAmazonOrder"]
    assert (skipped["state"], skipped["reasonCode"]) == ("skipped", "skipped_by_staff")
    assert skipped["reason"].startswith("Skipped by admin@example.com") and skipped["canReplay"]
    assert not skipped["canSkip"]
    await inbox.env.run_jobs()
    assert (await inbox.page(states=["skipped"]))["totalCount"] == 1
    assert inbox.env.saleor_order(order_id) is None
    refused = await inbox.gql(SKIP, {"id": inbox.orders[0].order_id})
    assert refused["errors"][0]["extensions"]["code"] == "CONFLICT"
    missing = await inbox.gql(REPLAY, {"id": "999-0000000-0000000"})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    # Replayed while the SKU is still unknown, it parks again for the same reason; so does a replay by reason.
    assert (await inbox.data(REPLAY, {"id": order_id}))["replayAmazonOrder"]["state"] == "ready"
    await inbox.env.run_jobs()
    item = (await inbox.page(search=order_id))["items"][0]
    assert (item["state"], item["reasonCode"]) == ("parked", "unknown_sku")
    assert (await inbox.data(REPLAY_REASON, {"code": "no_tax_class"}))["replayParkedAmazonOrders"] == 0
    assert (await inbox.data(REPLAY_REASON, {"code": "unknown_sku"}))["replayParkedAmazonOrders"] == 1
    assert (await inbox.page(states=["ready"]))["totalCount"] == 1
    await inbox.env.run_jobs()
    assert (await inbox.page(states=["parked"]))["totalCount"] == 1
    assert inbox.env.saleor_order(order_id) is None


def test_the_api_has_no_buyer_fields() -> None:
    fields = {f.lower() for f in AmazonOrderEntry.__annotations__}
    assert not {f for f in fields if any(w in f for w in ("buyer", "name", "email", "address", "phone"))}
