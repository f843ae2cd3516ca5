"""Each connection's subscriptions at Amazon, kept in step with the configuration.

``push.subscriptions`` (one per installation, enqueued by every configuration save — a connection added, removed or
re-authorized) makes sure the SQS destination exists (grantless ``getDestinations`` / ``createDestination`` in the
connection's region, with the ``sellingpartnerapi::notifications`` scope), that every authorized connection has its
``ORDER_CHANGE`` subscription (``orderChangeTypes`` filter: the changes the import acts on) and its
``FEED_PROCESSING_FINISHED`` and ``REPORT_PROCESSING_FINISHED`` ones (stock and cancellation feeds and the
backfill's reports finish on them, ``finished_intake.py``), and deletes the
subscriptions of connections that are gone or no longer authorized. A subscription Amazon dropped (a seller who
revoked and authorized again) is found missing by ``getSubscription`` and created again. ``APP_DELETED`` hands the
installation's subscriptions to ``push.unsubscribe``, a job of no installation that outlives the cascade.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.notifications import (
    FEED_PROCESSING_FINISHED,
    ORDER_CHANGE,
    ORDER_CHANGE_TYPES,
    REPORT_PROCESSING_FINISHED,
    EventFilter,
    ProcessingDirective,
)
from saleor_asc_app.configuration.repository import configuration_repository
from saleor_asc_app.configuration.saved import ConfigurationSaved
from saleor_asc_app.connections.amazon_access import ConnectionNotAuthorized, connection_client
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.push.consumer import queue_region
from saleor_asc_app.push.tables import PushSubscription
from saleor_asc_app.state import AppState

log = get_logger(__name__)

SUBSCRIBE_KIND = "push.subscriptions"
UNSUBSCRIBE_KIND = "push.unsubscribe"
DESTINATION_NAME = "saleor-asc-app"
# payloadVersion per type: ORDER_CHANGE "1.0" (docs/amazon.md, "Notifications"); the feed notification's schema
# and the report notification's schemas (contracts/amazon/*ProcessingFinishedNotification.json) show "2020-09-04".
PAYLOAD_VERSIONS = {
    ORDER_CHANGE: "1.0",
    FEED_PROCESSING_FINISHED: "2020-09-04",
    REPORT_PROCESSING_FINISHED: "2020-09-04",
}
NOTIFICATION_TYPES = (ORDER_CHANGE, FEED_PROCESSING_FINISHED, REPORT_PROCESSING_FINISHED)
RETRY_DELAY = 300.0


def queue_arn(queue_url: str, region: str) -> str:
    """``https://sqs.<region>.amazonaws.com/<account>/<name>`` → ``arn:aws:sqs:<region>:<account>:<name>``."""
    parts = queue_url.split("://", 1)[-1].split("/")
    if len(parts) < 3:
        raise ValueError("the push queue URL has no account and queue name")
    return f"arn:aws:sqs:{region}:{parts[1]}:{parts[2]}"


def directive(notification_type: str) -> ProcessingDirective | None:
    if notification_type == ORDER_CHANGE:
        return ProcessingDirective(
            event_filter=EventFilter(event_filter_type=ORDER_CHANGE, order_change_types=list(ORDER_CHANGE_TYPES))
        )
    return None


async def enqueue_reconcile(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> bool:
    return await enqueue(
        session,
        SUBSCRIBE_KIND,
        {},
        installation_id=installation_id,
        unique_key=f"push-subscriptions:{installation_id}",
        now=now,
        max_attempts=20,
    )


async def on_configuration_saved(session: AsyncSession, saved: ConfigurationSaved) -> None:
    """A connection added, removed or re-authorized: its subscriptions follow, in the saving transaction."""
    await enqueue_reconcile(session, saved.installation_id, now=saved.now)


async def destination_id(state: AppState, client: SpApiClient, region: str) -> str:
    cache = state.push_destinations  # region → destination id, found or created once per process
    if region in cache:
        return cache[region]
    settings = state.settings
    arn = queue_arn(settings.push_queue_url, settings.push_queue_region or queue_region(settings.push_queue_url))
    found = next((d for d in await client.get_destinations() if d.resource.sqs and d.resource.sqs.arn == arn), None)
    if found is None:
        found = await client.create_destination(DESTINATION_NAME, arn)
    cache[region] = found.destination_id
    return found.destination_id


async def reconcile(state: AppState, installation_id: uuid.UUID) -> list[str]:
    """Bring the installation's subscriptions in step with its configuration; returns the problems met."""
    problems: list[str] = []
    now = state.clock.now()
    async with state.sessionmaker() as session:
        repository = configuration_repository(session, state)
        config = (await repository.load(installation_id)).config
        tokens = {c.id: await repository.refresh_token(installation_id, c.id) for c in config.connections}
        rows = list(
            (
                await session.execute(
                    select(PushSubscription).where(PushSubscription.installation_id == installation_id)
                )
            ).scalars()
        )
    wanted = {c.id: c for c in config.connections if tokens.get(c.id)} if state.settings.push_enabled else {}
    # Gone, or no longer authorized: delete at Amazon (grantless), then forget.
    for row in rows:
        if row.connection_id in wanted and wanted[row.connection_id].seller_id == row.seller_id:
            continue
        if row.subscription_id:
            try:
                client = state.amazon.application_client(row.region)
                await client.delete_subscription(row.notification_type, row.subscription_id)
            except SpApiError as exc:
                problems.append(f"deleteSubscriptionById: {exc.code}")
                continue
        async with state.sessionmaker() as session, session.begin():
            await session.execute(delete(PushSubscription).where(PushSubscription.id == row.id))
    for connection in wanted.values():
        try:
            async with state.sessionmaker() as session:
                client = await connection_client(state, session, installation_id, connection)
            destination = await destination_id(state, client, connection.region.value)
            for notification_type in NOTIFICATION_TYPES:
                subscription = await client.get_subscription(notification_type, PAYLOAD_VERSIONS[notification_type])
                if subscription is not None and subscription.destination_id != destination:
                    await client.delete_subscription(notification_type, subscription.subscription_id)
                    subscription = None
                created = subscription is None
                if subscription is None:
                    subscription = await client.create_subscription(
                        notification_type,
                        destination,
                        payload_version=PAYLOAD_VERSIONS[notification_type],
                        processing_directive=directive(notification_type),
                    )
                await _store(
                    state,
                    installation_id,
                    connection.id,
                    connection.seller_id,
                    connection.region.value,
                    notification_type,
                    subscription.subscription_id,
                    destination,
                    now=now,
                    created=created,
                )
        except (SpApiError, ConnectionNotAuthorized) as exc:
            code = getattr(exc, "code", "ERROR")
            problems.append(f"{connection.seller_id}: {code}")
            await _store_error(
                state, installation_id, connection.id, connection.seller_id, connection.region.value, code, now
            )
    return problems


async def _store(
    state: AppState,
    installation_id: uuid.UUID,
    connection_id: str,
    seller_id: str,
    region: str,
    notification_type: str,
    subscription_id: str,
    destination: str,
    *,
    now: datetime,
    created: bool,
) -> None:
    async with state.sessionmaker() as session, session.begin():
        row = await _row_or_new(session, installation_id, connection_id, notification_type, seller_id, region)
        if created or row.subscription_id != subscription_id or row.subscribed_at is None:
            row.subscribed_at = now
        row.seller_id, row.region = seller_id, region
        row.subscription_id, row.destination_id = subscription_id, destination
        row.last_error = None
        row.updated_at = now


async def _store_error(
    state: AppState,
    installation_id: uuid.UUID,
    connection_id: str,
    seller_id: str,
    region: str,
    error: str,
    now: datetime,
) -> None:
    async with state.sessionmaker() as session, session.begin():
        for notification_type in NOTIFICATION_TYPES:
            row = await _row_or_new(session, installation_id, connection_id, notification_type, seller_id, region)
            row.last_error = f"The subscription could not be made: {error}"
            row.updated_at = now


async def _row_or_new(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection_id: str,
    notification_type: str,
    seller_id: str,
    region: str,
) -> PushSubscription:
    """The connection's subscription row for this notification type, added to the session when there is none."""
    row = await _row(session, installation_id, connection_id, notification_type)
    if row is None:
        row = PushSubscription(
            installation_id=installation_id,
            connection_id=connection_id,
            notification_type=notification_type,
            seller_id=seller_id,
            region=region,
            missed=0,
        )
        session.add(row)
    return row


async def _row(
    session: AsyncSession, installation_id: uuid.UUID, connection_id: str, notification_type: str
) -> PushSubscription | None:
    return (
        await session.execute(
            select(PushSubscription).where(
                PushSubscription.installation_id == installation_id,
                PushSubscription.connection_id == connection_id,
                PushSubscription.notification_type == notification_type,
            )
        )
    ).scalar_one_or_none()


async def hand_over_on_uninstall(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> int:
    """In APP_DELETED's transaction, before the cascade: a ``push.unsubscribe`` job (of no installation) per
    subscription, so Amazon stops sending for a store that is gone."""
    rows = (
        await session.execute(
            select(PushSubscription).where(
                PushSubscription.installation_id == installation_id, PushSubscription.subscription_id.is_not(None)
            )
        )
    ).scalars()
    count = 0
    for row in rows:
        await enqueue(
            session,
            UNSUBSCRIBE_KIND,
            {"region": row.region, "notification_type": row.notification_type, "subscription_id": row.subscription_id},
            installation_id=None,
            unique_key=f"push-unsubscribe:{row.subscription_id}",
            now=now,
            max_attempts=20,
        )
        count += 1
    return count


async def run_reconcile_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    problems = await reconcile(ctx, job.installation_id)
    if problems:
        log.warning("push subscriptions incomplete", problems=problems[:5])
        raise RetryJob("; ".join(problems)[:500], delay=RETRY_DELAY, count_attempt=False)


async def run_unsubscribe_job(ctx: AppState, job: ClaimedJob) -> None:
    payload: dict[str, Any] = job.payload
    client = ctx.amazon.application_client(str(payload["region"]))
    try:
        await client.delete_subscription(str(payload["notification_type"]), str(payload["subscription_id"]))
    except SpApiError as exc:
        raise RetryJob(f"deleteSubscriptionById: {exc.code}", delay=RETRY_DELAY) from None


def subscription_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(
            SUBSCRIBE_KIND, run_reconcile_job, timeout_seconds=120.0, description="keep push subscriptions in step"
        ),
        JobKind(UNSUBSCRIBE_KIND, run_unsubscribe_job, timeout_seconds=60.0, description="delete a push subscription"),
    ]
