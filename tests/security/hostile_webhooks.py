"""A seeded generator of hostile webhook requests: each one is a valid Saleor delivery with one thing wrong.

Every case targets one endpoint of the app's webhook registry. Categories: tampered bodies, wrong or retired keys,
malformed signatures, missing or empty headers, other tenants, wrong events, oversized and malformed bodies, and
wrong HTTP methods. ``valid_request`` is the unmodified delivery, so a test can show the baseline is accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import WebhookDefinition
from tests.doubles.saleor_double.keys import SigningKey
from tests.security.conftest import Store, TwoStores

# A few RSA keys that are not Saleor's (generating one takes ~50 ms, so they are shared).
_IMPOSTORS: list[SigningKey] = []


UNCHECKABLE_KEY_STATUS = 503  # with error code SIGNATURE_NOT_CHECKABLE_YET


def impostor(rng: random.Random) -> SigningKey:
    while len(_IMPOSTORS) < 3:
        _IMPOSTORS.append(SigningKey())
    return rng.choice(_IMPOSTORS)


@dataclass
class HostileRequest:
    category: str
    detail: str
    path: str
    body: bytes
    headers: dict[str, str]
    method: str = "POST"
    chunked: bool = False  # send the body without content-length, in chunks
    expected: set[int] = field(default_factory=lambda: set(range(400, 500)))

    def unknown_kid(self) -> HostileRequest:
        """Signed with a key id not in the JWKS: refused once the JWKS was fetched for it, else 503 (JWKS
        refetches are rationed; a new key id may be Saleor's rotated key, which must be retried, not dropped)."""
        self.expected = set(range(400, 500)) | {UNCHECKABLE_KEY_STATUS}
        return self

    def __str__(self) -> str:
        return f"{self.category}: {self.detail} → {self.method} {self.path}"

    def content(self) -> bytes | AsyncIterator[bytes]:
        if not self.chunked:
            return self.body

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(self.body), 65536):
                yield self.body[start : start + 65536]

        return chunks()


def payload(store: Store, *, recipient: str | None = None, salt: int = 0) -> dict[str, object]:
    return {
        "issuedAt": "2026-11-27T12:00:00+00:00",
        "version": "3.23.28",
        "issuingPrincipal": {"__typename": "User", "id": "VXNlcjox"},
        "recipient": {"id": recipient or store.app.id},
        "app": {"id": store.app.id},
        "nonce": salt,
    }


def encode(data: object) -> bytes:
    return json.dumps(data).encode()


def headers_for(store: Store, definition: WebhookDefinition[AppState, Any], signature: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "saleor-event": definition.header_event,
        "saleor-domain": store.saleor.domain,
        "saleor-api-url": store.saleor.api_url,
        "saleor-signature": signature,
    }


def valid_request(stores: TwoStores, definition: WebhookDefinition[AppState, Any], salt: int = 0) -> HostileRequest:
    body = encode(payload(stores.a, salt=salt))
    headers = headers_for(stores.a, definition, stores.a.saleor.sign_webhook(body))
    return HostileRequest("valid", "unmodified delivery", definition.path, body, headers, expected=set(range(200, 300)))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws_header(**fields: object) -> str:
    return b64(json.dumps(fields).encode())


class Generator:
    def __init__(self, stores: TwoStores, definitions: list[WebhookDefinition[AppState, Any]], seed: int) -> None:
        self.stores = stores
        self.definitions = definitions
        self.rng = random.Random(seed)
        self.counter = 0
        self.other_events = sorted(
            {"order_created", "order_cancelled", "order_updated", "fulfillment_created", "app_deleted", "app_updated"}
            | {d.header_event for d in definitions}
        )
        self.makers: list[Callable[[WebhookDefinition[AppState, Any]], HostileRequest]] = [
            self.tampered_body,
            self.wrong_key,
            self.retired_key,
            self.malformed_signature,
            self.missing_header,
            self.other_tenant,
            self.wrong_event,
            self.oversized_body,
            self.malformed_body,
            self.wrong_method,
        ]

    def generate(self, count: int) -> list[HostileRequest]:
        cases = []
        for i in range(count):
            definition = self.definitions[i % len(self.definitions)]
            maker = self.makers[(i // len(self.definitions)) % len(self.makers)]
            cases.append(maker(definition))
        return cases

    # -- helpers ----------------------------------------------------------------------------------------------

    def _body(self, store: Store | None = None, **kwargs: object) -> bytes:
        self.counter += 1
        return encode(payload(store or self.stores.a, salt=self.counter, **kwargs))  # type: ignore[arg-type]

    def _signed(
        self,
        category: str,
        detail: str,
        definition: WebhookDefinition[AppState, Any],
        body: bytes,
        **overrides: str | None,
    ) -> HostileRequest:
        headers = headers_for(self.stores.a, definition, self.stores.a.saleor.sign_webhook(body))
        for key, value in overrides.items():
            name = key.replace("_", "-")
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        return HostileRequest(category, detail, definition.path, body, headers)

    # -- categories -------------------------------------------------------------------------------------------

    def tampered_body(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        body = self._body()
        signature = self.stores.a.saleor.sign_webhook(body)
        kind = self.rng.choice(["flip byte", "append space", "truncate", "swap recipient", "prepend", "re-encode"])
        if kind == "flip byte":
            i = self.rng.randrange(len(body))
            sent = body[:i] + bytes([body[i] ^ (1 << self.rng.randrange(8))]) + body[i + 1 :]
        elif kind == "append space":
            sent = body + b" "
        elif kind == "truncate":
            sent = body[: self.rng.randrange(len(body))]
        elif kind == "swap recipient":
            # App ids are per Saleor (both stores' app is App:1), so swap in an id this store never issued.
            sent = body.replace(self.stores.a.app.id.encode(), b"QXBwOjk5OQ==")
            assert sent != body
        elif kind == "prepend":
            sent = b"\n" + body
        else:
            sent = json.dumps(json.loads(body), indent=1).encode()
        return HostileRequest(
            "tampered body", kind, definition.path, sent, headers_for(self.stores.a, definition, signature)
        )

    def wrong_key(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        body = self._body()
        key = impostor(self.rng)
        kind = self.rng.choice(["impostor key, Saleor's kid", "impostor key, own kid", "other store's key"])
        if kind == "impostor key, Saleor's kid":
            key.kid, own = self.stores.a.saleor.keys.current.kid, key.kid
            signature = key.sign_detached(body)
            key.kid = own
        elif kind == "impostor key, own kid":
            signature = key.sign_detached(body)
        else:
            signature = self.stores.b.saleor.sign_webhook(body)
        case = self._signed("wrong key", kind, definition, body, saleor_signature=signature)
        return case if kind == "impostor key, Saleor's kid" else case.unknown_kid()

    def retired_key(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        body = self._body()
        return self._signed(
            "rotated key", "signed with A's retired key", definition, body,
            saleor_signature=self.stores.retired_key.sign_detached(body),
        ).unknown_kid()  # fmt: skip

    def malformed_signature(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        body = self._body()
        good = self.stores.a.saleor.sign_webhook(body)
        header, _, sig = good.split(".")
        kid = self.stores.a.saleor.keys.current.kid
        public_pem = self.stores.a.saleor.jwks()["keys"][0]["n"].encode()
        hs_header = jws_header(alg="HS256", b64=False, crit=["b64"], kid=kid)
        hs_sig = hmac.new(public_pem, hs_header.encode() + b"." + body, hashlib.sha256).digest()
        variants = {
            "empty": "",
            "dots only": "..",
            "random text": "".join(self.rng.choice("abcXYZ019-_.") for _ in range(self.rng.randrange(1, 400))),
            "attached payload": f"{header}.{b64(body)}.{sig}",
            "alg none": f"{jws_header(alg='none', b64=False, crit=['b64'], kid=kid)}..",
            "alg HS256 keyed with the public key": f"{hs_header}..{b64(hs_sig)}",
            "b64 true": f"{jws_header(alg='RS256', kid=kid)}..{sig}",
            "header not JSON": f"{b64(b'not json')}..{sig}",
            "header is a list": f"{b64(b'[1,2]')}..{sig}",
            "deeply nested header": f"{b64(b'[' * 5000 + b']' * 5000)}..{sig}",
            "kid is an object": f"{jws_header(alg='RS256', b64=False, crit=['b64'], kid={'a': 1})}..{sig}",
            "signature not base64": f"{header}..%%%%",
            "signature truncated": f"{header}..{sig[: len(sig) // 2]}",
            "signature of another body": f"{header}..{self.stores.a.saleor.sign_webhook(body + b'x').split('.')[2]}",
            "non-ASCII header": f"{header}é..{sig}",
            "four parts": f"{header}...{sig}",
        }
        detail = self.rng.choice(sorted(variants))
        return self._signed("malformed signature", detail, definition, body, saleor_signature=variants[detail])

    def missing_header(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        body = self._body()
        names = ["saleor-api-url", "saleor-event", "saleor-signature"]
        chosen = self.rng.sample(names, self.rng.randrange(1, len(names) + 1))
        empty = self.rng.random() < 0.5
        overrides: dict[str, str | None] = {n.replace("-", "_"): ("" if empty else None) for n in chosen}
        detail = f"{'empty' if empty else 'missing'} {', '.join(sorted(chosen))}"
        return self._signed("missing header", detail, definition, body, **overrides)

    def other_tenant(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        a, b = self.stores.a, self.stores.b
        kind = self.rng.choice(
            [
                "B's signature, A's api url",
                "A's signature, B's api url",
                "B's signed delivery addressed to another app",
                "unknown Saleor",
                "A's api url spelled differently",
            ]
        )
        if kind == "B's signature, A's api url":
            body = self._body()
            signature = b.saleor.sign_webhook(body)
            return self._signed("other tenant", kind, definition, body, saleor_signature=signature).unknown_kid()
        if kind == "A's signature, B's api url":
            body = self._body()
            return self._signed("other tenant", kind, definition, body, saleor_api_url=b.saleor.api_url)
        if kind == "B's signed delivery addressed to another app":
            body = self._body(b, recipient="QXBwOjk5OQ==")
            return HostileRequest(
                "other tenant", kind, definition.path, body, headers_for(b, definition, b.saleor.sign_webhook(body))
            )
        if kind == "unknown Saleor":
            body = self._body()
            return self._signed("other tenant", kind, definition, body, saleor_api_url="https://evil.test/graphql/")
        body = self._body()
        # (Without the trailing slash it is the same URL: the app normalises that, so it is not an attack.)
        url = self.rng.choice([a.saleor.api_url.upper(), a.saleor.api_url.replace("https", "http")])
        return self._signed("other tenant", kind, definition, body, saleor_api_url=url)

    def wrong_event(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        body = self._body()
        choices = [e for e in self.other_events if e != definition.header_event]
        choices += [definition.header_event + " ", definition.header_event.replace("_", "-"), "*", ""]
        event = self.rng.choice(choices)
        return self._signed("wrong event", repr(event), definition, body, saleor_event=event)

    def oversized_body(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        limit = self.stores.env.state.settings.webhook_max_body_bytes
        filler = "x" * (limit + self.rng.randrange(1, 4096))
        body = encode({**payload(self.stores.a), "pad": filler})
        case = self._signed("oversized body", "signed, over the limit", definition, body)
        case.expected = {413}
        if self.rng.random() < 0.5:
            case.chunked, case.detail = True, "signed, over the limit, chunked without content-length"
        return case

    def malformed_body(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        variants = {
            "empty": b"",
            "not JSON": b"not json",
            "invalid UTF-8": b'{"a": "\xff\xfe"}',
            "JSON array": b"[1, 2, 3]",
            "JSON string": b'"app"',
            "JSON null": b"null",
            "deeply nested array": b"[" * 100_000 + b"]" * 100_000,
            "deeply nested object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            "lone surrogate": b'{"a": "\\ud800"',
            "addressed to another app": encode(payload(self.stores.a, recipient="QXBwOjk5OTk=")),
        }
        detail = self.rng.choice(sorted(variants))
        return self._signed("malformed body (validly signed)", detail, definition, variants[detail])

    def wrong_method(self, definition: WebhookDefinition[AppState, Any]) -> HostileRequest:
        case = valid_request(self.stores, definition, salt=self.rng.randrange(10**9))
        case.category, case.method = "wrong method", self.rng.choice(["GET", "PUT", "PATCH", "DELETE"])
        case.detail = case.method
        case.expected = {405}
        return case
