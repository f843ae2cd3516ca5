"""Saleor's app installation, played against the app under test (saleor/app/installation_utils.py).

GET the manifest with `Saleor-Schema-Version` (no redirects), validate it, create the app, its webhooks and a
token, then POST `{"auth_token": …}` to `tokenTargetUrl` with the recorded headers. A non-2xx answer deletes
the app again and fails the installation with the app's `error.message` if it sent one.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from tests.doubles.saleor_double.auth import hash_token
from tests.doubles.saleor_double.manifest_rules import ManifestError, validate_manifest
from tests.doubles.saleor_double.models import App, WebhookSpec
from tests.doubles.saleor_double.recording import Delivery
from tests.doubles.saleor_double.webhooks import events_in_subscription

if TYPE_CHECKING:
    from tests.doubles.saleor_double.double import SaleorDouble

TOKEN_ALPHABET = string.ascii_letters + string.digits


class InstallError(Exception):
    def __init__(self, message: str, errors: list[ManifestError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class InstallResult:
    app: App
    token: str
    manifest: dict[str, object]


def new_app_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(30))


def _outbound_headers(double: SaleorDouble) -> list[tuple[str, str]]:
    version = double.state.shop.schema_version
    return [
        ("User-Agent", f"Saleor/{version}"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
    ]


async def install_app(
    double: SaleorDouble,
    app_client: httpx.AsyncClient,
    manifest_url: str,
    *,
    permissions: list[str] | None = None,
    activate: bool = True,
    app_name: str | None = None,
) -> InstallResult:
    version = double.state.shop.schema_version
    headers = [*_outbound_headers(double), ("Saleor-Schema-Version", version)]
    fetch = Delivery(kind="manifest", url=manifest_url, headers=headers, body=b"")
    double.deliveries.append(fetch)
    response = await app_client.get(manifest_url, headers=headers, follow_redirects=False)
    fetch.status = response.status_code
    if not response.is_success:
        raise InstallError(f"Manifest fetch failed with HTTP {response.status_code}.")
    try:
        manifest = response.json()
    except ValueError:
        raise InstallError("The manifest is not JSON.") from None
    errors = validate_manifest(
        manifest, schema=double.schema, checker=double.checker, saleor_version=double.state.shop.version
    )
    identifier = manifest.get("id") if isinstance(manifest, dict) else None
    if any(a.identifier == identifier and not a.removed for a in double.state.apps.values()):
        errors.append(ManifestError("identifier", "UNIQUE", "App with the same identifier is already installed."))
    if errors:
        raise InstallError("; ".join(f"{e.field}: {e.message}" for e in errors), errors)

    webhooks = []
    for spec in manifest.get("webhooks") or []:
        document, _ = double.checker.check(spec["query"])
        assert document is not None
        events = list(spec.get("asyncEvents") or []) or events_in_subscription(document)
        webhooks.append(
            WebhookSpec(
                name=spec["name"],
                target_url=spec["targetUrl"],
                query=spec["query"],
                async_events=events,
                is_active=bool(spec.get("isActive", True)),
                custom_headers={k.lower(): v for k, v in (spec.get("customHeaders") or {}).items()},
            )
        )
    granted = set(permissions if permissions is not None else manifest.get("permissions") or [])
    app = App(
        pk=double.state.next_pk(),
        identifier=str(identifier),
        name=app_name or str(manifest["name"]),
        permissions=granted,
        is_active=activate,
        webhooks=webhooks,
        manifest=manifest,
        audience=manifest.get("audience"),
        version=manifest.get("version"),
        app_url=manifest.get("appUrl"),
        created=double.state.clock.now(),
    )
    double.state.apps[app.pk] = app
    token = new_app_token()
    token_url = manifest.get("tokenTargetUrl")
    if token_url:
        body = json.dumps({"auth_token": token}).encode()
        token_headers = [
            *_outbound_headers(double),
            ("Content-Type", "application/json"),
            ("X-Saleor-Domain", double.domain),
            ("Saleor-Domain", double.domain),
            ("Saleor-Api-Url", double.api_url),
            ("Saleor-Schema-Version", version),
        ]
        # The token is live while the app handles this POST (it calls back with `app { id }`).
        app.token_hashes.add(hash_token(token))
        post = Delivery(kind="token", url=str(token_url), headers=token_headers, body=body)
        double.deliveries.append(post)
        answer = await app_client.post(str(token_url), content=body, headers=token_headers, follow_redirects=False)
        post.status = answer.status_code
        if answer.status_code >= 400:
            del double.state.apps[app.pk]
            raise InstallError(_failure_message(answer))
    return InstallResult(app=app, token=token, manifest=manifest)


def _failure_message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error") or {}
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    except (ValueError, AttributeError):
        pass
    return f"App internal error ({response.status_code}). Try later or contact with app support."
