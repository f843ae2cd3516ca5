"""Saleor's JSON Web Key Set: fetched from the instance, cached per installation, refreshed on rotation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import httpx
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError

from saleor_asc_app.errors import AppError

JWKS_PATH = "/.well-known/jwks.json"
MAX_JWKS_BYTES = 256 * 1024


class JwksUnavailable(AppError):
    status_code = 401
    code = "JWKS_NOT_AVAILABLE"


def jwks_url(saleor_api_url: str) -> str:
    parts = urlsplit(saleor_api_url)
    return f"{parts.scheme}://{parts.netloc}{JWKS_PATH}"


async def fetch_jwks(http_client: httpx.AsyncClient, saleor_api_url: str) -> str:
    """Download the JWKS and return it as compact JSON text, after checking it holds at least one usable key."""
    try:
        response = await http_client.get(jwks_url(saleor_api_url), timeout=10.0, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise JwksUnavailable(f"Could not fetch Saleor's JWKS: {type(exc).__name__}") from None
    if response.status_code != 200 or len(response.content) > MAX_JWKS_BYTES:
        raise JwksUnavailable(f"Could not fetch Saleor's JWKS: HTTP {response.status_code}")
    try:
        data = response.json()
        parse_jwks.__wrapped__(json.dumps(data))  # not memoised: a refused JWKS must not stay in memory
    except (ValueError, PyJWKSetError) as exc:
        raise JwksUnavailable(f"Saleor's JWKS is not a valid key set: {exc}") from None
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


@lru_cache(maxsize=128)
def parse_jwks(jwks_text: str) -> Mapping[str, PyJWK]:
    """Keys by ``kid``; keys without a ``kid`` are kept under the empty string.

    Memoised by the JWKS text (building RSA key objects costs more than verifying a signature); the mapping is
    read-only because it is shared. A rotated JWKS is a different text, so it is parsed afresh."""
    data: Any = json.loads(jwks_text)
    key_set = PyJWKSet.from_dict(data)
    return MappingProxyType({key.key_id or "": key for key in key_set.keys})


def jwks_has_kid(jwks_text: str, kid: str) -> bool:
    return kid in parse_jwks(jwks_text)
