"""The vault on SQLite and PostgreSQL: sealing, merging, retention updates, purging (crypto-shredding)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saleor_asc_app.pii.retention import RetentionFacts
from saleor_asc_app.pii.tables import AuditAction, PiiRecord, RetentionBasis
from saleor_asc_app.pii.vault import StoreOutcome
from tests.pii.amazon_orders import canary, order
from tests.pii.harness import PiiEnv

DAY = timedelta(days=1)


async def test_stored_buyer_data_is_sealed_and_reads_back(env: PiiEnv) -> None:
    now = env.clock.now()
    amazon = order("111-1000000-0000001", tag="CNRYVAULT1", created=now, deliver_by=now + 5 * DAY)
    _, outcome = await env.import_order(env.tenant, amazon, facts=None)
    assert outcome is StoreOutcome.STORED
    [row] = await env.records()
    assert row.ciphertext and row.wrapped_key and row.kek_id == env.state.pii_vault.keys.current_id
    assert b"CNRYVAULT1" not in row.ciphertext and b"CNRYVAULT1" not in row.wrapped_key
    assert row.fields == [
        "buyer_name",
        "email",
        "phone",
        "company",
        "shipping_address",
        "delivery_instructions",
        "gift_message",
        "customized_url",
        "tax_info",
    ]
    assert row.retention_basis == RetentionBasis.PROVISIONAL.value and row.purge_at == now + 30 * DAY
    async with env.state.sessionmaker() as session, session.begin():
        found = await env.state.pii_vault.read(session, env.tenant.installation_id, amazon.order_id, now=now)
    assert found is not None
    assert found[1].buyer is not None and found[1].buyer.buyer_name == canary("CNRYVAULT1")["name"]
    # Tenants are separate: the other store holds nothing under the same Amazon order id.
    async with env.state.sessionmaker() as session:
        assert await env.state.pii_vault.read(session, env.other.installation_id, amazon.order_id, now=now) is None


async def test_a_thinner_newer_version_does_not_erase_what_the_seller_still_needs(env: PiiEnv) -> None:
    now = env.clock.now()
    first = order("111-1000000-0000002", tag="CNRYMERGE1", created=now)
    await env.import_order(env.tenant, first)
    # After shipment Amazon stops disclosing the e-mail; the gift message changed.
    later = first.pii().model_copy(
        update={
            "buyer": first.pii().buyer.model_copy(update={"buyer_email": None}),  # type: ignore[union-attr]
            "gift_messages": {f"{first.order_id}-1": "Updated greeting"},
        }
    )
    async with env.state.sessionmaker() as session, session.begin():
        outcome = await env.state.pii_vault.store(session, env.tenant.installation_id, later, now=now + DAY)
        found = await env.state.pii_vault.read(session, env.tenant.installation_id, first.order_id, now=now + DAY)
    assert outcome is StoreOutcome.UPDATED and found is not None
    buyer = found[1].buyer
    assert buyer is not None and buyer.buyer_email == canary("CNRYMERGE1")["email"]
    assert found[1].gift_messages == {f"{first.order_id}-1": "Updated greeting"}


async def test_purging_destroys_the_data_and_keeps_a_record_of_it(env: PiiEnv) -> None:
    now = env.clock.now()
    amazon = order("111-1000000-0000003", tag="CNRYPURGE1", created=now)
    await env.import_order(env.tenant, amazon, facts=RetentionFacts(RetentionBasis.LATEST_DELIVERY, now + 2 * DAY))
    vault = env.state.pii_vault
    async with env.state.sessionmaker() as session, session.begin():
        assert await vault.purge_due(session, now=now + 32 * DAY - timedelta(seconds=1)) == 0
        assert await vault.purge_due(session, now=now + 32 * DAY) == 1
    [row] = await env.records()
    assert (row.ciphertext, row.wrapped_key, row.kek_id) == (None, None, None)
    assert row.purged_at == now + 32 * DAY and row.purge_reason == "retention"
    async with env.state.sessionmaker() as session:
        assert await vault.read(session, env.tenant.installation_id, amazon.order_id, now=now + 40 * DAY) is None
        status = await vault.status(session, env.tenant.installation_id, amazon.order_id)
    assert status is not None and not status.available and status.fields  # what existed, not what it was
    [entry] = await env.audit_rows()
    assert (entry.action, entry.outcome, entry.reason, entry.amazon_order_id) == (
        AuditAction.PURGE.value,
        "done",
        "retention",
        amazon.order_id,
    )
    assert entry.user_id is None and "shipping_address" in entry.fields
    # Amazon sends the order again (a later update): purged data is not kept again.
    async with env.state.sessionmaker() as session, session.begin():
        again = await vault.store(session, env.tenant.installation_id, amazon.pii(), now=now + 41 * DAY)
    assert again is StoreOutcome.ALREADY_PURGED
    assert (await env.records())[0].ciphertext is None


async def test_cancellation_purges_at_once_and_old_orders_are_never_stored(env: PiiEnv) -> None:
    now = env.clock.now()
    vault = env.state.pii_vault
    amazon = order("111-1000000-0000004", tag="CNRYCANCEL", created=now, deliver_by=now + 5 * DAY)
    await env.import_order(env.tenant, amazon, facts=RetentionFacts(RetentionBasis.LATEST_DELIVERY, now + 5 * DAY))
    cancelled = order("111-1000000-0000004", tag=None, created=now, updated=now + DAY, status="CANCELLED")
    async with env.state.sessionmaker() as session, session.begin():
        status = await vault.apply_order(session, env.tenant.installation_id, cancelled, now=now + DAY)
    assert status is not None and not status.available and status.purge_reason == "cancelled"
    # Backfilled years later: delivered long ago, so retention is over before the data arrives.
    old = order(
        "111-1000000-0000005",
        tag="CNRYOLD001",
        created=now - 90 * DAY,
        updated=now - 80 * DAY,
        status="SHIPPED",
        delivered=True,
    )
    async with env.state.sessionmaker() as session, session.begin():
        outcome = await vault.store(
            session,
            env.tenant.installation_id,
            old.pii(),
            now=now,
            facts=RetentionFacts(RetentionBasis.DELIVERED, now - 80 * DAY),
        )
    assert outcome is StoreOutcome.EXPIRED
    async with env.state.sessionmaker() as session:
        rows = (await session.execute(select(PiiRecord).order_by(PiiRecord.amazon_order_id))).scalars().all()
    assert [(r.amazon_order_id, r.ciphertext, r.purge_reason) for r in rows] == [
        ("111-1000000-0000004", None, "cancelled"),
        ("111-1000000-0000005", None, "retention"),
    ]
