"""The order widget's facts endpoint and the audit trail (list, filters, CSV export) through the HTTP API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from saleor_asc_app.pii import audit
from saleor_asc_app.pii.tables import AuditAction, AuditOutcome, PurgeReason
from tests.pii.amazon_orders import order
from tests.pii.harness import PiiEnv

ORDER = "/api/pii/order"


async def test_the_widget_shows_amazon_facts_to_staff_and_buyer_data_only_exists_for_members(env: PiiEnv) -> None:
    now = env.clock.now()
    group = env.tenant.demo.groups["amazon-pii-viewers"]
    await env.configure(env.tenant, pii_permission_group_id=group.id)
    amazon = order("111-5000000-0000001", tag="CNRYWIDGET", created=now, deliver_by=now + timedelta(days=5))
    saleor_order_id, _ = await env.import_order(env.tenant, amazon)
    member, outsider = env.tenant.token("pii.viewer@example.com"), env.tenant.token("eu.manager@example.com")

    seen = await env.post(ORDER, {"orderId": saleor_order_id}, token=member)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["order"]["amazonOrderId"] == amazon.order_id
    assert body["order"]["marketplace"] == "amazon.com (US)" and body["order"]["fulfillmentChannel"] == "MFN"
    assert body["order"]["importState"] == "imported"
    assert body["order"]["deliverBy"]["latest"] == (now + timedelta(days=5)).isoformat()
    assert body["buyerData"]["state"] == "AVAILABLE" and "Shipping address" in body["buyerData"]["fieldLabels"]
    assert body["viewer"]["canViewBuyerData"] is True

    hidden = await env.post(ORDER, {"orderId": saleor_order_id}, token=outsider)
    viewer = hidden.json()["viewer"]
    assert viewer["canViewBuyerData"] is False and viewer["refusal"] == "NOT_IN_GROUP"
    assert viewer["groupName"] == "Amazon PII viewers" and viewer["groupMembers"] == ["pii.viewer@example.com"]
    for response in (seen, hidden):
        assert "CNRYWIDGET" not in response.text  # facts only: the data needs the audited reveal
    assert await env.audit_rows() == []

    # An order the app did not import, and an order whose data was purged.
    other = await env.post(ORDER, {"orderId": env.tenant.saleor_order().id}, token=member)
    assert other.json()["order"] is None
    async with env.state.sessionmaker() as session, session.begin():
        await env.state.pii_vault.purge(
            session, env.tenant.installation_id, amazon.order_id, reason=PurgeReason.MANUAL, now=env.clock.now()
        )
    purged = (await env.post(ORDER, {"orderId": saleor_order_id}, token=member)).json()
    assert purged["buyerData"]["state"] == "PURGED" and purged["buyerData"]["purgeReason"] == "manual"


async def test_without_a_group_the_widget_says_nobody_may_view(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    amazon = order("111-5000000-0000002", tag="CNRYNOGRPW", created=env.clock.now())
    saleor_order_id, _ = await env.import_order(env.tenant, amazon)
    body = (await env.post(ORDER, {"orderId": saleor_order_id}, token=env.tenant.token())).json()
    assert body["viewer"]["groupConfigured"] is False and body["viewer"]["refusal"] == "NO_GROUP_CONFIGURED"
    # Non-staff tokens get nothing at all.
    refused = await env.post(ORDER, {"orderId": saleor_order_id}, token=env.tenant.token(is_staff=False))
    assert refused.status_code == 403


async def seed_audit(env: PiiEnv) -> str:
    group = env.tenant.demo.groups["amazon-pii-viewers"]
    await env.configure(env.tenant, pii_permission_group_id=group.id)
    amazon = order("111-5000000-0000003", tag="CNRYAUDIT1", created=env.clock.now())
    saleor_order_id, _ = await env.import_order(env.tenant, amazon)
    member, outsider = env.tenant.token("pii.viewer@example.com"), env.tenant.token("eu.manager@example.com")
    assert (await env.post("/api/pii/reveal", {"orderId": saleor_order_id}, token=member)).status_code == 200
    env.clock.advance(60)
    assert (await env.post("/api/pii/reveal", {"orderId": saleor_order_id}, token=outsider)).status_code == 403
    env.clock.advance(60)
    async with env.state.sessionmaker() as session, session.begin():
        await env.state.pii_vault.purge(
            session, env.tenant.installation_id, amazon.order_id, reason=PurgeReason.MANUAL, now=env.clock.now()
        )
    return amazon.order_id


async def test_manage_apps_staff_read_and_filter_the_audit_trail(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    admin, manager = env.tenant.token("admin@example.com"), env.tenant.token("eu.manager@example.com")
    amazon_order_id = await seed_audit(env)

    async def entries(token: str, **filters: object) -> list[tuple[str, str, str | None]]:
        response = await env.post("/api/pii/audit", dict(filters), token=token)
        assert response.status_code == 200, response.text
        return [(e["action"], e["outcome"], e["userEmail"]) for e in response.json()["entries"]]

    assert await entries(admin) == [
        ("purge", "done", None),
        ("reveal", "refused", "eu.manager@example.com"),
        ("reveal", "allowed", "pii.viewer@example.com"),
    ]
    assert await entries(admin, action="reveal", outcome="refused") == [("reveal", "refused", "eu.manager@example.com")]
    assert await entries(admin, user="PII.VIEWER") == [("reveal", "allowed", "pii.viewer@example.com")]
    assert len(await entries(admin, order=amazon_order_id)) == 3
    today = env.clock.now().date()
    assert len(await entries(admin, since=today.isoformat(), until=today.isoformat())) == 3
    assert await entries(admin, until=(today - timedelta(days=1)).isoformat()) == []
    page = (await env.post("/api/pii/audit", {"limit": 2}, token=admin)).json()
    assert len(page["entries"]) == 2 and page["hasMore"] is True
    refused = await env.post("/api/pii/audit", {}, token=manager)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "MISSING_PERMISSION"


async def test_the_csv_export_is_audited_and_safe_to_open_in_a_spreadsheet(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    admin, manager = env.tenant.token("admin@example.com"), env.tenant.token("eu.manager@example.com")
    await seed_audit(env)
    async with env.state.sessionmaker() as session, session.begin():
        await audit.record(
            session,
            env.tenant.installation_id,
            action=AuditAction.REVEAL,
            outcome=AuditOutcome.REFUSED,
            actor=audit.Actor("x", "=HYPERLINK(1)", "10.0.0.1"),
            now=env.clock.now(),
            reason="TEST",
        )
    env.clock.advance(60)
    refused = await env.post("/api/pii/audit/export", {}, token=manager)
    assert refused.status_code == 403
    env.clock.advance(60)
    response = await env.post("/api/pii/audit/export", {"action": "reveal"}, token=admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["outcome"] for r in rows] == ["refused", "refused", "allowed"]
    assert rows[0]["user_email"] == "'=HYPERLINK(1)"
    assert "CNRYAUDIT1" not in response.text
    exports = [e for e in await env.audit_rows() if e.action == "export"]
    assert [(e.outcome, e.user_email) for e in exports] == [
        ("refused", "eu.manager@example.com"),
        ("allowed", "admin@example.com"),
    ]
    assert exports[1].detail == "action=reveal; 3 entries"
