"""Feeds finish on their FEED_PROCESSING_FINISHED notification: the simulator processes feeds on its own clock and
notifies (valid against Amazon's schema) through a real SQS-compatible server; with push healthy a stock feed and an
order acknowledgement feed are concluded from the notification without a single getFeed, duplicated and reordered
deliveries change nothing, a notification for a feed the app does not know is acknowledged and ignored, and with push
degraded the same feeds finish by polling getFeed. The backfill's reports likewise finish on
REPORT_PROCESSING_FINISHED without getReport."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path

import jsonschema
from sqlalchemy import select

from saleor_asc_app.amazon.models.notifications import FeedProcessingFinishedNotification
from saleor_asc_app.amazon.models.order_acknowledgement import FEED_TYPE
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.inventory.sync import ensure_reconciliation
from saleor_asc_app.inventory.tables import ListingStock, StockFeed
from saleor_asc_app.orders.tables import Backfill
from saleor_asc_app.processing_errors.tables import ProcessingError
from saleor_asc_app.push import intake
from saleor_asc_app.push.health import PushState, connection_status
from saleor_asc_app.push.tables import PushDeadLetter, PushReceipt
from saleor_asc_app.simulator.notifications import DeliveryOptions
from saleor_asc_app.simulator.processing import process_due
from saleor_asc_app.simulator.state import StoredDocument
from saleor_asc_app.simulator.submissions import SimFeed, SimReport
from tests.contracts import amazon_contracts
from tests.fulfilment.harness import actions, deliver
from tests.fulfilment.test_cancellations import cancel_in_saleor
from tests.harness import START, US
from tests.inventory.test_stock_feeds import UNKNOWN, rows, set_up
from tests.orders.harness import SELLERS, make_simulator
from tests.push.harness import PushEnv, push_env
from tests.push.sqs_server import SqsServer, queue_depth, send

NA = "conn-na"
SELLER = SELLERS[NA][1]


def test_simulator_finishes_feeds_and_reports_on_its_own_clock_and_notifies_valid_against_the_schemas() -> None:
    clock = VirtualClock(START)
    simulator = make_simulator(clock)
    center = simulator.notifications
    destination = center.create_destination("app", "arn:aws:sqs:us-east-1:000000000000:notifications")
    assert destination is not None
    for kind in ("FEED_PROCESSING_FINISHED", "REPORT_PROCESSING_FINISHED"):
        center.subscribe(SELLER, kind, "2020-09-04", destination.destination_id, None)
    content = json.dumps({"header": {"sellerId": SELLER, "version": "2.0"}, "messages": []}).encode()
    simulator.documents["in"] = StoredDocument("in", SELLER, "application/json", START, content=content)
    feed = SimFeed("51", SELLER, "JSON_LISTINGS_FEED", [US], "in", START, START, START + timedelta(seconds=60))
    report = SimReport("91", SELLER, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", [US],
                       START - timedelta(days=1), START, START, START, START + timedelta(seconds=120))  # fmt: skip
    simulator.feeds[feed.feed_id], simulator.reports[report.report_id] = feed, report

    assert process_due(simulator, START + timedelta(seconds=59)) == 0 and not center.pending
    assert process_due(simulator, START + timedelta(seconds=120)) == 2  # nobody asked getFeed or getReport
    assert process_due(simulator, START + timedelta(seconds=180)) == 0  # once
    assert feed.status == "DONE" and feed.result_document_id is not None
    messages = [json.loads(p.body) for p in center.take_due(START + timedelta(seconds=180))]
    by_type = {m["notificationType"]: m for m in messages}
    assert sorted(by_type) == ["FEED_PROCESSING_FINISHED", "REPORT_PROCESSING_FINISHED"]
    for kind, schema_file in (("FEED_PROCESSING_FINISHED", "FeedProcessingFinishedNotification.json"),
                              ("REPORT_PROCESSING_FINISHED", "ReportProcessingFinishedNotification.json")):  # fmt: skip
        jsonschema.validate(by_type[kind], json.loads((amazon_contracts() / schema_file).read_text()))
    assert by_type["FEED_PROCESSING_FINISHED"]["payload"]["feedProcessingFinishedNotification"] == {
        "sellerId": SELLER, "accountId": f"amzn1.merchant.o.{SELLER}", "feedId": "51",
        "feedType": "JSON_LISTINGS_FEED", "processingStatus": "DONE", "resultFeedDocumentId": feed.result_document_id,
    }  # fmt: skip
    finished = by_type["REPORT_PROCESSING_FINISHED"]["payload"]["reportProcessingFinishedNotification"]
    assert (finished["reportId"], finished["processingStatus"]) == ("91", report.status)
    # The app's intake understands it (camelCase envelope).
    parsed = intake.parse(json.dumps(by_type["FEED_PROCESSING_FINISHED"]))
    assert isinstance(parsed, FeedProcessingFinishedNotification)
    assert parsed.finished.result_feed_document_id == feed.result_document_id


async def _push_state(env: PushEnv) -> PushState:
    state = env.orders.state
    async with state.sessionmaker() as session:
        status = await connection_status(
            session, state.settings, env.orders.installation_id, NA, now=env.orders.clock.now()
        )
    return status.state


async def _feed_receipts(env: PushEnv) -> list[PushReceipt]:
    async with env.orders.state.sessionmaker() as session:
        return list(
            (
                await session.execute(
                    select(PushReceipt).where(PushReceipt.notification_type == "FEED_PROCESSING_FINISHED")
                )
            ).scalars()
        )


async def _reconcile(env: PushEnv) -> None:
    orders = env.orders
    async with orders.state.sessionmaker() as session, session.begin():
        await ensure_reconciliation(session, orders.installation_id, now=orders.clock.now())


async def test_stock_feed_finishes_on_its_notification_without_get_feed_through_duplicates_and_reordering(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    delivery = DeliveryOptions(delay_seconds=2, jitter_seconds=40, duplicate_share=1.0, reorder=True, seed=7)
    async with push_env(sqlite_url, tmp_path, sqs_server, delivery=delivery) as env:
        orders = env.orders
        await set_up(orders)
        worker = env.worker()
        await env.step(1, worker)  # the subscriptions are made; the consumer reads the queue
        assert await _push_state(env) is PushState.SUBSCRIBED
        assert env.simulator.notifications.subscription(SELLER, "FEED_PROCESSING_FINISHED") is not None

        await _reconcile(env)
        await orders.run_jobs(worker)
        [sim_feed] = env.simulator.seller_feeds(SELLER)
        del env.simulator.sellers[SELLER].catalog[UNKNOWN]  # the seller deletes a listing while the feed waits
        await env.run_for(15 * 60, worker, step=20)

        calls = env.simulator.stats.requests
        assert calls["getFeed"] == 0  # finished on the notification
        assert calls["getFeedDocument"] == 1  # once, although the notification came twice
        assert env.simulator.notifications.by_type["FEED_PROCESSING_FINISHED"] == 2  # duplicated on purpose
        [feed] = await rows(orders, StockFeed)
        assert (feed.feed_id, feed.state) == (sim_feed.feed_id, "done")
        assert [i["sku"] for i in json.loads(gzip.decompress(feed.report_gzip or b""))["issues"]] == [UNKNOWN]
        listings = {r.sku: r for r in await rows(orders, ListingStock)}
        assert listings["SIM-KITCHEN-001"].last_state == "accepted"
        assert listings[UNKNOWN].last_state == "error"
        [error] = await rows(orders, ProcessingError)
        assert (error.sku, error.reference) == (UNKNOWN, feed.feed_id)
        [receipt] = await _feed_receipts(env)  # the second delivery found the receipt and changed nothing
        assert (receipt.subject_id, receipt.outcome) == (feed.feed_id, "done")
        assert env.consumer.stats.duplicates == 1
        assert env.simulator.sellers[SELLER].catalog["SIM-KITCHEN-001"].listing_quantity[US] == 38

        # A notification for a feed the app does not know (another application's, or finished already) is
        # acknowledged and ignored, not a dead letter.
        example = json.loads((amazon_contracts() / "FeedProcessingFinishedNotification.json").read_text())
        stranger = example["examples"][0]
        stranger["payload"]["feedProcessingFinishedNotification"].update(sellerId=SELLER, feedId="999999")
        await send(env.queue, json.dumps(stranger))
        await env.drain()
        receipts = {r.subject_id: r.outcome for r in await _feed_receipts(env)}
        assert receipts == {feed.feed_id: "done", "999999": "ignored"}
        async with orders.state.sessionmaker() as session:
            assert list((await session.execute(select(PushDeadLetter))).scalars()) == []
        assert (await queue_depth(env.queue))["ApproximateNumberOfMessages"] == 0
        assert env.simulator.stats.requests["getFeed"] == 0


async def test_cancellation_feed_is_confirmed_from_its_notification_without_get_feed(
    database_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(database_url, tmp_path, sqs_server) as env:  # SQLite and PostgreSQL (the payload lookup)
        orders = env.orders
        order_ids = await _import_unshipped(env, 2)
        worker = env.worker()
        await env.step(1, worker)
        assert await _push_state(env) is PushState.SUBSCRIBED

        for order_id in order_ids:
            await cancel_in_saleor(orders, order_id)
        await deliver(orders)
        before = env.simulator.stats.requests.copy()
        await env.run_for(10 * 60, worker, step=20)

        [feed_id] = [f.feed_id for f in env.simulator.feeds.values() if f.feed_type == FEED_TYPE]
        assert {a.amazon_order_id: a.state for a in await actions(orders)} == dict.fromkeys(order_ids, "confirmed")
        calls = env.simulator.stats.requests - before
        assert calls["getFeed"] == 0 and calls["getFeedDocument"] == 1
        assert [(r.subject_id, r.outcome) for r in await _feed_receipts(env)] == [(feed_id, "done")]


async def test_with_push_degraded_feeds_finish_by_polling(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server) as env:
        orders = env.orders
        # Nobody reads the queue: push is degraded, the result jobs poll getFeed at full speed. The configuration
        # save starts a stock reconciliation (its feed goes out while the orders are imported).
        order_ids = await _import_unshipped(env, 1, catalog=True)
        assert await _push_state(env) is PushState.DEGRADED
        for order_id in order_ids:
            await cancel_in_saleor(orders, order_id)
        await deliver(orders)
        await orders.run_for(10 * 60, step=20)

        assert {a.amazon_order_id: a.state for a in await actions(orders)} == dict.fromkeys(order_ids, "confirmed")
        stock_feeds = await rows(orders, StockFeed)
        assert stock_feeds and {f.state for f in stock_feeds} == {"done"}
        finished = len(env.simulator.feeds)
        assert finished == len(stock_feeds) + 1
        assert env.simulator.stats.requests["getFeed"] >= finished  # polling finished every feed
        assert env.simulator.notifications.by_type["FEED_PROCESSING_FINISHED"] == finished  # sent, never read
        assert await _feed_receipts(env) == []


async def test_a_lost_feed_notification_is_made_up_for_by_polling_after_the_catch_up_time(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server, push_catch_up_seconds=600.0) as env:
        orders = env.orders
        await set_up(orders)
        worker = env.worker()
        await env.step(1, worker)
        center = env.simulator.notifications
        lost = center.subscription(SELLER, "FEED_PROCESSING_FINISHED")
        assert lost is not None
        del center.subscriptions[lost.subscription_id]  # Amazon sends nothing for this feed (the app cannot tell)
        await _reconcile(env)
        await orders.run_jobs(worker)
        [sim_feed] = env.simulator.seller_feeds(SELLER)

        await env.run_for(5 * 60, worker, step=20)  # processed at Amazon long ago; push healthy: no getFeed yet
        assert sim_feed.processed and env.simulator.stats.requests["getFeed"] == 0
        assert await _push_state(env) is PushState.SUBSCRIBED
        assert [f.state for f in await rows(orders, StockFeed)] == ["submitted"]

        await env.run_for(6 * 60, worker, step=20)  # past the catch-up time: polled once, finished
        assert [f.state for f in await rows(orders, StockFeed)] == ["done"]
        assert env.simulator.stats.requests["getFeed"] == 1
        assert await _feed_receipts(env) == []


async def test_backfill_reports_finish_on_their_notification_without_get_report(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server) as env:
        orders = env.orders
        for seller in env.simulator.sellers.values():
            seller.orders.clear()
        start = orders.clock.now()
        generated = env.simulator.generate_orders(
            SELLER, 6, seed=3, afn_share=0.0, cancel_share=0.0, preorder_share=0.0, unknown_sku_share=0.0,
            start=start - timedelta(days=40), end=start - timedelta(days=2),
        )  # fmt: skip
        await orders.configure({NA: SELLERS[NA]}, import_orders_since=(start - timedelta(days=45)).date())
        worker = env.worker()
        await env.step(1, worker)
        assert await _push_state(env) is PushState.SUBSCRIBED
        await env.run_for(12 * 60, worker, step=20)

        async with orders.state.sessionmaker() as session:
            backfill = (await session.execute(select(Backfill))).scalar_one()
            receipts = list(
                (
                    await session.execute(
                        select(PushReceipt).where(PushReceipt.notification_type == "REPORT_PROCESSING_FINISHED")
                    )
                ).scalars()
            )
        assert (backfill.status, backfill.windows_done, backfill.windows_total) == ("done", 2, 2)
        calls = env.simulator.stats.requests
        assert calls["createReport"] == 2 and calls["getReport"] == 0  # both windows finished on the notification
        assert sorted(r.outcome for r in receipts) == ["done", "done"]
        assert {o.order_id for o in generated} <= {o.external_reference for o in orders.saleor_orders()}


async def _import_unshipped(env: PushEnv, count: int, *, catalog: bool = False) -> list[str]:
    """Merchant-fulfilled orders of the US seller imported into Saleor (by the sync; push not read yet)."""
    orders = env.orders
    if catalog:
        await set_up(orders)  # stock and SKU mappings as in the stock feed tests
    else:
        for seller in env.simulator.sellers.values():
            seller.orders.clear()
        await orders.configure({NA: SELLERS[NA]})
    start = orders.clock.now()
    generated = env.simulator.generate_orders(
        SELLER, count, seed=11, afn_share=0.0, cancel_share=0.0, preorder_share=0.0, replacement_share=0.0,
        mfn_auto_ship_share=0.0, unknown_sku_share=0.0, start=start, end=start + timedelta(minutes=10),
    )  # fmt: skip
    await orders.run_for(2 * 3600, step=600)
    imported = [o.order_id for o in generated if orders.saleor_order(o.order_id) is not None]
    assert len(imported) == count
    return imported
