"""The Saleor writer of one installation: decides every queued order, imports the importable ones with
``orderBulkCreate`` and records the link Amazon order id ↔ Saleor order id.

Exactly once: the Amazon order id is the key everywhere. ``amazon_order`` is unique per installation and order id,
only one writer runs per installation (``concurrency_key``), every batch holds an order at most once, and
``externalReference`` (= the Amazon order id) is unique in Saleor as the final guard: when a run dies between
Saleor's answer and recording it, the next run gets ``UNIQUE`` for those orders, looks each up by its external
reference and records the link — "already imported" is a success.

Batches hold at most 50 orders (Saleor's limit) and use ``REJECT_FAILED_ROWS`` so one bad order never blocks the
others; a batch Saleor fails as a whole is retried order by order to find the culprit. ``stockUpdatePolicy`` is
FORCE: the sale already happened on Amazon, Saleor's stock follows it even below zero.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import bindparam, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.jobs.queue import ClaimedJob, record_progress
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.catalog import run_catalog
from saleor_asc_app.orders.followup import follow_up_orders
from saleor_asc_app.orders.import_rules import Decision, gate
from saleor_asc_app.orders.mapping import Ready, map_order, parked, saleor_sku
from saleor_asc_app.orders.money import format_amount
from saleor_asc_app.orders.pii import pseudonymous_email
from saleor_asc_app.orders.replay import release_fixed
from saleor_asc_app.orders.stored_orders import JsonText, load_order
from saleor_asc_app.orders.tables import AmazonOrder, ImportCount, OrderState, table
from saleor_asc_app.saleor.client import SaleorClient
from saleor_asc_app.saleor.errors import SaleorGraphQLError, safe_message
from saleor_asc_app.saleor.graphql_client.enums import ErrorPolicyEnum, StockUpdatePolicyEnum
from saleor_asc_app.saleor.graphql_client.input_types import OrderBulkCreateInput
from saleor_asc_app.saleor.graphql_client.order_bulk_create import OrderBulkCreateOrderBulkCreateResults
from saleor_asc_app.state import AppState

log = get_logger(__name__)

BATCH_SIZE = 50  # orderBulkCreate's limit
# Queued orders decided per round: one batch. A round holds its orders parsed (about 25 KiB each), so this
# bounds the writer's memory.
ROUND_SIZE = BATCH_SIZE
# An ``orders.write`` job ends its run after this long (at the end of a round, every round committed) and is due
# again at once: a large backlog is worked through in runs well inside the job's timeout (600 s), instead of one run
# the timeout cancels. The import command's foreground writer has no limit.
WRITE_RUN_SECONDS = 120.0
_TABLE = table(AmazonOrder)
# Saleor adds this to every line of a row it rejected for another reason; it is not the cause then.
NOISE_CODES = frozenset({"NON_EXISTING_STOCK"})


@dataclass
class WriteReport:
    decided: Counter[str] = field(default_factory=Counter)  # state -> orders
    imported: int = 0
    linked: int = 0  # already in Saleor (UNIQUE), link recorded
    rejected: int = 0
    batches: int = 0
    followups: int = 0
    more: bool = False  # the run ended at its time limit with orders still queued


@dataclass
class _Row:
    id: uuid.UUID
    amazon_order_id: str
    marketplace_id: str
    updated_at: datetime | None
    order: Order | None
    buyer_ref: str | None


@dataclass
class _Outcome:
    row: _Row
    ready: Ready
    values: dict[str, Any] = field(default_factory=dict)


class Writer:
    def __init__(
        self,
        state: AppState,
        installation_id: uuid.UUID,
        client: SaleorClient,
        config: AppConfiguration,
        config_version: int,
        *,
        batch_size: int = BATCH_SIZE,
        job_id: uuid.UUID | None = None,
        run_seconds: float | None = None,
    ) -> None:
        if not 1 <= batch_size <= BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {BATCH_SIZE}")
        self.state = state
        self.installation_id = installation_id
        self.client = client
        self.catalog = run_catalog(state.catalogs, installation_id, client, state.clock.now())
        self.config = config
        self.config_version = config_version
        self.batch_size = batch_size
        self.job_id = job_id
        self.run_seconds = run_seconds
        self.report = WriteReport()

    async def run(self) -> WriteReport:
        await release_fixed(self.state, self.installation_id, self.config, self.config_version, self.catalog)
        started = time.monotonic()
        while taken := await self._round():
            # A round that found fewer than ROUND_SIZE orders drained the queue: the next one is (almost) empty.
            if taken == ROUND_SIZE and self.run_seconds is not None and time.monotonic() - started >= self.run_seconds:
                self.report.more = True
                break
        # Every run follows up (not only one that drained the queue): a steady inflow must not starve them.
        self.report.followups = await follow_up_orders(self.state, self.installation_id, self.client, self.config)
        return self.report

    async def _round(self) -> int:
        """Decide and send up to ``ROUND_SIZE`` queued orders; returns how many there were (0: the queue is empty)."""
        cache = self.state.parsed_orders
        async with self.state.sessionmaker() as session:
            result = await session.execute(
                select(
                    AmazonOrder.id,
                    AmazonOrder.amazon_order_id,
                    AmazonOrder.marketplace_id,
                    AmazonOrder.amazon_updated_at,
                    AmazonOrder.buyer_ref,
                )
                .where(AmazonOrder.installation_id == self.installation_id, AmazonOrder.state == OrderState.READY.value)
                .order_by(AmazonOrder.amazon_updated_at, AmazonOrder.amazon_order_id)
                .limit(ROUND_SIZE)
            )
            rows = [
                _Row(
                    r.id,
                    r.amazon_order_id,
                    r.marketplace_id,
                    r.amazon_updated_at,
                    cache.take(self.installation_id, r.amazon_order_id, r.amazon_updated_at),
                    r.buyer_ref,
                )
                for r in result.all()
            ]
            misses = {row.id: row for row in rows if row.order is None}
            if misses:
                stored = await session.execute(
                    select(AmazonOrder.id, type_coerce(AmazonOrder.order_json, JsonText())).where(
                        AmazonOrder.id.in_(list(misses))
                    )
                )
                for row_id, data in stored.all():
                    misses[row_id].order = load_order(data)
        if not rows:
            return 0
        decisions: list[tuple[_Row, Decision]] = []
        candidates: list[_Row] = []
        for row in rows:
            if row.order is None:
                decisions.append((row, parked("no_details", "The app has no readable copy of this order yet.")))
                continue
            decision = gate(row.order, self.config)
            if decision is None:
                candidates.append(row)
            else:
                decisions.append((row, decision))
        outcomes: list[_Outcome] = []
        if candidates:
            snapshot = await self.catalog.snapshot(*self._lookups(candidates))
            for row in candidates:
                assert row.order is not None
                email = pseudonymous_email(row.buyer_ref or row.amazon_order_id)
                mapped = map_order(row.order, self.config, snapshot, email)
                if isinstance(mapped, Ready):
                    outcomes.append(_Outcome(row, mapped))
                else:
                    decisions.append((row, mapped))
        if decisions:
            async with self.state.sessionmaker() as session, session.begin():
                await self._record_decisions(session, decisions)
        unique = list({o.row.amazon_order_id: o for o in outcomes}.values())  # an order at most once per batch
        for start in range(0, len(unique), self.batch_size):
            await self._send(unique[start : start + self.batch_size])
        return len(rows)

    def _lookups(self, rows: list[_Row]) -> tuple[set[str], set[str]]:
        skus: set[str] = set()
        slugs: set[str] = set()
        for row in rows:
            assert row.order is not None
            mapping = self.config.mapping_for(row.marketplace_id)
            if mapping is not None:
                slugs.add(mapping.channel_slug)
            for item in row.order.order_items:
                target = saleor_sku(item.product.seller_sku or "", self.config) if item.product.seller_sku else None
                if target is not None:
                    skus.add(target[0])
        return skus, slugs

    # --- Saleor ------------------------------------------------------------------------------------------------

    async def _send(self, batch: list[_Outcome]) -> None:
        if batch:
            self.report.batches += 1
            try:
                # The inputs are already in wire form (camelCase, amounts as strings) and their shape is pinned by
                # tests against OrderBulkCreateInput and both Saleor schemas: they go out as they are, which spares
                # a model round trip per order.
                orders = cast(list[OrderBulkCreateInput], [outcome.ready.input for outcome in batch])
                response = await self.client.order_bulk_create(
                    orders=orders,
                    error_policy=ErrorPolicyEnum.REJECT_FAILED_ROWS,
                    stock_update_policy=StockUpdatePolicyEnum.FORCE,
                )
            except SaleorGraphQLError as exc:
                if len(batch) > 1:
                    for outcome in batch:  # find the order Saleor cannot take
                        await self._send([outcome])
                    return
                batch[0].values = _parked_values(
                    "saleor_rejected", f"Saleor failed on this order: {safe_message(str(exc))}"
                )
            else:
                payload = response.order_bulk_create
                if payload is None or len(payload.results) != len(batch):
                    errors = payload.errors if payload else []
                    problems = "; ".join(f"{e.code}: {safe_message(e.message)}" for e in errors)
                    raise RuntimeError(f"orderBulkCreate answered without per-order results ({problems or 'none'})")
                for outcome, result in zip(batch, payload.results, strict=True):
                    await self._result(outcome, result)
        async with self.state.sessionmaker() as session, session.begin():
            if self.job_id is not None:
                await record_progress(session, self.job_id)
            await self._record_outcomes(session, batch)

    async def _result(self, outcome: _Outcome, result: OrderBulkCreateOrderBulkCreateResults) -> None:
        now = self.state.clock.now()
        ready = outcome.ready
        if result.order is not None:
            order = result.order
            state = OrderState.SHIPPED if order.status.value == "FULFILLED" else OrderState.IMPORTED
            values = _linked_values(ready, state, order.id, order.number, Decimal(str(order.total.gross.amount)), now)
            self.report.imported += 1
            outcome.values = values
            return
        errors = result.errors or []
        if any(e.code == "UNIQUE" and "external_reference" in (e.path or "") for e in errors):
            lookup = await self.client.order_by_external_reference(external_reference=outcome.row.amazon_order_id)
            found = lookup.order
            if found is not None:
                # Created before (e.g. by a previous installation of the app): linked, with Saleor's total.
                self.report.linked += 1
                total = Decimal(str(found.total.gross.amount))
                outcome.values = _linked_values(ready, OrderState.IMPORTED, found.id, found.number, total, now) | {
                    "force_followup": True  # bring its fulfilments up to what Amazon says
                }
                return
        causes = [e for e in errors if e.code not in NOISE_CODES] or errors
        summary = "; ".join(f"{e.code} on {e.path or '-'}: {safe_message(e.message)}" for e in causes[:3])
        self.report.rejected += 1
        outcome.values = _parked_values("saleor_rejected", f"Saleor rejected the order: {summary or 'no reason given'}")

    # --- recording ---------------------------------------------------------------------------------------------

    async def _record_decisions(self, session: AsyncSession, decisions: list[tuple[_Row, Decision]]) -> None:
        now = self.state.clock.now()
        params = [
            {
                "b_id": row.id,
                "b_updated": row.updated_at,
                "b_state": decision.state.value,
                "b_reason_code": decision.reason_code,
                "b_reason": decision.reason,
                "b_reason_key": decision.reason_key,
                "b_version": self.config_version,
                "b_now": now,
            }
            for row, decision in decisions
        ]
        await session.execute(_DECISION, params)
        self.report.decided.update(decision.state.value for _row, decision in decisions)

    async def _record_outcomes(self, session: AsyncSession, batch: list[_Outcome]) -> None:
        now = self.state.clock.now()
        ids = [o.row.id for o in batch]
        query = select(AmazonOrder.id, AmazonOrder.amazon_updated_at).where(AmazonOrder.id.in_(ids))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        current = {r.id: r.amazon_updated_at for r in (await session.execute(query)).all()}
        params = []
        counts: Counter[str] = Counter()
        for outcome in batch:
            values = dict(outcome.values)
            force = bool(values.pop("force_followup", False))
            in_saleor = values.get("saleor_order_id") is not None
            # Amazon changed the order while it was being written: follow up on the newer version.
            changed = current.get(outcome.row.id) != outcome.row.updated_at
            params.append(
                {
                    "b_id": outcome.row.id,
                    "b_state": values["state"],
                    "b_reason_code": values.get("reason_code"),
                    "b_reason": values.get("reason"),
                    "b_reason_key": values.get("reason_key"),
                    "b_version": self.config_version,
                    "b_saleor_order_id": values.get("saleor_order_id"),
                    "b_saleor_order_number": values.get("saleor_order_number"),
                    "b_saleor_total_amount": values.get("saleor_total_amount"),
                    "b_imported_at": values.get("imported_at"),
                    "b_line_map": outcome.ready.line_map if in_saleor else None,
                    "b_packages_done": outcome.ready.packages_done if in_saleor else None,
                    "b_followup": in_saleor and (force or changed),
                    "b_state_if_changed": OrderState.READY.value if changed and not in_saleor else values["state"],
                    "b_now": now,
                }
            )
            if in_saleor and not force:
                counts[outcome.row.marketplace_id] += 1
            self.report.decided[values["state"]] += 1
        await session.execute(_OUTCOME, params)
        if counts:
            await _count_imports(session, self.installation_id, counts, now)


class ImportClient(SaleorClient):
    """The Saleor client for the import. The app never uploads files, so variables skip the generated client's
    search for uploads, which walks (and copies) every value of 50 orders on each call."""

    def _process_variables(
        self, variables: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[str]]]:
        return (self._convert_dict_to_json_serializable(variables) if variables else {}), {}, {}


def _linked_values(
    ready: Ready, state: OrderState, order_id: str, number: str, saleor_total: Decimal, now: datetime
) -> dict[str, Any]:
    """The row's link to its Saleor order, with Saleor's total; a total other than Amazon's is flagged."""
    values: dict[str, Any] = {
        "state": state.value,
        "reason_code": None,
        "reason": None,
        "reason_key": None,
        "saleor_order_id": order_id,
        "saleor_order_number": number,
        "saleor_total_amount": format_amount(saleor_total, ready.money.exponent),
        "imported_at": now,
    }
    if saleor_total != ready.money.grand_total:
        values |= {
            "reason_code": "total_variance",
            "reason": f"Saleor's total {saleor_total} differs from Amazon's {ready.money.grand_total} "
            f"{ready.money.currency}.",
        }
    return values


def _parked_values(code: str, reason: str) -> dict[str, Any]:
    return {"state": OrderState.PARKED.value, "reason_code": code, "reason": reason, "reason_key": None}


_DECISION = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("b_id"),
        _TABLE.c.state == OrderState.READY.value,
        # Amazon changed it meanwhile: leave it queued, the next round decides the newer version.
        _TABLE.c.amazon_updated_at.is_not_distinct_from(bindparam("b_updated")),
    )
    .values(
        state=bindparam("b_state"),
        reason_code=bindparam("b_reason_code"),
        reason=bindparam("b_reason"),
        reason_key=bindparam("b_reason_key"),
        config_version=bindparam("b_version"),
        updated_at=bindparam("b_now"),
    )
)
_OUTCOME = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state_if_changed"),
        reason_code=bindparam("b_reason_code"),
        reason=bindparam("b_reason"),
        reason_key=bindparam("b_reason_key"),
        config_version=bindparam("b_version"),
        saleor_order_id=bindparam("b_saleor_order_id"),
        saleor_order_number=bindparam("b_saleor_order_number"),
        saleor_total_amount=bindparam("b_saleor_total_amount"),
        imported_at=bindparam("b_imported_at"),
        line_map=bindparam("b_line_map"),
        packages_done=bindparam("b_packages_done"),
        needs_followup=bindparam("b_followup"),
        updated_at=bindparam("b_now"),
    )
)


async def _count_imports(
    session: AsyncSession, installation_id: uuid.UUID, counts: Counter[str], now: datetime
) -> None:
    counts_table = table(ImportCount)
    for marketplace_id, count in counts.items():
        statement = dialect_insert(session, counts_table).values(
            id=uuid.uuid4(), installation_id=installation_id, marketplace_id=marketplace_id, day=now.date(), count=count
        )
        statement = statement.on_conflict_do_update(
            index_elements=["installation_id", "marketplace_id", "day"],
            set_={"count": counts_table.c.count + statement.excluded.count},
        )
        await session.execute(statement)


async def write_orders(
    state: AppState,
    installation_id: uuid.UUID,
    *,
    batch_size: int = BATCH_SIZE,
    job_id: uuid.UUID | None = None,
    run_seconds: float | None = None,
) -> WriteReport:
    async with state.sessionmaker() as session:
        installation = await get_by_id(session, installation_id)
        if installation is None:
            return WriteReport()
        loaded = await load_configuration(session, state, installation_id)
    client = ImportClient(installation.saleor_api_url, app_token(installation, state.secret_box), state.http_client)
    writer = Writer(
        state,
        installation_id,
        client,
        loaded.config,
        loaded.version,
        batch_size=batch_size,
        job_id=job_id,
        run_seconds=run_seconds,
    )
    report = await writer.run()
    if report.imported or report.linked or report.rejected:
        log.info(
            "orders written to Saleor",
            imported=report.imported,
            linked=report.linked,
            rejected=report.rejected,
            batches=report.batches,
        )
    return report


async def release_unique_key(state: AppState, job_id: uuid.UUID) -> None:
    """The writer's ``unique_key`` means "at most one waiting": once this run has started, a wake-up (orders
    stored while it runs) must be able to queue behind it (``concurrency_key``) instead of being dropped, because
    this run may already have read past those orders."""
    async with state.sessionmaker() as session, session.begin():
        await session.execute(update(Job).where(Job.id == job_id).values(unique_key=None))


def writer_handler(batch_size: int = BATCH_SIZE, *, run_seconds: float = WRITE_RUN_SECONDS) -> Any:
    async def run(ctx: AppState, job: ClaimedJob) -> None:
        assert job.installation_id is not None
        # Orders stored from now on must wake a new writer: this run may already have read the queue.
        await release_unique_key(ctx, job.id)
        report = await write_orders(
            ctx, job.installation_id, batch_size=batch_size, job_id=job.id, run_seconds=run_seconds
        )
        if report.more:
            raise RetryJob("the writer continues with the queued orders", delay=0.0, count_attempt=False)

    return run
