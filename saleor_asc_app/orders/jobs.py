"""The job kinds of the order import, for the app's job registry (``wiring.py``)."""

from __future__ import annotations

from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.orders.backfill import run_backfill_job
from saleor_asc_app.orders.schedule import BACKFILL_KIND, SYNC_KIND, WRITE_KIND
from saleor_asc_app.orders.sync import run_sync_job
from saleor_asc_app.orders.writer import BATCH_SIZE, WRITE_RUN_SECONDS, writer_handler
from saleor_asc_app.state import AppState


def order_job_kinds(
    *, batch_size: int = BATCH_SIZE, write_run_seconds: float = WRITE_RUN_SECONDS
) -> list[JobKind[AppState]]:
    """``batch_size``: orders per orderBulkCreate call (the benchmark compares 50 with 1); ``write_run_seconds``:
    how long one ``orders.write`` run works before it ends and is due again."""
    return [
        JobKind(SYNC_KIND, run_sync_job, timeout_seconds=300.0, description="sync a seller's Amazon orders"),
        JobKind(
            WRITE_KIND,
            writer_handler(batch_size, run_seconds=write_run_seconds),
            timeout_seconds=600.0,
            description="import queued Amazon orders into Saleor and follow up on changes",
        ),
        JobKind(BACKFILL_KIND, run_backfill_job, timeout_seconds=300.0, description="backfill a seller's orders"),
    ]
