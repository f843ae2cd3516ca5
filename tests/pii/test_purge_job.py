"""The daily purge job, driven by the real worker on a controlled clock (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.pii.audit_expiry import AUDIT_EXPIRY_KIND, PII_AUDIT_RETENTION
from saleor_asc_app.pii.retention import facts_from_order
from saleor_asc_app.pii.schedule import PURGE_KIND, purge_job_key
from saleor_asc_app.pii.tables import PiiRecord, PurgeReason
from tests.pii.amazon_orders import order
from tests.pii.harness import PiiEnv

DAY = timedelta(days=1)


async def readable(env: PiiEnv, amazon_order_id: str) -> bool:
    async with env.state.sessionmaker() as session:
        found = await env.state.pii_vault.read(
            session, env.tenant.installation_id, amazon_order_id, now=env.clock.now()
        )
    return found is not None


async def purge_jobs(env: PiiEnv) -> list[Job]:
    async with env.state.sessionmaker() as session:
        return list((await session.execute(select(Job).where(Job.kind == PURGE_KIND))).scalars())


async def test_records_purge_on_the_day_their_retention_ends(env: PiiEnv) -> None:
    t0 = env.clock.now()
    orders = {
        # not delivered: Amazon's latest delivery date + 30 days (read from the stored order by the job)
        "latest": order("111-2000000-0000001", tag="CNRYJOB001", created=t0, deliver_by=t0 + 5 * DAY),
        # delivered yesterday: 29 days left
        "delivered": order(
            "111-2000000-0000002",
            tag="CNRYJOB002",
            created=t0 - 10 * DAY,
            updated=t0 - DAY,
            status="SHIPPED",
            deliver_by=t0 + 2 * DAY,
            delivered=True,
        ),
        # no delivery dates at all: 30 days from storing
        "unknown": order("111-2000000-0000003", tag="CNRYJOB003", created=t0),
        # cancelled at Amazon on day 3
        "cancelled": order("111-2000000-0000004", tag="CNRYJOB004", created=t0, deliver_by=t0 + 6 * DAY),
    }
    for amazon in orders.values():
        await env.import_order(env.tenant, amazon)
    [job] = await purge_jobs(env)  # storing created the standing job; its payload names no buyer
    assert (job.installation_id, job.unique_key, job.payload) == (
        env.tenant.installation_id,
        purge_job_key(env.tenant.installation_id),
        {},
    )
    expected = {
        "latest": t0 + 35 * DAY,
        "delivered": t0 + 29 * DAY,
        "unknown": t0 + 30 * DAY,
        "cancelled": t0 + 3 * DAY,
    }
    worker = env.base.worker()
    purged_on: dict[str, datetime] = {}
    for day in range(0, 37):
        env.clock.set(t0 + day * DAY)
        if day == 3:  # the sync stores Amazon's cancellation on the order row
            cancelled = order(
                orders["cancelled"].order_id, tag=None, created=t0, updated=env.clock.now(), status="CANCELLED"
            )
            async with env.state.sessionmaker() as session, session.begin():
                await session.execute(
                    update(AmazonOrder)
                    .where(AmazonOrder.amazon_order_id == cancelled.order_id)
                    .values(
                        order_json=cancelled.without_pii().model_dump(mode="json", by_alias=True, exclude_none=True),
                        updated_at=env.clock.now(),
                    )
                )
        await worker.run_until_idle()
        for name, amazon in orders.items():
            if name not in purged_on and not await readable(env, amazon.order_id):
                purged_on[name] = env.clock.now()
        for name, when in expected.items():
            if env.clock.now() < when:
                assert await readable(env, orders[name].order_id), (name, day)
    assert purged_on == expected
    rows = {r.amazon_order_id: r for r in await env.records()}
    assert all(r.ciphertext is None and r.wrapped_key is None for r in rows.values())
    assert rows[orders["cancelled"].order_id].purge_reason == "cancelled"
    assert {e.amazon_order_id: e.reason for e in await env.audit_rows() if e.action == "purge"} == {
        amazon.order_id: "cancelled" if name == "cancelled" else "retention" for name, amazon in orders.items()
    }
    # The job stands: it waits for the next day and never carried anything but the installation.
    [job] = await purge_jobs(env)
    assert job.status == JobStatus.PENDING.value and job.run_after == env.clock.now() + DAY and job.payload == {}


async def test_an_earlier_purge_date_pulls_the_waiting_job_forward(env: PiiEnv) -> None:
    t0 = env.clock.now()
    minutes = timedelta(minutes=1)
    first = order("111-2000000-0000011", tag="CNRYJOB011", created=t0)
    await env.import_order(env.tenant, first)  # no delivery dates: the job reads the order soon after the import
    [job] = await purge_jobs(env)
    assert job.run_after == t0 + 5 * minutes
    env.clock.set(t0 + 5 * minutes)
    await env.base.worker().run_until_idle()
    [job] = await purge_jobs(env)
    assert job.run_after == t0 + 5 * minutes + DAY  # nothing due within the day
    # Cancelled at Amazon: purged in the transaction that learns it, not at the next run.
    env.clock.set(t0 + 2 * 60 * minutes)
    cancelled = order(first.order_id, tag=None, created=t0, updated=env.clock.now(), status="CANCELLED")
    async with env.state.sessionmaker() as session, session.begin():
        status = await env.state.pii_vault.apply_order(
            session, env.tenant.installation_id, cancelled, now=env.clock.now()
        )
    assert status is not None and status.purged_at == env.clock.now() and not await readable(env, first.order_id)
    # Imported late: Amazon's latest delivery date was 30 days ago minus one hour, so one hour is left.
    late = order(
        "111-2000000-0000012",
        tag="CNRYJOB012",
        created=t0 - 40 * DAY,
        deliver_by=env.clock.now() - 30 * DAY + 60 * minutes,
    )
    async with env.state.sessionmaker() as session, session.begin():
        await env.state.pii_vault.store(
            session,
            env.tenant.installation_id,
            late.pii(),
            now=env.clock.now(),
            facts=facts_from_order(late, observed_at=env.clock.now()),
        )
    [job] = await purge_jobs(env)
    due = env.clock.now() + 60 * minutes
    assert job.run_after == due
    env.clock.set(due - minutes)
    await env.base.worker().run_until_idle()
    assert await readable(env, late.order_id)
    env.clock.set(due)
    await env.base.worker().run_until_idle()
    assert not await readable(env, late.order_id)
    assert {r.amazon_order_id: r.purged_at for r in await env.records()}[late.order_id] == due


async def test_uninstalling_purges_the_tenants_buyer_data_at_once(env: PiiEnv) -> None:
    t0 = env.clock.now()
    await env.import_order(env.tenant, order("111-2000000-0000021", tag="CNRYUNINST", created=t0))
    await env.import_order(env.other, order("111-2000000-0000022", tag="CNRYKEEPME", created=t0))
    env.tenant.saleor.delete_app(env.tenant.app)
    [response] = await env.tenant.saleor.deliver_pending(env.client)
    assert response.status_code == 200
    async with env.state.sessionmaker() as session:
        kept = (await session.execute(select(PiiRecord.amazon_order_id))).scalars().all()
        jobs = (await session.execute(select(Job.installation_id).where(Job.kind == PURGE_KIND))).scalars().all()
    assert kept == ["111-2000000-0000022"]
    assert jobs == [env.other.installation_id]


async def test_uninstalling_keeps_the_pii_audit_trail_for_the_retention_period_then_purges_it(env: PiiEnv) -> None:
    """Amazon's DPP asks for logs of access to PII to be kept: the audit rows (which hold no buyer data) outlive
    APP_DELETED by PII_AUDIT_RETENTION, then a job deletes them; the other tenant's rows are untouched."""
    group = env.tenant.demo.groups["amazon-pii-viewers"]
    await env.configure(env.tenant, pii_permission_group_id=group.id)
    amazon = order("111-2000000-0000031", tag="CNRYAUDKEP", created=env.clock.now())
    saleor_order_id, _ = await env.import_order(env.tenant, amazon)
    await env.import_order(env.other, order("111-2000000-0000032", tag="CNRYOTHERT", created=env.clock.now()))
    member = env.tenant.token("pii.viewer@example.com")
    assert (await env.post("/api/pii/reveal", {"orderId": saleor_order_id}, token=member)).status_code == 200
    async with env.state.sessionmaker() as session, session.begin():
        await env.state.pii_vault.purge(
            session, env.other.installation_id, "111-2000000-0000032", reason=PurgeReason.MANUAL, now=env.clock.now()
        )
    trail = [(r.action, r.outcome, r.amazon_order_id) for r in await env.audit_rows()]
    assert ("reveal", "allowed", amazon.order_id) in trail
    other_trail = await env.audit_rows(env.other)
    assert other_trail

    env.tenant.saleor.delete_app(env.tenant.app)
    [response] = await env.tenant.saleor.deliver_pending(env.client)
    assert response.status_code == 200
    uninstalled = env.clock.now()
    assert await env.records() == []  # the buyer data goes at once
    kept = await env.audit_rows()
    assert [(r.action, r.outcome, r.amazon_order_id) for r in kept] == trail
    for row in kept:  # no buyer data in what is kept
        values = " ".join(str(v) for v in (row.message, row.detail, row.user_email, row.fields, row.reason))
        assert "CNRYAUDKEP" not in values

    env.clock.set(uninstalled + PII_AUDIT_RETENTION - DAY)
    await env.base.worker().run_until_idle()
    assert len(await env.audit_rows()) == len(trail)
    env.clock.set(uninstalled + PII_AUDIT_RETENTION)
    await env.base.worker().run_until_idle()
    assert await env.audit_rows() == []
    assert len(await env.audit_rows(env.other)) == len(other_trail)
    async with env.state.sessionmaker() as session:
        left = (await session.execute(select(Job).where(Job.kind == AUDIT_EXPIRY_KIND))).scalars().all()
    assert [j.status for j in left] in ([], [JobStatus.SUCCEEDED.value])
