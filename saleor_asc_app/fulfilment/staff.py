"""What staff do to an outgoing action from the order widget: send a failed or refused one again, or confirm the
carrier of a shipment refused for want of one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.fulfilment.actions import queue_action
from saleor_asc_app.fulfilment.steps import set_action
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction


async def retry_action(
    session: AsyncSession, installation_id: uuid.UUID, action_id: uuid.UUID, *, now: datetime
) -> bool:
    """Staff action: send a failed or refused action again (after fixing its cause)."""
    action = await session.get(OutgoingAction, action_id)
    if action is None or action.installation_id != installation_id:
        return False
    if action.state not in (ActionState.FAILED.value, ActionState.REFUSED.value):
        return False
    await set_action(session, action.id, now, state=ActionState.PENDING.value, message=None)
    await queue_action(session, action, now)
    return True


async def confirm_carrier(
    session: AsyncSession,
    installation_id: uuid.UUID,
    action_id: uuid.UUID,
    *,
    carrier_code: str,
    carrier_name: str | None,
    now: datetime,
) -> OutgoingAction | None:
    """Staff action: send a shipment refused for want of a carrier with this carrier (a mapping still wins)."""
    action = await session.get(OutgoingAction, action_id)
    if action is None or action.installation_id != installation_id or action.kind != ActionKind.CONFIRM_SHIPMENT.value:
        return None
    if action.state not in (ActionState.FAILED.value, ActionState.REFUSED.value, ActionState.PENDING.value):
        return None
    await set_action(
        session, action.id, now, state=ActionState.PENDING.value, message=None,
        carrier_code=carrier_code, carrier_name=carrier_name if carrier_code == "Other" else None,
    )  # fmt: skip
    await queue_action(session, action, now)
    await session.refresh(action)
    return action
