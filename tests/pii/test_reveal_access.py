"""Who may see buyer data, through the app's HTTP API as the dashboard calls it; every outcome is audited."""

from __future__ import annotations

import pytest

from saleor_asc_app.pii.tables import PiiAuditEntry
from tests.pii.amazon_orders import canary, order
from tests.pii.harness import PiiEnv, Tenant

REVEAL = "/api/pii/reveal"
SLIP = "/api/pii/packing-slip"


async def setup_order(env: PiiEnv, tag: str, *, channel: str = "amazon-us", group: str | None = "amazon-pii-viewers"):  # type: ignore[no-untyped-def]
    if group is not None:
        await env.configure(env.tenant, pii_permission_group_id=env.tenant.demo.groups[group].id)
    amazon = order(f"111-4000000-{abs(hash(tag)) % 10_000_000:07d}", tag=tag, created=env.clock.now())
    saleor_order_id, _ = await env.import_order(env.tenant, amazon, channel_slug=channel)
    assert saleor_order_id is not None
    return amazon, saleor_order_id


def me_calls(tenant: Tenant) -> int:
    return sum(1 for r in tenant.saleor.requests if r.operation_name == "PiiViewer")


def assert_no_buyer_data(entry: PiiAuditEntry, tag: str) -> None:
    for value in (entry.message, entry.detail, entry.reason, entry.user_email, " ".join(entry.fields)):
        assert tag not in (value or "")


async def test_a_member_of_the_pii_group_sees_the_data_and_the_view_is_audited(env: PiiEnv) -> None:
    amazon, saleor_order_id = await setup_order(env, "CNRYREVEAL")
    response = await env.post(REVEAL, {"orderId": saleor_order_id}, token=env.tenant.token("pii.viewer@example.com"))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    data = response.json()["data"]
    values = canary("CNRYREVEAL")
    assert data["buyer"] == {
        "name": values["name"],
        "email": values["email"],
        "company": values["company"],
        "purchaseOrderNumber": None,
    }
    assert data["shippingAddress"]["lines"] == [values["line1"]] and data["shippingAddress"]["phone"] == values["phone"]
    assert data["giftMessages"] == [{"orderItemId": f"{amazon.order_id}-1", "message": values["gift"]}]
    assert data["taxRegistrations"][0]["number"] == values["tax_number"]
    [entry] = await env.audit_rows()
    viewer = env.tenant.saleor.state.staff_by_email("pii.viewer@example.com")
    assert viewer is not None
    assert (entry.action, entry.outcome, entry.user_id, entry.user_email, entry.identity_verified) == (
        "reveal",
        "allowed",
        viewer.id,
        "pii.viewer@example.com",
        True,
    )
    assert (entry.amazon_order_id, entry.saleor_order_id, entry.client_ip) == (
        amazon.order_id,
        saleor_order_id,
        "127.0.0.1",
    )
    assert entry.fields == response.json()["buyerData"]["fields"] and "email" in entry.fields
    assert entry.occurred_at == env.clock.now()
    assert_no_buyer_data(entry, "CNRYREVEAL")


async def test_the_packing_slip_prints_the_address_for_members_only_and_is_audited(env: PiiEnv) -> None:
    amazon, saleor_order_id = await setup_order(env, "CNRYSLIP01")
    outsider, member = env.tenant.token("admin@example.com"), env.tenant.token("pii.viewer@example.com")
    refused = await env.post(SLIP, {"orderId": saleor_order_id}, token=outsider)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "NOT_IN_GROUP"
    assert "CNRYSLIP01" not in refused.text
    env.clock.advance(1)  # (tokens are issued first: the double checks `iat` against the wall clock)
    response = await env.post(SLIP, {"orderId": saleor_order_id}, token=member)
    assert response.status_code == 200, response.text
    slip = response.json()["slip"]
    values = canary("CNRYSLIP01")
    assert slip["shipTo"]["name"] == values["name"] and slip["shipTo"]["lines"] == [values["line1"]]
    assert slip["shipTo"]["phone"] is None  # a slip travels with the parcel: no phone number on it
    assert slip["items"] == [{"sku": "MUG-BLUE-350", "title": "Blue mug 350 ml", "quantity": 2}]
    assert slip["amazonOrderId"] == amazon.order_id
    entries = await env.audit_rows()
    assert [(e.action, e.outcome, e.user_email, e.reason) for e in entries] == [
        ("packing_slip", "refused", "admin@example.com", "NOT_IN_GROUP"),
        ("packing_slip", "allowed", "pii.viewer@example.com", None),
    ]
    assert entries[1].fields == ["shipping_address", "company", "gift_message"]


@pytest.mark.parametrize(
    ("case", "status", "code", "verified"),
    [
        ("out-of-group user", 403, "NOT_IN_GROUP", True),
        ("expired token", 401, "TOKEN_EXPIRED", True),
        ("token without the app claim", 401, "INVALID_TOKEN", True),
        ("token of another app", 401, "INVALID_TOKEN", True),
        ("token of the other store", 401, "INVALID_TOKEN", False),
        ("no token", 401, "MISSING_TOKEN", False),
    ],
)
async def test_refusals_show_nothing_and_are_audited(
    env_sqlite: PiiEnv, case: str, status: int, code: str, verified: bool
) -> None:
    env = env_sqlite
    _, saleor_order_id = await setup_order(env, "CNRYREFUSE")
    now = int(env.clock.now().timestamp())
    tokens = {
        "out-of-group user": env.tenant.token("admin@example.com"),
        "expired token": env.tenant.token(iat=now - 900, exp=now - 600),
        "token without the app claim": env.tenant.token(app=None),
        "token of another app": env.tenant.token(app=env.tenant.saleor.create_app("another.app")[0].id),
        "token of the other store": env.other.token("pii.viewer@example.com"),
        "no token": None,
    }
    response = await env.post(REVEAL, {"orderId": saleor_order_id}, token=tokens[case])
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert "CNRYREFUSE" not in response.text
    [entry] = await env.audit_rows()
    assert (entry.action, entry.outcome, entry.reason, entry.identity_verified) == ("reveal", "refused", code, verified)
    assert entry.saleor_order_id == saleor_order_id and entry.client_ip == "127.0.0.1"
    if case == "no token":
        assert entry.user_email is None
    elif case == "token of the other store":
        assert entry.user_email == "pii.viewer@example.com"  # what the token claims, marked unverified
    else:
        assert entry.user_email in ("admin@example.com", "pii.viewer@example.com")
    assert_no_buyer_data(entry, "CNRYREFUSE")
    assert await env.audit_rows(env.other) == []


async def test_a_user_of_the_other_store_cannot_reach_this_stores_orders(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    _, saleor_order_id = await setup_order(env, "CNRYTENANT")
    await env.configure(env.other, pii_permission_group_id=env.other.demo.groups["amazon-pii-viewers"].id)
    # A PII viewer of store B, authenticated by B, asks B for store A's order.
    response = await env.post(
        REVEAL, {"orderId": saleor_order_id}, token=env.other.token("pii.viewer@example.com"), tenant=env.other
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "NOT_AN_AMAZON_ORDER"
    assert "CNRYTENANT" not in response.text
    [entry] = await env.audit_rows(env.other)
    assert (entry.outcome, entry.reason, entry.saleor_order_id, entry.identity_verified) == (
        "refused",
        "NOT_AN_AMAZON_ORDER",
        saleor_order_id,
        True,
    )
    assert await env.audit_rows(env.tenant) == []


async def test_without_a_configured_group_nobody_sees_buyer_data(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    _, saleor_order_id = await setup_order(env, "CNRYNOGRP1", group=None)
    for token in [env.tenant.token(email) for email in ("pii.viewer@example.com", "admin@example.com")]:
        response = await env.post(REVEAL, {"orderId": saleor_order_id}, token=token)
        assert response.status_code == 403 and response.json()["error"]["code"] == "NO_GROUP_CONFIGURED"
        env.clock.advance(1)
    assert [e.reason for e in await env.audit_rows()] == ["NO_GROUP_CONFIGURED"] * 2
    assert me_calls(env.tenant) == 0


async def test_a_group_restricted_to_channels_covers_only_their_orders(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    saleor = env.tenant.saleor
    demo = env.tenant.demo
    group = saleor.add_group("Amazon PII viewers EU", [], channels=[demo.channels["amazon-de"]])
    saleor.add_staff("eu.pii@example.com", groups=[demo.groups["full-access"], group])
    await env.configure(env.tenant, pii_permission_group_id=group.id)
    _, us_order = await setup_order(env, "CNRYCHANUS", channel="amazon-us", group=None)
    _, de_order = await setup_order(env, "CNRYCHANDE", channel="amazon-de", group=None)
    token = env.tenant.token("eu.pii@example.com")
    refused = await env.post(REVEAL, {"orderId": us_order}, token=token)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "CHANNEL_NOT_ALLOWED"
    env.clock.advance(1)
    allowed = await env.post(REVEAL, {"orderId": de_order}, token=token)
    assert allowed.status_code == 200 and allowed.json()["data"]["buyer"]["name"] == canary("CNRYCHANDE")["name"]
    # The unrestricted group's members are not restricted by it.
    assert [(e.outcome, e.reason) for e in await env.audit_rows()] == [
        ("refused", "CHANNEL_NOT_ALLOWED"),
        ("allowed", None),
    ]


async def test_membership_is_asked_of_saleor_once_per_token_and_never_beyond_its_expiry(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    _, saleor_order_id = await setup_order(env, "CNRYCACHE1")
    token = env.tenant.token("pii.viewer@example.com")
    for _ in range(3):
        assert (await env.post(REVEAL, {"orderId": saleor_order_id}, token=token)).status_code == 200
    assert me_calls(env.tenant) == 1
    # Staff remove the user from the group in Saleor: the token already checked keeps its answer…
    viewer = env.tenant.saleor.state.staff_by_email("pii.viewer@example.com")
    assert viewer is not None
    group_pk = env.tenant.demo.groups["amazon-pii-viewers"].pk
    viewer.group_pks.remove(group_pk)
    assert (await env.post(REVEAL, {"orderId": saleor_order_id}, token=token)).status_code == 200
    # …and the next token the dashboard hands out is checked again.
    now = int(env.clock.now().timestamp())
    fresh = env.tenant.token("pii.viewer@example.com", iat=now - 1)
    refused = await env.post(REVEAL, {"orderId": saleor_order_id}, token=fresh)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "NOT_IN_GROUP"
    assert me_calls(env.tenant) == 2
    # The answer is not kept past the token's expiry, even while the app still accepts the token (clock leeway).
    viewer.group_pks.append(group_pk)
    short = env.tenant.token("pii.viewer@example.com", iat=now - 2, exp=now + 2)
    assert (await env.post(REVEAL, {"orderId": saleor_order_id}, token=short)).status_code == 200
    env.clock.advance(3)
    late = await env.post(REVEAL, {"orderId": saleor_order_id}, token=short)
    assert late.status_code == 403 and late.json()["error"]["code"] == "CHECK_FAILED"  # Saleor: token expired
    assert me_calls(env.tenant) == 4


async def test_a_saleor_failure_denies(env_sqlite: PiiEnv) -> None:
    env = env_sqlite
    _, saleor_order_id = await setup_order(env, "CNRYFAIL01")
    env.tenant.saleor.fail_next("PiiViewer", status=500)
    response = await env.post(REVEAL, {"orderId": saleor_order_id}, token=env.tenant.token("pii.viewer@example.com"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "CHECK_FAILED"
    assert [e.reason for e in await env.audit_rows()] == ["CHECK_FAILED"]
