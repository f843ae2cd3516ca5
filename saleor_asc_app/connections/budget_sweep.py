"""`rate_budget` rows go away: those of sellers no installation connects any more, and those untouched for long.

A bucket row is shared by every connection of its seller and region, whatever installation holds it (Amazon's limit
is the seller's), so removing one connection or uninstalling one store removes the rows only when no configuration
of any installation still connects that seller in that region. A configuration save that drops a seller's last
connection there, and every uninstall, ask for a prompt sweep; a standing sweep runs every ``SWEEP_INTERVAL``
besides (started by the first configuration save, and by the daily connections sweep should none have) and also
drops rows untouched for ``IDLE_EXPIRY``. Such a row is full again (no operation takes longer than a few hours to
refill its burst), so deleting it loses only an observed ``x-amzn-RateLimit-Limit`` rate, which the next answer
brings back. Deletes go in batches of ``BATCH`` rows, each in a
short transaction of its own (``rate_budget`` rows are locked by every SP-API call of their seller).

A row of a removed seller can come back if a job of the removed connection was still calling Amazon; the next sweep
removes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.shared_budget import RateBudgetRow
from saleor_asc_app.configuration.saved import ConfigurationSaved
from saleor_asc_app.configuration.tables import StoredConfiguration
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger

if TYPE_CHECKING:
    from saleor_asc_app.state import AppState

log = get_logger(__name__)

SWEEP_KIND = "amazon.rate_budget_sweep"
SWEEP_INTERVAL = timedelta(hours=6)
IDLE_EXPIRY = timedelta(days=1)
BATCH = 500

SellerRegion = tuple[str, str]


def connected_sellers(data: Mapping[str, Any] | None) -> set[SellerRegion]:
    """(seller id, region) of every connection in a stored configuration (``app_configuration.data``)."""
    connections = (data or {}).get("connections") or []
    return {(str(c.get("seller_id", "")), str(c.get("region", ""))) for c in connections if c.get("seller_id")}


async def schedule_sweep(session: AsyncSession, *, now: datetime, prompt: bool = False) -> None:
    """In the caller's transaction: the standing sweep if none is waiting, and with ``prompt`` one that runs now."""
    if prompt:
        await enqueue(
            session, SWEEP_KIND, {"standing": False}, installation_id=None, unique_key=f"{SWEEP_KIND}:prompt", now=now
        )
    await enqueue(
        session,
        SWEEP_KIND,
        {"standing": True},
        installation_id=None,
        unique_key=f"{SWEEP_KIND}:standing",
        run_after=now + SWEEP_INTERVAL,
        now=now,
    )


async def on_configuration_saved(session: AsyncSession, saved: ConfigurationSaved) -> None:
    """In the saving transaction: a prompt sweep when a seller (in a region) left this configuration."""
    gone = connected_sellers(saved.previous_data) - connected_sellers(saved.data)
    await schedule_sweep(session, now=saved.now, prompt=bool(gone))


async def _still_connected(session: AsyncSession) -> set[SellerRegion]:
    live: set[SellerRegion] = set()
    for data in (await session.execute(select(StoredConfiguration.data))).scalars():
        live |= connected_sellers(data)
    return live


async def _delete_keys(state: AppState, keys: Iterable[tuple[str, str, str]]) -> int:
    keys = list(keys)
    if not keys:
        return 0
    columns = tuple_(RateBudgetRow.seller_id, RateBudgetRow.region, RateBudgetRow.operation)
    async with state.sessionmaker() as session, session.begin():
        result = await session.execute(delete(RateBudgetRow).where(columns.in_(keys)))
    return int(getattr(result, "rowcount", 0) or 0)


async def sweep(state: AppState, *, now: datetime) -> tuple[int, int]:
    """Deletes the rows of sellers no configuration connects and the rows idle since ``now - IDLE_EXPIRY``;
    returns how many of each."""
    async with state.sessionmaker() as session:
        live = await _still_connected(session)
    gone = idle = 0
    after: tuple[str, str, str] = ("", "", "")
    cutoff = (now - IDLE_EXPIRY).timestamp()
    key = tuple_(RateBudgetRow.seller_id, RateBudgetRow.region, RateBudgetRow.operation)
    while True:  # keyset pages over the table: each page's deletes in one short transaction
        async with state.sessionmaker() as session:
            page = (
                await session.execute(
                    select(
                        RateBudgetRow.seller_id, RateBudgetRow.region, RateBudgetRow.operation, RateBudgetRow.updated
                    )
                    .where(key > after)
                    .order_by(RateBudgetRow.seller_id, RateBudgetRow.region, RateBudgetRow.operation)
                    .limit(BATCH)
                )
            ).all()
        if not page:
            break
        unused = [(s, r, o) for s, r, o, _updated in page if (s, r) not in live]
        stale = [(s, r, o) for s, r, o, updated in page if (s, r) in live and updated < cutoff]
        gone += await _delete_keys(state, unused)
        idle += await _delete_keys(state, stale)
        last = page[-1]
        after = (last[0], last[1], last[2])
        if len(page) < BATCH:
            break
    return gone, idle


async def run_sweep(state: AppState, job: ClaimedJob) -> None:
    gone, idle = await sweep(state, now=state.clock.now())
    if gone or idle:
        log.info("rate budget rows removed", unconnected=gone, idle=idle)
    if job.payload.get("standing"):
        raise RetryJob("next rate budget sweep", delay=SWEEP_INTERVAL.total_seconds(), count_attempt=False)


def budget_sweep_job_kind() -> JobKind[AppState]:
    return JobKind(
        SWEEP_KIND,
        run_sweep,
        timeout_seconds=600.0,
        description="remove rate budget rows of sellers no longer connected, and rows idle for a day",
    )
