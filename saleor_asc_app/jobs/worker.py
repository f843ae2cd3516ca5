"""The worker loop: claims due jobs, runs each with a lease heartbeat and a timeout, records the outcome."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from typing import Any, Generic

import structlog

from saleor_asc_app.clock import Clock
from saleor_asc_app.jobs.errors import PermanentJobError, RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, JobQueue
from saleor_asc_app.jobs.registry import ContextT, JobRegistry
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)


def make_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker(Generic[ContextT]):
    """Runs the handlers of ``registry`` with ``context`` (the app's ``AppState``)."""

    def __init__(
        self,
        queue: JobQueue,
        registry: JobRegistry[ContextT],
        context: ContextT,
        clock: Clock,
        *,
        concurrency: int = 4,
        poll_interval: float = 1.0,
        lease_seconds: float = 300.0,
        worker_id: str | None = None,
    ) -> None:
        self.queue = queue
        self.registry = registry
        self.context = context
        self.clock = clock
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.heartbeat_interval = max(1.0, lease_seconds / 3)
        self.worker_id = worker_id or make_worker_id()
        self._wake = asyncio.Event()
        self._stopping = False
        self._running: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        """Something was enqueued in this process: look for work now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        log.info("worker started", worker_id=self.worker_id, kinds=self.registry.names())
        try:
            while not self._stopping:
                free = self.concurrency - len(self._running)
                claimed: list[ClaimedJob] = []
                if free > 0:
                    try:
                        claimed = await self.queue.claim(
                            self.worker_id, free, now=self.clock.now(), kinds=self.registry.names()
                        )
                    except Exception:
                        log.exception("claiming jobs failed; retrying after the poll interval")
                for job in claimed:
                    task = asyncio.create_task(self._run_job(job))
                    self._running.add(task)
                    task.add_done_callback(self._running.discard)
                if claimed and len(claimed) == free:
                    await asyncio.sleep(0)
                    continue
                await self._idle()
        finally:
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)

    async def _idle(self) -> None:
        """Wait for a wake-up, the poll interval, or a running job to finish (which frees a slot)."""
        self._wake.clear()
        own: list[asyncio.Future[Any]] = [
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self.clock.sleep(self.poll_interval)),
        ]
        await asyncio.wait([*own, *self._running], return_when=asyncio.FIRST_COMPLETED)
        for waiter in own:
            waiter.cancel()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run_until_idle(self, max_rounds: int = 10_000) -> int:
        """Process due jobs until none is left (tests and the CLI). Returns how many jobs ran."""
        ran = 0
        for _ in range(max_rounds):
            claimed = await self.queue.claim(
                self.worker_id, self.concurrency, now=self.clock.now(), kinds=self.registry.names()
            )
            if not claimed:
                return ran
            await asyncio.gather(*(self._run_job(job) for job in claimed))
            ran += len(claimed)
        return ran

    async def _run_job(self, job: ClaimedJob) -> None:
        bound = log.bind(job_id=str(job.id), job_kind=job.kind, attempt=job.attempts)
        try:
            await self._run_and_record(job, bound)
        except Exception as exc:  # the outcome could not be written (database gone): the lease brings the job back
            bound.error("job outcome not recorded; it runs again when its lease expires", error=type(exc).__name__)

    async def _run_and_record(self, job: ClaimedJob, bound: structlog.stdlib.BoundLogger) -> None:
        kind = self.registry.get(job.kind)
        if kind is None:
            await self.queue.fail(
                job.id, self.worker_id, f"no handler for job kind {job.kind!r}", now=self.clock.now(), permanent=True
            )
            return
        heartbeat = asyncio.create_task(self._heartbeat(job))
        try:
            await asyncio.wait_for(kind.handler(self.context, job), timeout=kind.timeout_seconds)
        except RetryJob as retry:
            status = await self.queue.fail(
                job.id,
                self.worker_id,
                retry.reason,
                now=self.clock.now(),
                delay=retry.delay,
                count_attempt=retry.count_attempt,
            )
            bound.info("job deferred", reason=retry.reason, delay=retry.delay, status=status)
        except PermanentJobError as exc:
            await self.queue.fail(job.id, self.worker_id, str(exc), now=self.clock.now(), permanent=True)
            bound.warning("job failed permanently", error=str(exc))
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            status = await self.queue.fail(job.id, self.worker_id, message, now=self.clock.now())
            bound.warning("job failed", error=message, status=status, exc_info=status == "dead")
        else:
            # A handler may complete its job inside its own transaction (JobQueue.complete_in); then this is a no-op.
            await self.queue.complete(job.id, self.worker_id, now=self.clock.now())
        finally:
            heartbeat.cancel()

    async def _heartbeat(self, job: ClaimedJob) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            if not await self.queue.heartbeat(job.id, self.worker_id, now=self.clock.now()):
                return
