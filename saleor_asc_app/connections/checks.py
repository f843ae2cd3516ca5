"""The lifecycle jobs.

- ``connections.sweep`` (one for the whole app, standing): once a day it asks every installation for a check and
  logs the operator's client-secret warning; ``ensure_sweep`` starts it when the app starts.
- ``connections.check`` (per installation, on demand and daily): brings every connection's state up to date, queues
  the warning e-mail due for each (connection, stage) exactly once — the stage is recorded in the transaction that
  queues the e-mail — and raises or dismisses the connection's App Problem in Saleor.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.authorization import CHECK_KIND, State, enqueue_check
from saleor_asc_app.connections.budget_sweep import schedule_sweep
from saleor_asc_app.connections.links import dashboard_app_url
from saleor_asc_app.connections.messages import (
    ConnectionFacts,
    due_stage,
    problem_for,
    stages_covered,
    warning_email,
)
from saleor_asc_app.connections.operator import log_client_secret_warning
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.db.models import Installation
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, enqueue
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.notifications.outbox import queue_email
from saleor_asc_app.notifications.recipients import resolve_recipients
from saleor_asc_app.saleor.client import SaleorClient, create_saleor_client
from saleor_asc_app.saleor.graphql_client.input_types import AppProblemCreateInput
from saleor_asc_app.state import AppState

log = get_logger(__name__)

SWEEP_KIND = "connections.sweep"
SWEEP_UNIQUE_KEY = "connections.sweep"
SWEEP_INTERVAL = timedelta(days=1)
WARNING_CATEGORY = "authorization_warning"


def _facts(connection: AmazonConnection, row: ConnectionStatus) -> ConnectionFacts:
    return ConnectionFacts(
        connection_id=connection.id,
        seller_id=connection.seller_id,
        region=connection.region,
        marketplace_ids=connection.marketplace_ids,
        expires_at=row.expires_at,
    )


@dataclass
class _Plan:
    installation: Installation
    connections: dict[str, AmazonConnection]
    warnings_due: list[str]  # connection ids with a stage to e-mail
    recipients_config: tuple[Any, ...]
    dismiss_removed: list[str]  # problem keys of connections that were removed


def saleor_client(state: AppState, installation: Installation) -> SaleorClient:
    return create_saleor_client(
        installation.saleor_api_url, app_token(installation, state.secret_box), state.http_client
    )


async def _plan(state: AppState, installation_id: uuid.UUID, now: datetime) -> _Plan | None:
    lifetime = state.settings.authorization_lifetime_days
    async with state.sessionmaker() as session, session.begin():
        installation = await get_by_id(session, installation_id)
        if installation is None:
            return None
        loaded = await load_configuration(session, state, installation_id)
        connections = {c.id: c for c in loaded.config.connections}
        due: list[str] = []
        for connection in connections.values():
            row = await authorization.status_for(session, installation_id, connection, now=now, lifetime_days=lifetime)
            stage = due_stage(row, now)
            if stage is not None and stage not in row.warnings_sent:
                due.append(connection.id)
        removed = await authorization.forget_removed(session, installation_id, set(connections))
        session.expunge(installation)
    return _Plan(
        installation=installation,
        connections=connections,
        warnings_due=due,
        recipients_config=loaded.config.notifications.authorization_warnings,
        dismiss_removed=[row.problem_key for row in removed if row.problem_key],
    )


async def _queue_warnings(state: AppState, plan: _Plan, installation_id: uuid.UUID, now: datetime) -> int:
    # Saleor is read before the transaction; a failure here fails the job, which is retried with backoff.
    recipients = await resolve_recipients(saleor_client(state, plan.installation), plan.recipients_config)
    lifetime = state.settings.authorization_lifetime_days
    queued = 0
    async with state.sessionmaker() as session, session.begin():
        for connection_id in plan.warnings_due:
            connection = plan.connections[connection_id]
            row = await authorization.status_for(session, installation_id, connection, now=now, lifetime_days=lifetime)
            stage = due_stage(row, now)
            if stage is None or stage in row.warnings_sent or row.authorized_at is None:
                continue
            link = dashboard_app_url(plan.installation)
            content = warning_email(stage, _facts(connection, row), now=now, link=link)
            await queue_email(
                session,
                installation_id=installation_id,
                dedupe_key=f"authorization:{connection_id}:{row.authorized_at.isoformat()}:{stage}",
                category=WARNING_CATEGORY,
                recipients=recipients,
                content=content,
                now=now,
            )
            row.warnings_sent = sorted(set(row.warnings_sent) | set(stages_covered(stage)))
            queued += 1
            log.info("authorization warning queued", seller_id=connection.seller_id, stage=stage)
    return queued


async def _sync_problems(state: AppState, plan: _Plan, installation_id: uuid.UUID, now: datetime) -> None:
    """Make Saleor's App Problems match the states: one problem per troubled connection, dismissed once fixed."""
    client = saleor_client(state, plan.installation)
    if plan.dismiss_removed:
        await client.app_problem_dismiss(keys=plan.dismiss_removed)
    async with state.sessionmaker() as session:
        rows = await authorization.statuses(session, installation_id)
    for connection_id, row in rows.items():
        connection = plan.connections.get(connection_id)
        if connection is None:
            continue
        problem = problem_for(State(row.state), _facts(connection, row), now=now)
        wanted = problem.key if problem else None
        if wanted == row.problem_key:
            continue
        if row.problem_key:
            await client.app_problem_dismiss(keys=[row.problem_key])
        if problem is not None:
            await client.app_problem_create(
                input=AppProblemCreateInput(
                    message=problem.message,
                    key=problem.key,
                    criticalThreshold=1 if problem.critical else None,
                )
            )
        async with state.sessionmaker() as session, session.begin():
            stored = (
                await session.execute(select(ConnectionStatus).where(ConnectionStatus.id == row.id))
            ).scalar_one_or_none()
            if stored is not None:
                stored.problem_key = wanted
        log.info("app problem updated", seller_id=row.seller_id, state=row.state, raised=wanted is not None)


async def check_installation(state: AppState, installation_id: uuid.UUID) -> None:
    now = state.clock.now()
    plan = await _plan(state, installation_id, now)
    if plan is None:
        return
    if plan.warnings_due:
        await _queue_warnings(state, plan, installation_id, now)
    await _sync_problems(state, plan, installation_id, now)
    async with state.sessionmaker() as session, session.begin():
        for row in (await authorization.statuses(session, installation_id)).values():
            row.last_checked_at = now


async def run_check_job(ctx: AppState, job: ClaimedJob) -> None:
    assert job.installation_id is not None
    await check_installation(ctx, job.installation_id)


async def run_sweep_job(ctx: AppState, job: ClaimedJob) -> None:
    now = ctx.clock.now()
    log_client_secret_warning(ctx.settings, now)
    async with ctx.sessionmaker() as session, session.begin():
        ids = (await session.execute(select(Installation.id))).scalars().all()
        for installation_id in ids:
            await enqueue_check(session, installation_id, now=now)
        await schedule_sweep(session, now=now)  # the rate budget's standing sweep, should no save have started it
    # A standing job: it runs again tomorrow.
    raise RetryJob("next sweep tomorrow", delay=SWEEP_INTERVAL.total_seconds(), count_attempt=False)


async def ensure_sweep(state: AppState) -> bool:
    """Start the daily sweep unless one is waiting or running (called when the app starts)."""
    now = state.clock.now()
    log_client_secret_warning(state.settings, now)
    async with state.sessionmaker() as session, session.begin():
        return await enqueue(session, SWEEP_KIND, {}, unique_key=SWEEP_UNIQUE_KEY, now=now)


def connection_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(CHECK_KIND, run_check_job, timeout_seconds=300.0, description="check Amazon authorizations"),
        JobKind(SWEEP_KIND, run_sweep_job, timeout_seconds=120.0, description="daily authorization sweep"),
    ]
