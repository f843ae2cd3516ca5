"""Login with Amazon against the simulator's token endpoint and Seller Central consent page."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import parse_qs, urlsplit

import pytest

from saleor_asc_app.amazon import LwaAppCredentials, LwaClient, SellerCredentials
from saleor_asc_app.amazon.errors import AuthorizationCodeInvalid, AuthorizationRevoked, ClientSecretInvalid, LwaError
from tests.amazon.harness import LWA_URL, Harness

REDIRECT = "https://app.example.com/amazon/callback"


async def test_access_tokens_are_cached_per_seller_until_shortly_before_expiry(harness: Harness) -> None:
    one = harness.state.add_seller("AONE")
    two = harness.state.add_seller("ATWO")
    lwa = harness.lwa
    first = await lwa.access_token(SellerCredentials.of(one.seller_id, one.refresh_token))
    assert first.startswith("Atza|")
    assert await lwa.access_token(SellerCredentials.of(one.seller_id, one.refresh_token)) == first
    other = await lwa.access_token(SellerCredentials.of(two.seller_id, two.refresh_token))
    assert other != first
    assert harness.state.stats.lwa_requests == 2

    harness.clock.advance(3600 - 300 - 1)  # tokens live 3600 s; refreshed 300 s early
    assert await lwa.access_token(SellerCredentials.of(one.seller_id, one.refresh_token)) == first
    harness.clock.advance(2)
    renewed = await lwa.access_token(SellerCredentials.of(one.seller_id, one.refresh_token))
    assert renewed != first
    assert harness.state.check_access_token(renewed) is not None
    assert harness.state.stats.lwa_requests == 3


async def test_concurrent_callers_share_one_refresh(harness: Harness) -> None:
    seller = harness.state.add_seller("ABUSY")
    credentials = SellerCredentials.of(seller.seller_id, seller.refresh_token)
    tokens = await asyncio.gather(*(harness.lwa.access_token(credentials) for _ in range(25)))
    assert len(set(tokens)) == 1
    assert harness.state.stats.lwa_requests == 1


async def test_a_new_refresh_token_is_not_served_the_old_cached_token(harness: Harness) -> None:
    seller = harness.state.add_seller("AROTATED")
    old = await harness.lwa.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))
    new_refresh = harness.state.reauthorize(seller)
    new = await harness.lwa.access_token(SellerCredentials.of(seller.seller_id, new_refresh))
    assert new != old


async def test_website_authorization_flow(harness: Harness) -> None:
    """Consent (version=beta for a draft app) → 302 with the code → code exchange → refresh token."""
    seller = harness.state.add_seller("ACONSENTING")
    response = await harness.http.get(
        "https://sellercentral.amazon.com/apps/authorize/consent",
        params={
            "application_id": harness.state.app.application_id,
            "state": "opaque-state-123",
            "version": "beta",
            "redirect_uri": REDIRECT,
        },
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["state"] == "opaque-state-123"
    assert params["selling_partner_id"] == seller.seller_id

    grant = await harness.lwa.exchange_authorization_code(params["spapi_oauth_code"], REDIRECT)
    assert grant.refresh_token.get_secret_value().startswith("Atzr|")
    assert grant.expires_in == 3600
    assert "Atz" not in repr(grant)  # secrets print as **********
    token = await harness.lwa.access_token(SellerCredentials(seller.seller_id, grant.refresh_token))
    assert harness.state.check_access_token(token) is not None

    # Single use.
    with pytest.raises(AuthorizationCodeInvalid):
        await harness.lwa.exchange_authorization_code(params["spapi_oauth_code"], REDIRECT)


async def test_authorization_codes_expire_after_five_minutes_and_need_the_same_redirect(harness: Harness) -> None:
    seller = harness.state.add_seller("ASLOW")
    late = harness.state.create_authorization_code(seller.seller_id, REDIRECT)
    harness.clock.advance(301)
    with pytest.raises(AuthorizationCodeInvalid) as raised:
        await harness.lwa.exchange_authorization_code(late, REDIRECT)
    assert raised.value.status == 400 and raised.value.amazon_code == "invalid_grant"
    elsewhere = harness.state.create_authorization_code(seller.seller_id, REDIRECT)
    with pytest.raises(AuthorizationCodeInvalid):
        await harness.lwa.exchange_authorization_code(elsewhere, "https://evil.example.com/cb")


async def test_consent_refuses_a_draft_app_without_version_beta(harness: Harness) -> None:
    harness.state.add_seller("ADRAFT")
    response = await harness.http.get(
        "https://sellercentral.amazon.com/apps/authorize/consent",
        params={"application_id": harness.state.app.application_id, "state": "s", "redirect_uri": REDIRECT},
    )
    assert response.status_code == 400
    assert "MD1000" in response.text
    harness.state.app.redirect_uris = ["https://registered.example.com/cb"]
    response = await harness.http.get(
        "https://sellercentral.amazon.com/apps/authorize/consent",
        params={
            "application_id": harness.state.app.application_id,
            "state": "s",
            "version": "beta",
            "redirect_uri": REDIRECT,
        },
    )
    assert response.status_code == 400 and "MD5101" in response.text


async def test_lwa_errors_are_typed(harness: Harness) -> None:
    seller = harness.state.add_seller("AERRORS")
    with pytest.raises(AuthorizationRevoked) as revoked:
        await harness.lwa.access_token(SellerCredentials.of(seller.seller_id, "Atzr|not-a-real-token"))
    assert revoked.value.amazon_code == "invalid_grant" and revoked.value.status == 400

    wrong_secret = LwaClient(
        LwaAppCredentials.of(harness.state.app.client_id, "amzn1.oa2-cs.v1.wrong"),
        harness.http,
        harness.clock,
        token_url=LWA_URL,
    )
    with pytest.raises(ClientSecretInvalid) as invalid:
        await wrong_secret.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))
    assert invalid.value.status == 401
    assert "wrong" not in str(invalid.value)

    harness.state.expire_client_secret()
    with pytest.raises(ClientSecretInvalid):
        await harness.lwa.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))
    harness.state.rotate_client_secret()
    rotated = LwaClient(
        LwaAppCredentials.of(harness.state.app.client_id, harness.state.app.client_secret),
        harness.http,
        harness.clock,
        token_url=LWA_URL,
    )
    assert await rotated.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))


async def test_grantless_tokens_per_scope(harness: Harness) -> None:
    token = await harness.lwa.grantless_token("sellingpartnerapi::notifications")
    assert await harness.lwa.grantless_token("sellingpartnerapi::notifications") == token
    assert harness.state.tokens[token].seller_id is None
    with pytest.raises(LwaError) as raised:
        await harness.lwa.grantless_token("sellingpartnerapi::everything")
    assert raised.value.amazon_code == "invalid_scope"
    # A grantless token does not open a seller's data.
    response = await harness.http.get(
        "https://sellingpartnerapi-na.amazon.com/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": token},
    )
    assert response.status_code == 403


async def test_lwa_retries_only_transient_errors(harness: Harness) -> None:
    seller = harness.state.add_seller("ATRANSIENT")
    lwa = LwaClient(
        LwaAppCredentials.of(harness.state.app.client_id, harness.state.app.client_secret),
        harness.http,
        harness.clock,
        token_url=LWA_URL,
        rng=random.Random(1),
    )
    harness.state.inject_fault(seller, "lwa_temporarily_unavailable", 2)
    started = harness.clock.monotonic()
    assert await lwa.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))
    assert lwa.token_requests == 3
    assert harness.clock.monotonic() > started  # it backed off (in virtual time)
    harness.state.inject_fault(seller, "invalid_client", 5)
    lwa.invalidate(seller.seller_id)
    with pytest.raises(ClientSecretInvalid):
        await lwa.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))
    assert lwa.token_requests == 4  # never retried
