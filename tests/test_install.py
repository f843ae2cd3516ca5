"""Manifest and installation (``/api/manifest``, ``/api/register``) against the Saleor double's install flow."""

from __future__ import annotations

import struct

import httpx
import pytest
from graphql import parse, validate
from sqlalchemy import select

from saleor_asc_app.db.models import Installation
from tests.doubles.saleor_double import InstallError, load_schema
from tests.doubles.saleor_double.schemas import default_extra_schema_paths, pinned_schema
from tests.harness import APP_ORIGIN, AppEnv, app_env


def schemas() -> list[object]:
    return [pinned_schema(), *(load_schema(p) for p in default_extra_schema_paths())]


async def test_manifest_is_valid_for_every_schema_and_version(env: AppEnv) -> None:
    response = await env.client.get("/api/manifest", headers={"Saleor-Schema-Version": "3.23"})
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["permissions"] == ["MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS", "MANAGE_STAFF"]
    assert manifest["appUrl"] == f"{APP_ORIGIN}/dashboard"
    assert manifest["tokenTargetUrl"] == f"{APP_ORIGIN}/api/register"
    assert manifest["requiredSaleorVersion"]
    all_schemas = schemas()
    assert len(all_schemas) == 2, "both the 3.23.28 and the 3.24 schema must be checked"
    assert manifest["webhooks"], "the manifest declares webhooks"
    for webhook in manifest["webhooks"]:
        assert webhook["targetUrl"].startswith(f"{APP_ORIGIN}/api/webhooks/")
        for schema in all_schemas:
            assert validate(schema, parse(webhook["query"])) == [], webhook["name"]  # type: ignore[arg-type]
    mounts = {e["mount"]: e for e in manifest["extensions"]}
    assert mounts["NAVIGATION_ORDERS"]["target"] == "APP_PAGE" and mounts["NAVIGATION_ORDERS"]["url"].startswith("/")
    assert "HOMEPAGE_WIDGETS" in mounts
    for extension in manifest["extensions"]:
        assert set(extension["permissions"]) <= set(manifest["permissions"])

    old = (await env.client.get("/api/manifest", headers={"Saleor-Schema-Version": "3.22"})).json()
    assert "HOMEPAGE_WIDGETS" not in {e["mount"] for e in old["extensions"]}, "3.22 has no HOMEPAGE_WIDGETS mount"


async def test_manifest_urls_follow_proxy_headers_unless_app_url_is_set(env: AppEnv, tmp_path, database_url) -> None:  # type: ignore[no-untyped-def]
    proxied = await env.client.get(
        "/api/manifest", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "amazon.shop.example"}
    )
    assert proxied.json()["tokenTargetUrl"] == "https://amazon.shop.example/api/register"
    async with app_env(database_url, tmp_path / "other", app_url="https://public.example/") as other:
        fixed = (await other.client.get("/api/manifest", headers={"Host": "internal:8000"})).json()
    assert fixed["appUrl"] == "https://public.example/dashboard"
    assert fixed["brand"]["logo"]["default"] == "https://public.example/static/logo.png"


async def test_logo_is_a_square_png_of_at_least_256px(env: AppEnv) -> None:
    logo = await env.client.get("/static/logo.png")
    assert logo.status_code == 200 and logo.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", logo.content[16:24])
    assert width == height >= 256


async def test_install_stores_an_encrypted_installation(env: AppEnv) -> None:
    app = await env.install()
    async with env.state.sessionmaker() as session:
        [installation] = (await session.execute(select(Installation))).scalars().all()
    assert installation.saleor_api_url == env.saleor.api_url
    assert installation.app_id == app.id
    assert installation.schema_version == env.saleor.state.shop.schema_version
    assert "keys" in installation.jwks
    token = next(iter(app.token_hashes))
    assert token not in installation.token_encrypted
    assert env.saleor.violations == []


async def test_reinstall_replaces_the_installation(env: AppEnv) -> None:
    first = await env.install()
    env.saleor.delete_app(first)  # removed in Saleor, and its APP_DELETED webhook never arrived
    second = await env.install()
    assert first.id != second.id
    async with env.state.sessionmaker() as session:
        rows = (await session.execute(select(Installation))).scalars().all()
    assert [r.app_id for r in rows] == [second.id]


async def register(env: AppEnv, headers: dict[str, str], body: object) -> httpx.Response:
    return await env.client.post("/api/register", headers=headers, json=body)


async def installation_count(env: AppEnv) -> int:
    async with env.state.sessionmaker() as session:
        return len((await session.execute(select(Installation))).scalars().all())


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({}, {"auth_token": "x"}, 400, "MISSING_SALEOR_API_URL"),
        ({"saleor-api-url": "ftp://saleor.test/graphql/"}, {"auth_token": "x"}, 400, "INVALID_SALEOR_API_URL"),
        ({"saleor-api-url": "https://saleor.test/graphql/"}, {}, 400, "MISSING_AUTH_TOKEN"),
        ({"saleor-api-url": "https://saleor.test/graphql/"}, {"auth_token": "not-a-token"}, 401, "UNKNOWN_APP_ID"),
        ({"saleor-api-url": "https://unreachable.test/graphql/"}, {"auth_token": "x"}, 401, "UNKNOWN_APP_ID"),
    ],
)
async def test_register_refusals(env: AppEnv, headers: dict[str, str], body: object, status: int, code: str) -> None:
    response = await register(env, headers, body)
    assert response.status_code == status
    assert response.json() == {
        "success": False,
        "error": {"code": code, "message": response.json()["error"]["message"]},
    }
    assert response.json()["error"]["message"]
    assert await installation_count(env) == 0


async def test_disallowed_saleor_url_cannot_install(database_url: str, tmp_path, saleor) -> None:  # type: ignore[no-untyped-def]
    async with app_env(
        database_url, tmp_path, saleor=saleor, allowed_saleor_urls=["https://only-this.example/graphql/"]
    ) as env:
        with pytest.raises(InstallError, match="not allowed"):
            await env.install()
        assert await installation_count(env) == 0
    async with app_env(
        database_url, tmp_path / "b", saleor=saleor, allowed_saleor_urls=["https://*.test/graphql/"]
    ) as env:
        await env.install()
        assert await installation_count(env) == 1


async def test_inactive_app_install_fails_with_a_clear_message(env: AppEnv) -> None:
    with pytest.raises(InstallError, match="activated"):
        await env.install(activate=False)
    assert await installation_count(env) == 0
