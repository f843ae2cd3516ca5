"""``orders.push_fetch``: one ``getOrder`` for the order a notification named, through the sync's import path
(``store_orders`` → ``orders.write``). A job whose change is already stored (another notification's fetch or the
catch-up sweep got there first) ends without calling Amazon."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.amazon.errors import AccessDenied, LwaError, NotFound, SpApiError
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.amazon_access import ConnectionNotAuthorized, connection_client
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.pii import BuyerPseudonyms
from saleor_asc_app.orders.schedule import enqueue_writer
from saleor_asc_app.orders.stored_orders import store_orders
from saleor_asc_app.orders.sync import load_connection
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.state import AppState

log = get_logger(__name__)

ERROR_DELAY = 30.0
PAUSED_DELAY = 300.0


async def fetch_order(
    state: AppState, installation_id: uuid.UUID, connection_id: str, order_id: str, changed_at: datetime
) -> str:
    """Returns what happened: ``stored``, ``stale``, ``gone`` (connection or order)."""
    clock = state.clock
    access = state.amazon
    async with state.sessionmaker() as session, session.begin():
        connection, _version = await load_connection(state, session, installation_id, connection_id)
        if connection is None:
            return "gone"
        stored_at = (
            await session.execute(
                select(AmazonOrder.amazon_updated_at).where(
                    AmazonOrder.installation_id == installation_id, AmazonOrder.amazon_order_id == order_id
                )
            )
        ).scalar_one_or_none()
        if stored_at is not None and stored_at >= changed_at:
            return "stale"
        now = clock.now()
        usability = await authorization.usable(
            session, installation_id, connection, now=now, lifetime_days=state.settings.authorization_lifetime_days
        )
        if not usability.usable:
            raise RetryJob(f"connection paused: {usability.reason or 'not usable'}", delay=PAUSED_DELAY)
        client = await connection_client(state, session, installation_id, connection)
    wait = await access.wait_time(connection, ops.GET_ORDER)
    if wait > 1.0:
        raise RetryJob(f"getOrder token in {wait:.1f} s", delay=wait, count_attempt=False)
    try:
        order = await client.get_order(order_id)
    except NotFound:
        log.info("push: order not found at Amazon", seller_id=connection.seller_id)
        return "gone"
    except (SpApiError, ConnectionNotAuthorized) as exc:
        auth = isinstance(exc, LwaError | AccessDenied | ConnectionNotAuthorized)
        raise RetryJob(
            f"getOrder failed: {getattr(exc, 'code', 'ERROR')}", delay=PAUSED_DELAY if auth else ERROR_DELAY
        ) from None
    async with state.sessionmaker() as session, session.begin():
        now = clock.now()
        stored = await store_orders(
            session,
            installation_id=installation_id,
            connection_id=connection_id,
            orders=[order],
            now=now,
            sink=state.pii_sink,
            pseudonyms=BuyerPseudonyms(state.settings.master_key),
            parsed=state.parsed_orders,
        )
        if stored.queued or stored.followups:
            await enqueue_writer(session, installation_id, now=now)
    return "stored"


async def run_fetch_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    payload = job.payload
    await fetch_order(
        ctx,
        job.installation_id,
        str(payload["connection_id"]),
        str(payload["order_id"]),
        datetime.fromisoformat(str(payload["changed_at"])),
    )
