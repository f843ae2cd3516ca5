"""The app against a real Saleor core, as a merchant uses it: installed by manifest URL through ``appInstall``,
configured through the app's own API with the dashboard tokens Saleor issues, orders imported from the SP-API
simulator for every supported marketplace country, fulfilment and cancellation flowing back to Amazon, buyer data
revealed only to the chosen group, no buyer data anywhere else, and nothing of the store left after uninstall.

The tests share one world (``conftest.world``) and run in file order; each step records what the next needs.
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from saleor_asc_app.db.base import Base
from tests.e2e.conftest import World, app_graphql, say
from tests.e2e.saleor_api import CHANNELS, StaffClient

pytestmark = pytest.mark.e2e

T = TypeVar("T")
COUNTRIES = ("US", "CA", "MX", "GB", "DE", "FR", "JP", "AU")
SLUG_BY_MARKETPLACE = {marketplace_id: slug for slug, _, _, marketplace_id in CHANNELS}
UPS_TRACKING = "1Z999AA10123456784"
SAVE = """
mutation Save($input: ConfigurationInput!, $expectedVersion: Int!) {
  saveConfiguration(input: $input, expectedVersion: $expectedVersion) {
    configuration { version connections { id state sellerId } }
    errors { field message code }
  }
}
"""
INBOX = """query { amazonOrders(first: 100) { totalCount items { amazonOrderId state reasonCode
  totalAmount saleorTotalAmount saleorOrderId } } }"""


def poll(get: Callable[[], T | None], *, timeout: float, what: str, interval: float = 2.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get()
        if value is not None:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def orders_of(world: World, kind: str) -> list[dict[str, Any]]:
    return [o for o in world.amazon["orders"] if o["kind"] == kind]


def saleor_orders(world: World) -> dict[str, dict[str, Any]]:
    return {o["externalReference"]: o for o in world.staff.orders() if o["externalReference"]}


def inbox(world: World) -> dict[str, dict[str, Any]]:
    body = app_graphql(world, world.staff.dashboard_token(world.facts["app_id"]), INBOX)
    assert not body.get("errors"), body
    return {item["amazonOrderId"]: item for item in body["data"]["amazonOrders"]["items"]}


def dump_database(url: str) -> str:
    """Every row of a database as text (``pg_dump --data-only``), for the canary scan."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://").replace("postgres://", "postgresql://")
    result = subprocess.run(["pg_dump", "--data-only", "--no-owner", dsn], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


# Kept after an uninstall on purpose: Amazon's DPP asks for the log of access to buyer data to be kept (90 days,
# then the pii.audit_expiry job deletes it; SECURITY.md). Its rows hold no buyer data (the canary scan reads them).
KEPT_AFTER_UNINSTALL = frozenset({"pii_audit"})


def tenant_rows(world: World) -> dict[str, int]:
    """Rows per table of the app that belong to a store (every table with ``installation_id``, and installation)."""
    tables = sorted(t.name for t in Base.metadata.tables.values() if "installation_id" in t.columns)

    async def count() -> dict[str, int]:
        engine = create_async_engine(world.app_database_url)
        try:
            async with engine.connect() as connection:
                counts = {
                    "installation": (await connection.execute(text("SELECT count(*) FROM installation"))).scalar_one()
                }
                for table in tables:
                    # installation_id NULL: the app's own jobs (daily sweep), which belong to no store
                    query = text(f"SELECT count(*) FROM {table} WHERE installation_id IS NOT NULL")
                    counts[table] = (await connection.execute(query)).scalar_one()
                return counts
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_install_by_manifest_url_and_configure_through_the_apps_api(world: World, capsys: Any) -> None:
    staff = world.staff
    catalogue = staff.create_catalogue(sorted(world.amazon_skus()))
    world.facts["catalogue"] = catalogue

    app_id = staff.install_app(f"{world.app_origin}/api/manifest")
    world.facts["app_id"] = app_id
    app = staff.app_details(app_id)
    assert app["isActive"]
    assert {p["code"] for p in app["permissions"]} >= {"MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS"}
    assert app["webhooks"] and all(w["isActive"] for w in app["webhooks"])
    events = {e["eventType"] for w in app["webhooks"] for e in w["asyncEvents"]}
    assert {"FULFILLMENT_CREATED", "ORDER_CANCELLED", "APP_DELETED"} <= events, events
    assert app["extensions"], "the manifest's extensions were not registered"

    # Staff in the "Amazon PII viewers" group may reveal buyer data; the app's configuration names the group.
    world.facts["pii_group"] = staff.create_group("Amazon PII viewers", [], [staff.user_id(staff.email)])
    sellers = world.amazon["sellers"]
    token = staff.dashboard_token(app_id)
    # As on the configuration page: the shipping methods offered are the app's store options (Saleor's
    # shop.availableShippingMethods per channel), chosen by name.
    options = app_graphql(world, token, "query { storeOptions { shippingMethods { id name channelSlug } problems } }")
    assert not options.get("errors"), options
    offered = {(m["channelSlug"], m["name"]): m["id"] for m in options["data"]["storeOptions"]["shippingMethods"]}
    config = {
        "connections": [
            {
                "id": None,
                "region": region,
                "sellerId": seller["sellerId"],
                "marketplaceIds": seller["marketplaceIds"],
                "refreshToken": seller["refreshToken"],  # pasted self-authorization credentials
            }
            for region, seller in sellers.items()
        ],
        "channelMappings": [
            {"marketplaceId": marketplace_id, "channelSlug": slug, "importEnabled": True}
            for slug, _, _, marketplace_id in CHANNELS
        ],
        "mfnWarehouseId": catalogue.warehouses["main"],
        "fbaWarehouseId": catalogue.warehouses["fba"],
        "shippingMethodMappings": [
            {
                "channelSlug": slug,
                "serviceLevel": level,
                "shippingMethodId": offered[(slug, "Express" if level == "NEXT_DAY" else "Standard")],
            }
            for slug, _, _, _ in CHANNELS
            for level in ("STANDARD", "EXPEDITED", "FREE_ECONOMY", "NEXT_DAY", "SAME_DAY", "SECOND_DAY")
        ],
        "orderProcessing": {"fulfillmentChannels": "BOTH", "fbaOrdersAsFulfilled": True, "inventorySyncEnabled": True},
        "piiPermissionGroupId": world.facts["pii_group"],
        "outgoing": {
            "carrierMappings": [{"shippingMethod": name, "carrierCode": "UPS"} for name in ("Standard", "Express")]
        },
    }
    body = app_graphql(world, token, SAVE, {"input": config, "expectedVersion": 0})
    assert not body.get("errors"), body["errors"]
    payload = body["data"]["saveConfiguration"]
    assert payload["errors"] == [], payload["errors"]
    assert len(payload["configuration"]["connections"]) == 3
    say(f"installed through appInstall as {app_id}; configured 3 connections and 8 marketplaces")


def test_orders_import_for_every_marketplace_with_amazons_totals(world: World) -> None:
    expected = orders_of(world, "mfn") + orders_of(world, "fba") + orders_of(world, "cancel-at-amazon")

    def all_imported() -> dict[str, dict[str, Any]] | None:
        found = saleor_orders(world)
        return found if all(o["orderId"] in found for o in expected) else None

    try:
        found = poll(all_imported, timeout=300, what=f"{len(expected)} Amazon orders to appear in Saleor")
    except TimeoutError:
        print({k: (v["state"], v["reasonCode"]) for k, v in inbox(world).items()})
        raise
    rows = []
    for amazon in expected:
        order = found[amazon["orderId"]]
        total = order["total"]["gross"]
        shown = Decimal(str(total["amount"])).quantize(Decimal(amazon["amount"]))  # as Amazon writes it
        rows.append((amazon["country"], amazon["kind"], amazon["amount"], str(shown), amazon["currency"]))
        assert order["channel"]["slug"] == SLUG_BY_MARKETPLACE[amazon["marketplaceId"]]
        assert total["currency"] == amazon["currency"]
        assert Decimal(str(total["amount"])) == Decimal(amazon["amount"]), (amazon["orderId"], total)
    say("orders imported into Saleor (country, kind, Amazon total, Saleor total, currency):")
    for row in sorted(rows):
        say("  {:<3} {:<17} {:>10} {:>10} {}".format(*row))
    countries = Counter(row[0] for row in rows if row[1] == "mfn")
    assert set(countries) == set(COUNTRIES), countries
    say(f"imported for {', '.join(COUNTRIES)}: Saleor totals equal Amazon's to the cent ({len(rows)} orders)")
    world.facts["imported"] = {o["orderId"]: found[o["orderId"]] for o in expected}
    # Amazon cancels one imported order now; the app sees it on its next sync (test_amazon_cancellation_...).
    (cancelled,) = orders_of(world, "cancel-at-amazon")
    response = httpx.post(
        f"{world.simulator_origin}/_simulator/orders/{cancelled['orderId']}/status",
        json={"status": "CANCELLED"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_unknown_sku_is_parked_then_replayed_once_the_sku_exists(world: World) -> None:
    (order,) = orders_of(world, "unknown-sku")
    parked = poll(
        lambda: (
            inbox(world).get(order["orderId"])
            if inbox(world).get(order["orderId"], {}).get("state") == "parked"
            else None
        ),
        timeout=120,
        what="the unknown-SKU order to be parked",
    )
    assert parked["saleorOrderId"] is None
    world.staff.add_variants(world.facts["catalogue"], order["skus"])
    token = world.staff.dashboard_token(world.facts["app_id"])
    body = app_graphql(
        world,
        token,
        "mutation($id: String!) { replayAmazonOrder(amazonOrderId: $id) { state } }",
        {"id": order["orderId"]},
    )
    assert not body.get("errors"), body
    imported = poll(
        lambda: saleor_orders(world).get(order["orderId"]), timeout=180, what="the replayed order in Saleor"
    )
    assert Decimal(str(imported["total"]["gross"]["amount"])) == Decimal(order["amount"])
    say(f"unknown SKU: parked ({parked['reasonCode']}), imported after the SKU was created and the order replayed")


def test_fulfilment_in_saleor_confirms_shipment_at_amazon(world: World) -> None:
    catalogue = world.facts["catalogue"]
    imported = world.facts["imported"]
    full = next(o for o in orders_of(world, "mfn") if o["country"] == "US")
    partial = next(
        (o for o in orders_of(world, "mfn") if sum(line["quantity"] for line in imported[o["orderId"]]["lines"]) > 1),
        None,
    )
    world.staff.fulfil(imported[full["orderId"]], catalogue.warehouses["main"], UPS_TRACKING)
    if partial is not None:
        world.staff.fulfil(imported[partial["orderId"]], catalogue.warehouses["main"], UPS_TRACKING, partial=True)

    def confirmed(order: dict[str, Any]) -> list[dict[str, Any]] | None:
        response = httpx.get(f"{world.simulator_origin}/_simulator/sellers/{order['sellerId']}/shipments", timeout=10)
        response.raise_for_status()
        found = [s for s in response.json() if s["orderId"] == order["orderId"]]
        return found or None

    shipments = poll(lambda: confirmed(full), timeout=180, what="confirmShipment of the fulfilled order at Amazon")
    assert shipments[0]["carrierCode"] == "UPS" and shipments[0]["trackingNumber"] == UPS_TRACKING
    ordered = sum(line["quantity"] for line in imported[full["orderId"]]["lines"])
    assert sum(shipments[0]["items"].values()) == ordered  # order item id -> quantity
    say(f"fulfilled in Saleor -> confirmShipment at Amazon: UPS, {ordered} unit(s)")
    if partial is not None:
        (package,) = poll(lambda: confirmed(partial), timeout=180, what="confirmShipment of the partial fulfilment")
        assert sum(package["items"].values()) == 1
        say("partial fulfilment in Saleor -> one package of 1 unit confirmed at Amazon")


def test_amazon_cancellation_cancels_the_saleor_order(world: World) -> None:
    (order,) = orders_of(world, "cancel-at-amazon")  # cancelled at Amazon once imported
    cancelled = poll(
        lambda: o if (o := saleor_orders(world).get(order["orderId"])) and o["status"] == "CANCELED" else None,
        timeout=300,
        what="the order Amazon cancelled to be cancelled in Saleor",
        interval=5.0,
    )
    assert cancelled["status"] == "CANCELED"
    say("cancelled at Amazon -> orderCancel in Saleor")


def test_cancel_in_saleor_cancels_at_amazon(world: World) -> None:
    imported = world.facts["imported"]
    target = next(o for o in orders_of(world, "mfn") if o["country"] == "CA")
    world.staff.cancel(imported[target["orderId"]]["id"])
    query = "query($id: String!) { amazonOutgoingActions(amazonOrderId: $id) { kind state cancelReason message } }"

    def cancelled() -> dict[str, Any] | None:
        token = world.staff.dashboard_token(world.facts["app_id"])
        body = app_graphql(world, token, query, {"id": target["orderId"]})
        assert not body.get("errors"), body
        actions = [a for a in body["data"]["amazonOutgoingActions"] if a["kind"] == "cancel"]
        assert all(a["state"] not in ("failed", "refused") for a in actions), actions
        return next((a for a in actions if a["state"] == "confirmed"), None)

    # The cancellation goes out in the connection's next order acknowledgement feed (batched, at most every two
    # minutes, createFeed's sustained rate) and is confirmed from that feed's processing report.
    action = poll(cancelled, timeout=480, what="ORDER_CANCELLED from Saleor to become a confirmed cancellation")
    say(f"cancelled in Saleor -> cancellation confirmed at Amazon ({action['cancelReason']})")


def test_buyer_data_revealed_to_the_group_and_refused_to_others(world: World) -> None:
    imported = world.facts["imported"]
    amazon = next(o for o in orders_of(world, "mfn") if o["country"] == "DE")
    saleor_order_id = imported[amazon["orderId"]]["id"]

    def reveal(token: str) -> httpx.Response:
        return httpx.post(
            f"{world.app_origin}/api/pii/reveal",
            json={"orderId": saleor_order_id},
            headers={"authorization-bearer": token, "saleor-api-url": world.saleor.api_url},
            timeout=30,
        )

    member = reveal(world.staff.dashboard_token(world.facts["app_id"]))
    assert member.status_code == 200, member.text[:300]
    shown = member.text
    assert any(canary in shown for canary in amazon["canaries"]), "the reveal did not show this order's buyer data"

    email, password = "e2e.orders@example.com", secrets.token_urlsafe(18)
    world.saleor.create_staff(email, password)
    other = StaffClient(world.saleor.api_url, email, password)
    try:
        world.staff.create_group("Order managers", ["MANAGE_ORDERS"], [world.staff.user_id(email)])
        refused = reveal(other.dashboard_token(world.facts["app_id"]))
    finally:
        other.close()
    assert refused.status_code == 403, refused.status_code
    assert not any(canary in refused.text for canary in amazon["canaries"])

    audit = httpx.post(
        f"{world.app_origin}/api/pii/audit",
        json={},
        headers={
            "authorization-bearer": world.staff.dashboard_token(world.facts["app_id"]),
            "saleor-api-url": world.saleor.api_url,
        },
        timeout=30,
    )
    assert audit.status_code == 200, audit.text[:300]
    outcomes = Counter((e.get("action"), e.get("outcome")) for e in audit.json().get("entries", []))
    assert outcomes[("reveal", "allowed")] >= 1 and outcomes[("reveal", "refused")] >= 1, outcomes
    say("buyer data: shown to the PII group's member, refused (403) to a staff user outside it; both audited")


def test_stock_change_in_saleor_sends_a_listings_feed(world: World) -> None:
    """The app feeds Amazon the SKUs it knows from imported orders: change the stock of a SKU sold on amazon.de
    (merchant-fulfilled) and expect a JSON_LISTINGS_FEED for amazon.de with Saleor's available quantity."""
    catalogue = world.facts["catalogue"]
    fba_skus = {sku for o in orders_of(world, "fba") for sku in o["skus"]}
    de_order = next(o for o in orders_of(world, "mfn") if o["country"] == "DE" and set(o["skus"]) - fba_skus)
    sku = sorted(set(de_order["skus"]) - fba_skus)[0]
    data = world.staff.call(
        "mutation($v: ID!, $s: [StockInput!]!) { productVariantStocksUpdate(variantId: $v, stocks: $s) "
        "{ productVariant { stocks { warehouse { id } quantity quantityAllocated } } errors { field message code } } }",
        {"v": catalogue.variants[sku], "s": [{"warehouse": catalogue.warehouses["main"], "quantity": 57}]},
    )
    stocks = data["productVariantStocksUpdate"]["productVariant"]["stocks"]
    main = next(s for s in stocks if s["warehouse"]["id"] == catalogue.warehouses["main"])
    expected = main["quantity"] - main["quantityAllocated"]  # the MFN warehouse's available stock
    de = de_order["marketplaceId"]

    def quantities_sent() -> dict[str, int]:
        """Marketplace -> the quantity of ``sku`` in the latest processed JSON_LISTINGS_FEED naming it."""
        sent: dict[str, int] = {}
        for seller_id in {seller["sellerId"] for seller in world.amazon["sellers"].values()}:
            response = httpx.get(f"{world.simulator_origin}/_simulator/sellers/{seller_id}/feeds", timeout=10)
            response.raise_for_status()
            for feed in response.json():
                if feed["feedType"] != "JSON_LISTINGS_FEED" or feed["status"] != "DONE":
                    continue
                document = httpx.get(
                    f"{world.simulator_origin}/_simulator/documents/{feed['inputDocumentId']}", timeout=10
                )
                for message in document.json().get("messages", []):
                    if message.get("sku") != sku:
                        continue
                    for patch in message.get("patches", []):
                        for value in patch.get("value") or []:
                            if isinstance(value, dict) and "quantity" in value:
                                for marketplace_id in feed["marketplaceIds"]:
                                    sent[marketplace_id] = int(value["quantity"])
        return sent

    try:
        sent = poll(
            lambda: found if (found := quantities_sent()).get(de) == expected else None,
            timeout=300,
            what=f"a listings feed for amazon.de with {sku} = {expected}",
            interval=5,
        )
    except TimeoutError:
        print(f"{sku} sent so far (marketplace -> quantity): {quantities_sent()}")
        raise
    others = sorted(SLUG_BY_MARKETPLACE[m] for m in sent if m != de)
    say(f"stock of {sku} changed in Saleor -> JSON_LISTINGS_FEED for amazon-de with {expected} (also sent to {others})")


def test_no_buyer_data_in_saleor_the_apps_database_or_any_log(world: World) -> None:
    canaries = sorted({c for o in world.amazon["orders"] for c in o["canaries"]})
    assert len(canaries) > 50
    places = {
        "Saleor's database": dump_database(world.saleor.database_dsn),
        "the app's database (plain text)": dump_database(world.app_database_url),
    }
    for path in [*world.saleor.log_files, *world.app_log_files]:
        places[f"log {path.name}"] = path.read_text(errors="replace")
    hits = {where: [c for c in canaries if c in text] for where, text in places.items()}
    hits = {where: found for where, found in hits.items() if found}
    say(f"canary scan: {len(canaries)} buyer values x {len(places)} places -> {sum(map(len, hits.values()))} hits")
    assert not hits, {where: len(found) for where, found in hits.items()}


def test_uninstall_leaves_nothing_of_the_store(world: World) -> None:
    before = tenant_rows(world)
    assert before["installation"] == 1 and before["amazon_order"] > 0, before
    world.staff.delete_app(world.facts["app_id"])
    assert before["pii_audit"] > 0, before  # the buyer-data test's reveal and refusal

    def removed(rows: dict[str, int]) -> bool:
        return not any(n for table, n in rows.items() if table not in KEPT_AFTER_UNINSTALL)

    try:
        rows = poll(
            lambda: r if removed(r := tenant_rows(world)) else None,
            timeout=180,
            what="APP_DELETED to remove the store's data from the app",
        )
    except TimeoutError:
        print(f"rows left: { {table: n for table, n in tenant_rows(world).items() if n} }")
        raise
    assert rows["pii_audit"] == before["pii_audit"], rows
    say(
        f"uninstalled: {len(rows) - len(KEPT_AFTER_UNINSTALL)} tenant tables, 0 rows left (had "
        f"{sum(n for t, n in before.items() if t not in KEPT_AFTER_UNINSTALL)}); the PII audit trail's "
        f"{rows['pii_audit']} rows kept for Amazon's DPP"
    )
