"""``create_app``: the Starlette application — routes, shared state and the in-process worker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from saleor_asc_app.clock import Clock
from saleor_asc_app.connections.checks import ensure_sweep
from saleor_asc_app.connections.routes import routes as connection_routes
from saleor_asc_app.dashboard.routes import routes as dashboard_routes
from saleor_asc_app.info_pages import INFO_PAGES, health, info_page, ready
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.manifest import manifest
from saleor_asc_app.metrics import metrics_route
from saleor_asc_app.push.consumer import start_consumer, stop_consumer
from saleor_asc_app.register import register
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.endpoint import webhook_route
from saleor_asc_app.webhooks.registry import WebhookRegistry
from saleor_asc_app.wiring import build_state

STATIC_DIR = Path(__file__).parent / "static"


def build_worker(state: AppState) -> Worker[AppState]:
    return Worker(
        state.queue,
        state.jobs,
        state,
        state.clock,
        concurrency=state.settings.worker_concurrency,
        lease_seconds=state.settings.job_lease_seconds,
    )


def routes(state: AppState) -> list[BaseRoute]:
    items: list[BaseRoute] = [
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/api/manifest", manifest, methods=["GET"]),
        Route("/api/register", register, methods=["POST"]),
        *(Route(f"/{page}", info_page, methods=["GET"]) for page in INFO_PAGES),
        *(webhook_route(definition) for definition in state.webhooks),
        *dashboard_routes(state.settings),
        *connection_routes(),
        metrics_route(state.settings),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    return items


def create_app(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    clock: Clock | None = None,
    webhooks: WebhookRegistry[AppState] | None = None,
    jobs: JobRegistry[AppState] | None = None,
    run_worker: bool | None = None,
) -> Starlette:
    state = build_state(settings, http_client=http_client, clock=clock, webhooks=webhooks, jobs=jobs)
    start_worker = settings.run_worker_in_process if run_worker is None else run_worker

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task: asyncio.Task[None] | None = None
        worker: Worker[AppState] | None = None
        consumer = None
        if start_worker:
            await ensure_sweep(state)
            worker = build_worker(state)
            state.wake_worker = worker.wake
            task = asyncio.create_task(worker.run())
            consumer = start_consumer(state)
        try:
            yield
        finally:
            await stop_consumer(consumer)
            if worker is not None and task is not None:
                worker.stop()
                await task
            await state.aclose()

    app = Starlette(debug=settings.debug, routes=routes(state), lifespan=lifespan)
    app.state.asc = state
    return app
