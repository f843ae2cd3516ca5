"""The job kinds of push, for the app's job registry (``wiring.py``)."""

from __future__ import annotations

from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.push.fetch import run_fetch_job
from saleor_asc_app.push.intake import FETCH_KIND
from saleor_asc_app.push.receipt_purge import receipt_purge_job_kind
from saleor_asc_app.push.subscriptions import subscription_job_kinds
from saleor_asc_app.state import AppState


def push_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(FETCH_KIND, run_fetch_job, timeout_seconds=120.0, description="fetch an order a notification named"),
        *subscription_job_kinds(),
        receipt_purge_job_kind(),
    ]
