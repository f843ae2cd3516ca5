"""Push figures for ``GET /metrics`` (no identifiers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.orders.tables import SyncCursor
from saleor_asc_app.push.health import PushState, connection_status
from saleor_asc_app.push.tables import PushDeadLetter, PushReceipt, PushSubscription
from saleor_asc_app.settings import Settings


@dataclass
class PushFigures:
    states: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    missed: int = 0
    dead: int = 0


async def push_metrics(session: AsyncSession, settings: Settings, now: datetime) -> PushFigures:
    figures = PushFigures(states={s.value: 0 for s in PushState})
    for installation_id, connection_id in (
        await session.execute(select(SyncCursor.installation_id, SyncCursor.connection_id))
    ).all():
        status = await connection_status(session, settings, installation_id, connection_id, now=now)
        figures.states[status.state.value] += 1
    figures.outcomes = {
        str(outcome): int(count)
        for outcome, count in (
            await session.execute(select(PushReceipt.outcome, func.count()).group_by(PushReceipt.outcome))
        ).all()
    }
    figures.missed = int(
        (await session.execute(select(func.coalesce(func.sum(PushSubscription.missed), 0)))).scalar_one()
    )
    figures.dead = int((await session.execute(select(func.count()).select_from(PushDeadLetter))).scalar_one())
    return figures
