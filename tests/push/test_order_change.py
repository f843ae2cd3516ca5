"""ORDER_CHANGE through a real SQS-compatible server: the simulator notifies as Amazon would (valid against
Amazon's notification schema), the consumer turns each notification into one getOrder through the import path,
exactly once through duplicated, reordered and delayed deliveries and a worker that dies between commit and
delete; poison messages become dead letters and never block the queue."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import jsonschema
from sqlalchemy import func, select

from saleor_asc_app.push.tables import PushDeadLetter, PushReceipt, PushSubscription
from saleor_asc_app.simulator.notifications import DeliveryOptions
from tests.contracts import amazon_contracts
from tests.orders.checks import assert_no_pii, check_exactly_once
from tests.orders.harness import SELLERS
from tests.push.harness import PushEnv, push_env
from tests.push.sqs_server import SqsServer, queue_depth, send

NA = "conn-na"
SELLER = SELLERS[NA][1]


async def _start(env: PushEnv) -> None:
    env.simulator.sellers[SELLER].orders.clear()
    await env.orders.configure({NA: SELLERS[NA]})
    await env.orders.run_jobs()  # the first sync (its cursor names the connection) and the subscriptions


async def test_subscriptions_made_order_change_with_its_filter_and_feed_and_report_processing_finished(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server) as env:
        await _start(env)
        center = env.simulator.notifications
        assert [d.arn for d in center.destinations.values()] == [env.queue.arn]
        subscription = center.subscription(SELLER, "ORDER_CHANGE")
        assert subscription is not None
        assert subscription.processing_directive == {
            "eventFilter": {
                "eventFilterType": "ORDER_CHANGE",
                "orderChangeTypes": ["OrderStatusChange", "BuyerRequestedChange"],
            }
        }
        # Feeds and reports finish on their notifications.
        feeds = center.subscription(SELLER, "FEED_PROCESSING_FINISHED")
        reports = center.subscription(SELLER, "REPORT_PROCESSING_FINISHED")
        for made in (feeds, reports):
            assert made is not None and made.processing_directive is None and made.payload_version == "2020-09-04"
        assert feeds is not None and reports is not None
        async with env.orders.state.sessionmaker() as session:
            rows = list((await session.execute(select(PushSubscription))).scalars())
        assert sorted((r.connection_id, r.notification_type, r.subscription_id) for r in rows) == [
            (NA, "FEED_PROCESSING_FINISHED", feeds.subscription_id),
            (NA, "ORDER_CHANGE", subscription.subscription_id),
            (NA, "REPORT_PROCESSING_FINISHED", reports.subscription_id),
        ]


async def test_orders_arrive_exactly_once_through_duplicated_reordered_delayed_notifications(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer, captured_logs: Callable[[], str]
) -> None:
    delivery = DeliveryOptions(delay_seconds=5, jitter_seconds=90, duplicate_share=0.5, reorder=True, seed=11)
    async with push_env(sqlite_url, tmp_path, sqs_server, delivery=delivery, visibility=1) as env:
        await _start(env)
        schema = json.loads((amazon_contracts() / "OrderChangeNotification.json").read_text())
        sent: list[str] = []
        original = env.simulator.notifications.take_due

        def recording(now):  # type: ignore[no-untyped-def]
            due = original(now)
            sent.extend(p.body for p in due)
            return due

        env.simulator.notifications.take_due = recording
        start = env.orders.clock.now()
        env.simulator.generate_orders(
            SELLER, 40, seed=5, start=start, end=start + timedelta(minutes=30), unknown_sku_share=0.0
        )
        calls_before = env.simulator.stats.requests.copy()
        worker = env.worker(sync=False)  # only push brings orders in

        # A worker takes messages, commits their effect and dies before deleting them.
        await env.run_for(15 * 60, worker)
        await env.deliver_due()
        taken = await env.sqs.receive_message(
            QueueUrl=env.queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=1
        )
        for message in taken.get("Messages", []):
            assert await env.consumer.handle(message)  # committed, never deleted: comes back after 1 s
        await _sleep_real(1.5)

        await env.run_for(3 * 86400, worker, step=1800)
        await env.drain()
        await env.orders.run_jobs(worker)

        tally = await check_exactly_once(env.orders, parked_unknown=False)
        assert tally["in Saleor"] >= 30, tally
        assert env.consumer.stats.duplicates > 0  # the duplicates and the redelivered messages changed nothing
        assert await queue_depth(env.queue) == {
            "ApproximateNumberOfMessages": 0,
            "ApproximateNumberOfMessagesNotVisible": 0,
        }
        for body in sent:
            jsonschema.validate(json.loads(body), schema)
        calls = env.simulator.stats.requests - calls_before
        assert calls["searchOrders"] == 0
        # One getOrder per change Saleor needs (release, shipments, cancellation), none for duplicates or stale ones.
        async with env.orders.state.sessionmaker() as session:
            fetched = (
                await session.execute(
                    select(func.count()).select_from(PushReceipt).where(PushReceipt.outcome == "fetch")
                )
            ).scalar_one()
        assert calls["getOrder"] <= fetched
        assert_no_pii(env.orders, captured_logs())


async def test_poison_messages_go_to_dead_letters_and_never_block_the_queue(
    sqlite_url: str, tmp_path: Path, sqs_server: SqsServer
) -> None:
    async with push_env(sqlite_url, tmp_path, sqs_server) as env:
        await _start(env)
        await send(env.queue, "not json at all")
        await send(
            env.queue,
            json.dumps(
                {"NotificationType": "ORDER_CHANGE", "Payload": {"OrderChangeNotification": {"SellerId": SELLER}}}
            ),
        )
        start = env.orders.clock.now()
        env.simulator.generate_orders(SELLER, 3, seed=2, start=start - timedelta(minutes=1), end=start, afn_share=0.0)
        worker = env.worker(sync=False)
        await env.run_for(3 * 3600, worker, step=600)
        async with env.orders.state.sessionmaker() as session:
            dead = list((await session.execute(select(PushDeadLetter))).scalars())
        assert sorted((d.installation_id is None, d.notification_type) for d in dead) == [
            (False, "ORDER_CHANGE"),
            (True, ""),
        ]
        assert all(SELLER not in d.reason for d in dead)
        assert {o.order_id for o in env.simulator.sellers[SELLER].orders.values()} == {
            o.external_reference for o in env.orders.saleor_orders()
        }
        assert (await queue_depth(env.queue))["ApproximateNumberOfMessages"] == 0


async def _sleep_real(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def test_feed_notifications_in_camel_case_are_understood_not_poison() -> None:
    """Feed and report notifications spell their envelope in camelCase (Amazon's own example)."""
    from saleor_asc_app.push import intake

    schema = json.loads((amazon_contracts() / "FeedProcessingFinishedNotification.json").read_text())
    notification = intake.parse(json.dumps(schema["examples"][0]))
    assert notification.NotificationType == "FEED_PROCESSING_FINISHED"
    assert notification.NotificationMetadata.NotificationId == "d0e9e693-c3ad-4373-979f-ed4ec98dd746"
