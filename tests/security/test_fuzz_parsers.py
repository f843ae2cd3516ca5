"""Hypothesis fuzzing of the parsers that read untrusted input: the webhook signature parser, the webhook endpoint
(random bodies and headers through the installed app) and the SP-API client's reading of Amazon's and LWA's answers
(random statuses and bodies through an httpx MockTransport). Each may only succeed or raise its typed error."""

from __future__ import annotations

import base64
import contextlib
import json
import random
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from saleor_asc_app.amazon import LwaAppCredentials, LwaClient, SellerCredentials, SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.retry import RetryPolicy
from saleor_asc_app.auth.signatures import SignatureError, verify_webhook_signature
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.jobs.models import Job
from tests.harness import AppEnv

SHORT = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(10, 200_000).map(nested),
    st.just(b""),
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- the signature parser ------------------------------------------------------------------------------------------

JWKS = json.dumps({"keys": []})

jws_headers = st.one_of(
    json_values.map(lambda v: b64(json.dumps(v).encode())),
    st.fixed_dictionaries(
        {"alg": st.sampled_from(["RS256", "none", "HS256", "ES256"]), "b64": st.sampled_from([False, True, None])},
        optional={"crit": json_values, "kid": json_values},
    ).map(lambda h: b64(json.dumps(h).encode())),
    st.binary(max_size=200).map(b64),
    st.integers(10, 20_000).map(lambda d: b64(nested(d))),
    st.text(max_size=50),
)
signatures = st.one_of(
    st.text(max_size=300),
    st.tuples(jws_headers, st.text(max_size=5), st.binary(max_size=300).map(b64)).map(
        lambda p: f"{p[0]}.{p[1]}.{p[2]}"
    ),
)


def check_signature(body: bytes, signature: str, jwks: str) -> None:
    try:
        verify_webhook_signature(body, signature, jwks)
    except SignatureError:
        return
    raise AssertionError("an unsigned input was accepted")


@SHORT
@given(body=bodies, signature=signatures)
def test_signature_parser_only_raises_signature_errors(body: bytes, signature: str) -> None:
    check_signature(body, signature, JWKS)


@pytest.mark.slow
@LONG
@given(body=bodies, signature=signatures)
def test_signature_parser_long(body: bytes, signature: str) -> None:
    check_signature(body, signature, JWKS)


# -- the webhook endpoint -------------------------------------------------------------------------------------------

header_values = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=80)


async def post_random(env: AppEnv, body: bytes, headers: dict[str, str], path_index: int) -> None:
    definitions = env.state.webhooks.all()
    definition = definitions[path_index % len(definitions)]
    sent = {
        name.encode("ascii"): value.encode() for name, value in headers.items()
    }  # UTF-8 bytes, as a client may send
    response = await env.client.post(definition.path, content=body, headers=sent)
    if response.status_code == 503:  # a well-formed signature with a key id the JWKS cannot be refetched for yet
        assert response.json()["error"]["code"] == "SIGNATURE_NOT_CHECKABLE_YET", response.text
        return
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


async def stored(env: AppEnv) -> tuple[int, ...]:
    counts = []
    async with env.state.sessionmaker() as session:
        for table in (WebhookEvent, Job, Installation):
            counts.append((await session.execute(select(func.count()).select_from(table))).scalar_one())
    return tuple(counts)


def webhook_headers(env_url: str) -> Any:
    return st.fixed_dictionaries(
        {},
        optional={
            "saleor-api-url": st.sampled_from([env_url, "https://evil.test/graphql/"]) | header_values,
            "saleor-event": st.sampled_from(["app_deleted", "fulfillment_created", "order_created"]) | header_values,
            "saleor-signature": signatures,
            "content-type": st.sampled_from(["application/json", "text/plain"]) | header_values,
            "content-length": st.integers(-5, 10**9).map(str) | header_values,
        },
    )


@SHORT
@given(data=st.data())
async def test_webhook_endpoint_answers_random_requests_with_4xx(installed_sqlite: AppEnv, data: st.DataObject) -> None:
    env = installed_sqlite
    before = await stored(env)
    body = data.draw(bodies)
    headers = data.draw(webhook_headers(env.saleor.api_url))
    headers.pop("content-length", None)  # httpx sets it from the body; a lying length is not sendable here
    await post_random(env, body, headers, data.draw(st.integers(0, 10)))
    assert await stored(env) == before


# -- the SP-API client's response parsing ---------------------------------------------------------------------------

STATUSES = st.sampled_from([200, 201, 204, 302, 400, 401, 403, 404, 413, 429, 500, 503])
amazon_bodies = st.one_of(
    bodies,
    json_values.map(lambda v: json.dumps({"payload": v}).encode()),
    json_values.map(lambda v: json.dumps({"errors": v}).encode()),
    st.lists(json_values, max_size=3).map(lambda v: json.dumps({"errors": [{"code": c} for c in v]}).encode()),
)
content_types = st.sampled_from(["application/json", "text/html", "", "application/json; charset=utf-8"])

OPERATIONS: dict[str, Callable[[SpApiClient], Awaitable[Any]]] = {
    "getMarketplaceParticipations": lambda c: c.get_marketplace_participations(),
    "getOrder": lambda c: c.get_order("111-2222222-3333333"),
    "getFeed": lambda c: c.get_feed("feed-1"),
    "getReport": lambda c: c.get_report("report-1"),
    "getFeedDocument": lambda c: c.get_feed_document("doc-1"),
}


def amazon(status: int, body: bytes, content_type: str, lwa: tuple[int, bytes] | None) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "lwa.test":
            if lwa is not None:
                return httpx.Response(lwa[0], content=lwa[1], headers={"content-type": "application/json"})
            return httpx.Response(200, json={"access_token": "Atza|t", "token_type": "bearer", "expires_in": 3600})
        return httpx.Response(status, content=body, headers={"content-type": content_type, "x-amzn-RequestId": "r"})

    return httpx.MockTransport(handle)


async def call_amazon(operation: str, transport: httpx.MockTransport) -> None:
    clock = VirtualClock()
    async with httpx.AsyncClient(transport=transport) as http:
        lwa = LwaClient(LwaAppCredentials.of("id", "secret"), http, clock, token_url="https://lwa.test/token")
        client = SpApiClient(
            SellerCredentials.of("A1", "Atzr|x"),
            "https://spapi.test",
            http,
            clock,
            lwa=lwa,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01),
            rng=random.Random(1),
        )
        with contextlib.suppress(SpApiError):  # typed: the caller knows what to do with it
            await OPERATIONS[operation](client)


@SHORT
@given(operation=st.sampled_from(sorted(OPERATIONS)), status=STATUSES, body=amazon_bodies, content_type=content_types)
async def test_sp_api_answers_parse_or_raise_typed_errors(
    operation: str, status: int, body: bytes, content_type: str
) -> None:
    await call_amazon(operation, amazon(status, body, content_type, None))


@SHORT
@given(status=STATUSES, body=amazon_bodies)
async def test_lwa_answers_parse_or_raise_typed_errors(status: int, body: bytes) -> None:
    await call_amazon(
        "getMarketplaceParticipations", amazon(200, b'{"payload": []}', "application/json", (status, body))
    )


@pytest.mark.slow
@LONG
@given(operation=st.sampled_from(sorted(OPERATIONS)), status=STATUSES, body=amazon_bodies, content_type=content_types)
async def test_sp_api_answers_long(operation: str, status: int, body: bytes, content_type: str) -> None:
    await call_amazon(operation, amazon(status, body, content_type, None))
