"""The ``fulfilment.send_action`` job: runs one outgoing action. It loads the action once and dispatches by kind —
a shipment (``confirmation.py``), a cancellation through ``cancelOrder`` (``cancellation.py``), or a cancellation
handed to the order acknowledgement feed (``cancellation_feed.py``) — after the prelude every Amazon call shares:
the connection the order came from is still configured (else the action is refused) and usable (else the job waits,
showing why), and Amazon's current view of the order is read (``getOrder``: retried while Amazon has trouble, a
failure of the action otherwise)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.orders import IncludedData
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections.readiness import ConnectionPaused, usable_client
from saleor_asc_app.fulfilment.actions import CONFIRM_KIND
from saleor_asc_app.fulfilment.cancellation import CANCEL_DATA, on_cancel_order_api, refuse_partial, send_cancellation
from saleor_asc_app.fulfilment.cancellation_feed import cancellation_feed_job_kinds, hand_to_feed
from saleor_asc_app.fulfilment.confirmation import SHIPMENT_DATA, send_shipment, shipment_inputs
from saleor_asc_app.fulfilment.paused_connection import wait_for_connection
from saleor_asc_app.fulfilment.steps import ActionRun, finish_with_error
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.state import AppState


async def run_action(ctx: AppState, job: ClaimedJob) -> None:
    async with ctx.sessionmaker() as session:
        action = await session.get(OutgoingAction, uuid.UUID(job.payload["action_id"]))
    if action is None:
        return
    if action.kind == ActionKind.CANCEL.value:
        if not on_cancel_order_api(ctx.settings, action):
            if action.state == ActionState.PENDING.value:
                await hand_to_feed(ctx, action)
            return
        if await refuse_partial(ctx, action):
            return
        run = await _prelude(ctx, job, action, CANCEL_DATA)
        if run is not None:
            await send_cancellation(ctx, run)
        return
    inputs = await shipment_inputs(ctx, action)
    if inputs is None:
        return
    run = await _prelude(ctx, job, action, SHIPMENT_DATA)
    if run is not None:
        await send_shipment(ctx, run, inputs)


async def _prelude(
    ctx: AppState, job: ClaimedJob, action: OutgoingAction, data: Sequence[IncludedData]
) -> ActionRun | None:
    """The configuration, a usable client and Amazon's order for the action; None when the action was finished
    here (refused for a missing connection, or getOrder failed for good)."""
    paused: ConnectionPaused | None = None
    amazon: SpApiClient | None = None
    async with ctx.sessionmaker() as session, session.begin():
        config = (await load_configuration(session, ctx, action.installation_id)).config
        connection = config.connection(action.connection_id)
        if connection is not None:
            try:
                amazon = await usable_client(ctx, session, action.installation_id, connection)
            except ConnectionPaused as exc:
                paused = exc
    if paused is not None:
        raise await wait_for_connection(ctx, action, paused)
    if amazon is None:
        await finish_with_error(
            ctx, action, ActionState.REFUSED, "connection_missing",
            "The Amazon connection this order came from is no longer configured.",
        )  # fmt: skip
        return None
    try:
        order = await amazon.get_order(action.amazon_order_id, data)
    except SpApiError as exc:
        if exc.retryable:
            raise RetryJob(f"Amazon getOrder: {exc}", delay=60.0, count_attempt=True) from None
        await finish_with_error(ctx, action, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
        return None
    return ActionRun(job, action, config, amazon, order)


def fulfilment_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(CONFIRM_KIND, run_action, timeout_seconds=120.0, description="send a shipment to Amazon"),
        *cancellation_feed_job_kinds(),
    ]
