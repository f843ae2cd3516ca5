"""The leak test: orders whose buyer data carries unique canary strings are imported through the real import path
(SP-API simulator → sync → vault sink → Saleor writer) with logging at DEBUG; then the database files (SQLite bytes,
or a pg_dump of PostgreSQL), the logs, every request the Saleor double received and the job table are searched.
The canaries must be found only where they belong: in the simulator, and in what a PII-group member reveals."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.pii.services import VaultPiiSink
from saleor_asc_app.pii.tables import PiiRecord
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.simulator.disclosure import PII_ROLES
from saleor_asc_app.simulator.orders import SimOrder
from tests.harness import START
from tests.orders.harness import SELLERS, orders_env

ORDERS = 24
CONNECTION = "conn-na"


def plant_canaries(order: SimOrder, prefix: str) -> list[str]:
    """Replace every buyer-data value of a simulated order with a unique canary; returns them."""
    tag = f"{prefix}{uuid.uuid4().hex[:10].upper()}"
    values = {
        "name": f"Canary {tag} Name",
        "email": f"canary-{tag.lower()}@marketplace.amazon.com",
        "company": f"Canary {tag} Company",
        "line1": f"{tag} Canary Street 1",
        "phone": f"+1 555 {tag}",
        "postal": f"PC{tag}",
        "instruction": f"Canary {tag} instructions",
        "gift": f"Canary {tag} gift message",
    }
    body = order.body
    body["buyer"] = {"buyerName": values["name"], "buyerEmail": values["email"], "buyerCompanyName": values["company"]}
    address = body.setdefault("recipient", {}).setdefault("deliveryAddress", {})
    address.update(
        name=values["name"], addressLine1=values["line1"], phone=values["phone"], postalCode=values["postal"]
    )
    body["recipient"]["deliveryPreference"] = {"addressInstruction": values["instruction"]}
    first = body["orderItems"][0]
    first.setdefault("fulfillment", {}).setdefault("packing", {})["giftOption"] = {"giftMessage": values["gift"]}
    return [tag, *values.values()]


def pg_dump(database_url: str) -> bytes:
    url = make_url(database_url)
    binary = shutil.which("pg_dump") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True)), None
    )
    assert binary is not None, "pg_dump not found (the PostgreSQL server the fixtures start ships it)"
    command = [
        str(binary),
        "-h",
        url.host or "127.0.0.1",
        "-p",
        str(url.port),
        "-U",
        url.username or "postgres",
        "--no-owner",
        str(url.database),
    ]
    return subprocess.run(command, check=True, capture_output=True).stdout


def database_bytes(database_url: str) -> bytes:
    if database_url.startswith("sqlite"):
        path = Path(make_url(database_url).database or "")
        files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]  # the file, its WAL and shared memory
        assert path in files
        return b"".join(p.read_bytes() for p in files)
    return pg_dump(database_url)


async def test_buyer_data_leaks_nowhere(database_url: str, tmp_path: Path, captured_logs: Callable[[], str]) -> None:
    clock = VirtualClock(START)
    simulator = SimulatorState(clock)
    _region, seller, markets = SELLERS[CONNECTION]
    # A seller holding every restricted role, so Amazon discloses all the buyer data there is.
    simulator.add_seller(seller, marketplace_ids=markets, seed=seller, roles=PII_ROLES)
    async with orders_env(database_url, tmp_path, clock=clock, simulator=simulator) as env:
        assert isinstance(env.state.pii_sink, VaultPiiSink)  # buyer PII goes to the vault, as in production
        config = await env.configure({CONNECTION: SELLERS[CONNECTION]})
        group = env.demo.groups["amazon-pii-viewers"]
        await env.save(config.model_copy(update={"pii_permission_group_id": group.id}))
        await env.run_jobs()
        now = env.clock.now()
        generated = env.simulator.generate_orders(
            seller,
            ORDERS,
            seed=11,
            start=now,
            end=now + timedelta(hours=2),
            afn_share=0.0,
            cancel_share=0.1,
            mfn_auto_ship_share=0.5,
        )
        canaries = {order.order_id: plant_canaries(order, "CNRY") for order in generated}
        await env.run_for(3 * 86400, step=3600)
        assert await env.dead_jobs() == []

        # Not vacuous: the canaries reached the vault, and a PII-group member can read them back.
        async with env.state.sessionmaker() as session:
            records = (await session.execute(select(PiiRecord))).scalars().all()
            linked = await session.execute(select(AmazonOrder).where(AmazonOrder.saleor_order_id.is_not(None)))
            row = next(r for r in linked.scalars() if r.amazon_order_id in {x.amazon_order_id for x in records})
        assert len(records) >= ORDERS // 2
        response = await env.env.client.post(
            "/api/pii/reveal",
            json={"orderId": row.saleor_order_id},
            headers=env.env.dashboard_headers("pii.viewer@example.com"),
        )
        assert response.status_code == 200, response.text
        assert canaries[row.amazon_order_id][1] in response.text  # the buyer's name

        metrics = await env.env.client.get("/metrics")
        assert metrics.status_code == 200
        async with env.state.sessionmaker() as session:
            jobs = (await session.execute(select(Job))).scalars().all()
        await env.state.engine.dispose()  # close connections: SQLite writes its WAL back, pg_dump sees everything

        haystacks = {
            "database": database_bytes(database_url),
            "logs": captured_logs().encode(),
            "metrics": metrics.content,
            "saleor requests": json.dumps(
                [{**asdict(r), "body": r.body.decode("utf-8", "replace")} for r in env.saleor.requests], default=str
            ).encode(),
            "job table": json.dumps(
                [
                    {
                        "kind": j.kind,
                        "payload": j.payload,
                        "unique_key": j.unique_key,
                        "concurrency_key": j.concurrency_key,
                        "last_error": j.last_error,
                    }
                    for j in jobs
                ]
            ).encode(),
        }
        # The haystacks hold what they should (the searches are not looking at the wrong bytes).
        assert row.amazon_order_id.encode() in haystacks["database"]
        assert row.amazon_order_id.encode() in haystacks["saleor requests"]  # the order's external reference
        assert b"pii.purge" in haystacks["job table"] and b"order" in haystacks["logs"]
        hits = {
            (where, canary)
            for where, haystack in haystacks.items()
            for values in canaries.values()
            for canary in values
            if canary.encode() in haystack or canary.lower().encode() in haystack.lower()
        }
        assert hits == set()
