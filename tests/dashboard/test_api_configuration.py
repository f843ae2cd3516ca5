"""Saving the configuration through the API: validation with field errors, encrypted secrets, audit, conflicts."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from saleor_asc_app.configuration.tables import StoredConfiguration
from tests.dashboard.conftest import Env
from tests.dashboard.payloads import (
    CHANGES,
    CONFIGURATION,
    DE,
    REFRESH_TOKEN,
    SAVE,
    STORE_OPTIONS,
    UK,
    US,
    valid_input,
)
from tests.harness import build_app
from tests.harness import test_settings as settings_for


async def save(env: Env, data: dict[str, Any], version: int = 0, email: str = "admin@example.com") -> dict[str, Any]:
    response = await env.gql(SAVE, {"input": data, "expectedVersion": version}, token=env.token(email))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def read(env: Env) -> dict[str, Any]:
    body = (await env.gql(CONFIGURATION, token=env.token())).json()
    config: dict[str, Any] = body["data"]["configuration"]
    return config


async def test_saved_configuration_reads_back(env: Env) -> None:
    body = await save(env, valid_input(env.tenant))
    assert body["data"]["saveConfiguration"]["errors"] == []
    config = await read(env)
    assert config["version"] == 1
    [connection] = config["connections"]
    assert connection["sellerId"] == "A2EXAMPLE1SELLER"
    assert connection["marketplaceIds"] == [DE, UK]
    assert connection["state"] == "CONNECTED"
    today = env.clock.now().date()
    assert connection["authorizedAt"].startswith(today.isoformat())
    assert connection["authorizationExpiresAt"].startswith((today + timedelta(days=365)).isoformat())
    assert config["channelMappings"][0] == {"marketplaceId": DE, "channelSlug": "amazon-de", "importEnabled": True}
    assert config["fbaWarehouseId"] == env.tenant.id_of("warehouses", "amazon-fba")
    assert config["orderProcessing"]["skuMappings"] == [
        {"sellerSku": "AMZ-MUG-2PK", "variantSku": "MUG-BLUE-350", "quantityRatio": 2}
    ]
    assert config["orderProcessing"]["fulfillmentChannels"] == "BOTH"
    assert config["notifications"]["authorizationWarnings"] == [
        {"kind": "STAFF_USER", "value": env.tenant.id_of("staff", "admin")}
    ]


async def test_refresh_token_is_encrypted_and_never_returned(env: Env) -> None:
    await save(env, valid_input(env.tenant))
    async with env.state.sessionmaker() as session:
        raw = (await session.execute(text("SELECT data, secrets_encrypted FROM app_configuration"))).one()
    assert REFRESH_TOKEN not in str(raw[0]) and REFRESH_TOKEN not in str(raw[1])
    assert str(raw[1]).startswith("v1.")
    response = await env.gql(CONFIGURATION, token=env.token())
    assert REFRESH_TOKEN not in response.text
    changes = (await env.gql(CHANGES, token=env.token())).text
    assert REFRESH_TOKEN not in changes


async def test_keeping_replacing_and_removing_the_refresh_token(env: Env) -> None:
    await save(env, valid_input(env.tenant))
    connection_id = (await read(env))["connections"][0]["id"]
    data = valid_input(env.tenant)
    data["connections"][0].update(id=connection_id, refreshToken=None)
    env.clock.advance(86400)
    await save(env, data, version=1)
    kept = await read(env)
    assert kept["version"] == 1  # nothing changed, so no new version
    assert kept["connections"][0]["state"] == "CONNECTED"
    first_authorized = kept["connections"][0]["authorizedAt"]
    data["connections"][0].update(refreshToken="Atzr|a-newer-token")
    await save(env, data, version=1)
    replaced = (await read(env))["connections"][0]
    assert replaced["authorizedAt"] > first_authorized
    assert replaced["authorizedAt"].startswith(env.clock.now().date().isoformat())
    data["connections"][0].update(refreshToken=None, removeAuthorization=True)
    await save(env, data, version=2)
    removed = (await read(env))["connections"][0]
    assert removed["state"] == "NOT_AUTHORIZED" and removed["authorizedAt"] is None


async def test_authorization_nearing_its_end_is_flagged(env: Env) -> None:
    await save(env, valid_input(env.tenant))
    env.clock.advance(340 * 86400)
    assert (await read(env))["connections"][0]["state"] == "EXPIRING"
    env.clock.advance(30 * 86400)
    assert (await read(env))["connections"][0]["state"] == "EXPIRED"


async def test_every_change_is_recorded_with_who_and_what(env: Env) -> None:
    await save(env, valid_input(env.tenant))
    data = valid_input(env.tenant)
    data["connections"][0]["id"] = (await read(env))["connections"][0]["id"]
    data["connections"][0]["refreshToken"] = None
    data["orderProcessing"]["inventoryBuffer"] = 5
    await save(env, data, version=1)
    await save(env, data, version=2)  # no change: no new version, no record
    changes = (await env.gql(CHANGES, token=env.token())).json()["data"]["configurationChanges"]
    assert [c["version"] for c in changes] == [2, 1]
    assert changes[0]["userEmail"] == "admin@example.com"
    assert changes[0]["changes"] == [{"path": "orderProcessing.inventoryBuffer", "old": 3, "new": 5}]
    paths = {c["path"] for c in changes[1]["changes"]}
    assert "mfnWarehouseId" in paths
    assert any(p.endswith(".refreshToken") for p in paths)


async def test_invalid_input_returns_field_errors_and_saves_nothing(env: Env) -> None:
    data = valid_input(env.tenant)
    data["connections"][0]["sellerId"] = "not a seller"
    data["connections"][0]["marketplaceIds"] = [DE, UK, US]
    data["connections"][0]["refreshToken"] = "secret-without-prefix"
    data["channelMappings"][1]["channelSlug"] = "amazon-de"  # UK sells in GBP, this channel is EUR
    data["mfnWarehouseId"] = None
    data["orderProcessing"]["ignoredOrderIds"] = ["123-1234567-1234567", "12-34"]
    data["orderProcessing"]["importOrdersSince"] = "2030-01-01"
    data["orderProcessing"]["skuMappings"][0]["quantityRatio"] = 0
    data["orderProcessing"]["inventoryBuffer"] = -1
    data["notifications"]["fileProcessingErrors"][0]["value"] = "not-an-email"
    # A method the DE channel does not offer (the UK channel's mapping goes: no marketplace maps to it any more).
    data["shippingMethodMappings"] = [
        {"channelSlug": "amazon-de", "serviceLevel": "STANDARD", "shippingMethodId": "U2hpcHBpbmdNZXRob2Q6OTk5"}
    ]
    body = await save(env, data)
    payload = body["data"]["saveConfiguration"]
    assert payload["configuration"] is None
    errors = {e["field"]: e for e in payload["errors"]}
    assert set(errors) == {
        "connections.0.sellerId",
        "connections.0.marketplaceIds.2",
        "connections.0.refreshToken",
        "channelMappings.1.channelSlug",
        "mfnWarehouseId",
        "shippingMethodMappings.0.shippingMethodId",
        "orderProcessing.importOrdersSince",
        "orderProcessing.ignoredOrderIds.1",
        "orderProcessing.skuMappings.0.quantityRatio",
        "orderProcessing.inventoryBuffer",
        "notifications.fileProcessingErrors.0.value",
    }
    assert errors["channelMappings.1.channelSlug"]["code"] == "CURRENCY_MISMATCH"
    assert "GBP" in errors["channelMappings.1.channelSlug"]["message"]
    assert "North America" in errors["connections.0.marketplaceIds.2"]["message"]
    assert "secret-without-prefix" not in str(body)
    assert (await read(env))["version"] == 0
    async with env.state.sessionmaker() as session:
        assert (await session.execute(select(StoredConfiguration))).first() is None


async def test_stale_version_is_refused(env: Env) -> None:
    await save(env, valid_input(env.tenant))
    body = await save(env, valid_input(env.tenant), version=0)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "Reload" in body["errors"][0]["message"]
    assert (await read(env))["version"] == 1


async def test_store_options_come_from_saleor(env: Env) -> None:
    options = (await env.gql(STORE_OPTIONS, token=env.token())).json()["data"]["storeOptions"]
    assert [c["currency"] for c in options["channels"]] == ["USD", "EUR", "GBP", "JPY"]
    assert {m["name"] for m in options["shippingMethods"] if m["channelSlug"] == "amazon-de"} == {
        "Standard",
        "Express",
        "Amazon FBA",
    }
    assert "Express" not in {m["name"] for m in options["shippingMethods"] if m["channelSlug"] == "amazon-jp"}
    assert [g["name"] for g in options["permissionGroups"]] == [
        "Full Access",
        "Amazon PII viewers",
        "EU order managers",
    ]
    assert [u["name"] for u in options["settingsManagers"]] == ["admin@example.com", "pii.viewer@example.com"]
    assert options["problems"] == []


async def test_groups_fall_back_to_the_users_own_when_saleor_refuses_the_list(env: Env) -> None:
    # The EU manager lacks MANAGE_STAFF, so Saleor refuses permissionGroups (and staff) for that user's token.
    options = (await env.gql(STORE_OPTIONS, token=env.token("eu.manager@example.com"))).json()["data"]["storeOptions"]
    assert [g["name"] for g in options["permissionGroups"]] == ["EU order managers"]
    assert options["staffUsers"] is None
    assert any("MANAGE_STAFF" in p for p in options["problems"])


async def test_unknown_group_or_staff_member_is_rejected(env: Env) -> None:
    data = valid_input(env.tenant)
    data["piiPermissionGroupId"] = "R3JvdXA6OTk="
    data["notifications"]["authorizationWarnings"][0]["value"] = "VXNlcjo5OQ=="
    errors = {e["field"] for e in (await save(env, data))["data"]["saveConfiguration"]["errors"]}
    assert errors == {"piiPermissionGroupId", "notifications.authorizationWarnings.0.value"}


async def test_introspection_is_off_outside_debug(env: Env) -> None:
    response = await env.gql("{ __schema { types { name } } }", token=env.token())
    body = response.json()
    assert body["data"] is None
    assert "introspection" in body["errors"][0]["message"].lower()
    assert (await env.client.get("/api/graphql")).status_code == 405


async def test_unexpected_failures_do_not_leak_details(env: Env) -> None:
    response = await env.client.post(
        "/api/graphql",
        content=b"{not json",
        headers={
            "content-type": "application/json",
            "authorization-bearer": env.token(),
            "saleor-api-url": env.saleor.api_url,
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_debug_mode_serves_graphiql_and_allows_introspection(sqlite_url: str, tmp_path: Path) -> None:
    app = build_app(settings_for(sqlite_url, tmp_path, debug=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as client:
        page = await client.get("/api/graphql")
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        # Debug mode still requires a dashboard token for every query.
        anonymous = await client.post("/api/graphql", json={"query": "{ __schema { queryType { name } } }"})
        assert anonymous.status_code == 401
    await app.state.asc.engine.dispose()


async def test_a_shipping_method_type_id_names_the_same_method(env: Env) -> None:
    """Saleor's ``shippingZones`` names a method ``ShippingMethodType:<pk>``; orders name it ``ShippingMethod:<pk>``."""
    data = valid_input(env.tenant)
    method_id = env.tenant.id_of("shipping_methods", "standard")
    type_name, pk = base64.b64decode(method_id).decode().split(":")
    assert type_name == "ShippingMethod"
    data["shippingMethodMappings"][0]["shippingMethodId"] = base64.b64encode(
        f"ShippingMethodType:{pk}".encode()
    ).decode()
    body = await save(env, data)
    assert body["data"]["saveConfiguration"]["errors"] == []
    config = await read(env)
    assert config["shippingMethodMappings"][0]["shippingMethodId"] == method_id  # stored as orders name it
