"""The SP-API website authorization flow end to end: the app's start endpoint, the simulator's Seller Central
consent page and LWA token endpoint, and the app's callback — including every way a callback must be refused."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs

from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.tables import ConfigurationChange
from saleor_asc_app.connections.oauth_state import OAuthState, StateSealer
from saleor_asc_app.connections.tables import OAuthNonce
from tests.connections.harness import SELLER_EU, SELLER_NA, ConnEnv, connections_env
from tests.harness import UK, US

NA_CONNECTION = AmazonConnection(id="conn-na", region=Region.NA, seller_id=SELLER_NA, marketplace_ids=(US,))


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def dashboard_marker(conn: ConnEnv, location: str) -> dict[str, str]:
    """The app sends the browser back to its page in the Saleor dashboard, with a marker the page explains."""
    assert conn.env.saleor_app is not None
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == conn.saleor.origin
    assert parts.path == f"/dashboard/extensions/app/{conn.env.saleor_app.id}"
    return query(location)


async def test_authorize_an_existing_connection_end_to_end(conn: ConnEnv) -> None:
    await conn.configure([NA_CONNECTION])
    started = await conn.start_oauth(connection_id="conn-na")
    assert started.status_code == 200
    assert started.headers["cache-control"] == "no-store"
    consent_url = started.json()["consentUrl"]
    parts, params = urlsplit(consent_url), query(consent_url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "sellercentral.amazon.com", "/apps/authorize/consent")
    assert params["application_id"] == conn.simulator.app.application_id
    assert params["version"] == "beta"  # the app is a draft (ASC_SPAPI_DRAFT_APP defaults to true)
    assert params["redirect_uri"] == "http://app.test/api/amazon/callback"
    assert params["state"]

    back = await conn.consent(consent_url, SELLER_NA)
    assert back.startswith("http://app.test/api/amazon/callback?")
    assert query(back)["selling_partner_id"] == SELLER_NA
    done = await conn.callback(back)

    assert done.status_code == 303
    assert done.headers["referrer-policy"] == "no-referrer"
    assert dashboard_marker(conn, done.headers["location"]) == {
        "amazonAuthorization": "success",
        "amazonConnection": "conn-na",
        "amazonConnectionTest": "ok",
    }
    seller = conn.simulator.sellers[SELLER_NA]
    assert await conn.stored_token("conn-na") == seller.refresh_token  # the token the code was exchanged for
    config = await conn.config()
    assert config.connections[0].authorized_at == conn.clock.now()
    status = await conn.status("conn-na")
    assert status.state == "connected"
    assert status.expires_at == conn.clock.now() + timedelta(days=365)
    assert status.last_test_ok is True
    assert [m["id"] for m in status.marketplaces] == [US]
    async with conn.state.sessionmaker() as session:
        change = (await session.execute(select(ConfigurationChange))).scalars().all()[-1]
        nonce = (await session.execute(select(OAuthNonce))).scalar_one()
    assert change.user_email == "admin@example.com"
    assert {"path": "connections[conn-na].refreshToken", "old": None, "new": "[set]"} in change.changes
    assert nonce.used_at == conn.clock.now()


async def test_a_new_connection_takes_seller_and_marketplaces_from_amazon(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    location = await conn.authorize(seller_id=SELLER_EU, region=Region.EU)
    marker = dashboard_marker(conn, location)
    assert marker["amazonAuthorization"] == "success"
    (connection,) = (await conn.config()).connections
    assert connection.id == marker["amazonConnection"]
    assert (connection.seller_id, connection.region) == (SELLER_EU, Region.EU)
    assert set(connection.marketplace_ids) == {"A1PA6795UKMFR9", UK}


async def test_consent_url_uses_the_sellers_marketplace_host(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    await conn.configure([AmazonConnection(id="c-uk", region=Region.EU, seller_id=SELLER_EU, marketplace_ids=(UK,))])
    started = await conn.start_oauth(connection_id="c-uk")
    assert urlsplit(started.json()["consentUrl"]).netloc == "sellercentral-europe.amazon.com"


async def test_a_replayed_state_is_refused(conn: ConnEnv) -> None:
    await conn.configure([NA_CONNECTION])
    started = await conn.start_oauth(connection_id="conn-na")
    back = await conn.consent(started.json()["consentUrl"], SELLER_NA)
    assert dashboard_marker(conn, (await conn.callback(back)).headers["location"])["amazonAuthorization"] == "success"
    token = await conn.stored_token("conn-na")
    exchanges = conn.simulator.stats.lwa_requests

    replay = await conn.callback(back)

    assert replay.status_code == 303
    assert dashboard_marker(conn, replay.headers["location"]) == {
        "amazonAuthorization": "failed",
        "amazonAuthorizationError": "STATE_USED",
    }
    assert conn.simulator.stats.lwa_requests == exchanges  # refused before any call to Amazon
    assert await conn.stored_token("conn-na") == token


async def test_an_expired_state_is_refused(conn: ConnEnv) -> None:
    await conn.configure([NA_CONNECTION])
    started = await conn.start_oauth(connection_id="conn-na")
    conn.clock.advance(10 * 60 + 1)  # the state lives ten minutes
    back = await conn.consent(started.json()["consentUrl"], SELLER_NA)  # a fresh code, but a stale state
    exchanges = conn.simulator.stats.lwa_requests

    done = await conn.callback(back)

    assert dashboard_marker(conn, done.headers["location"]) == {
        "amazonAuthorization": "failed",
        "amazonAuthorizationError": "STATE_EXPIRED",
    }
    assert conn.simulator.stats.lwa_requests == exchanges
    assert await conn.stored_token("conn-na") is None


@pytest.mark.parametrize("forgery", ["other-key", "tampered", "garbage", "missing"])
async def test_a_foreign_or_forged_state_is_refused(conn_sqlite: ConnEnv, forgery: str) -> None:
    conn = conn_sqlite
    await conn.configure([NA_CONNECTION])
    started = await conn.start_oauth(connection_id="conn-na")
    back = await conn.consent(started.json()["consentUrl"], SELLER_NA)
    params = query(back)
    genuine = params["state"]
    if forgery == "other-key":
        # Well-formed, for this very installation and user, but sealed by someone who does not hold the master key.
        other = StateSealer(b"another-master-key-0123456789abcdef-xyz")
        params["state"] = other.seal(
            OAuthState(conn.installation_id, "VXNlcjox", "conn-na", Region.NA, "n" * 32, conn.clock.now(), False)
        )
    elif forgery == "tampered":
        params["state"] = genuine[:-6] + ("AAAAAA" if not genuine.endswith("AAAAAA") else "BBBBBB")
    elif forgery == "garbage":
        params["state"] = "v1.abc.not-a-state"
    else:
        del params["state"]
    url = "http://app.test/api/amazon/callback?" + "&".join(f"{k}={v}" for k, v in params.items())

    done = await conn.callback(url)

    assert done.status_code == 400
    assert "Authorization link not valid" in done.text
    assert await conn.stored_token("conn-na") is None
    # The genuine state still works afterwards: the forgeries consumed nothing.
    assert (await conn.callback(back)).status_code == 303
    assert await conn.stored_token("conn-na") == conn.simulator.sellers[SELLER_NA].refresh_token


async def test_a_code_used_twice_is_refused(conn: ConnEnv) -> None:
    await conn.configure([NA_CONNECTION])
    first = await conn.start_oauth(connection_id="conn-na")
    first_back = await conn.consent(first.json()["consentUrl"], SELLER_NA)
    assert (await conn.callback(first_back)).status_code == 303
    token = await conn.stored_token("conn-na")
    used_code = query(first_back)["spapi_oauth_code"]

    # A fresh, valid state carrying the code that was already exchanged.
    second = await conn.start_oauth(connection_id="conn-na")
    second_state = query(second.json()["consentUrl"])["state"]
    url = (
        "http://app.test/api/amazon/callback?"
        f"state={second_state}&selling_partner_id={SELLER_NA}&spapi_oauth_code={used_code}"
    )
    done = await conn.callback(url)

    assert dashboard_marker(conn, done.headers["location"]) == {
        "amazonAuthorization": "failed",
        "amazonAuthorizationError": "CODE_REJECTED",
    }
    assert await conn.stored_token("conn-na") == token


async def test_a_code_older_than_five_minutes_is_refused(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    await conn.configure([NA_CONNECTION])
    started = await conn.start_oauth(connection_id="conn-na")
    back = await conn.consent(started.json()["consentUrl"], SELLER_NA)
    conn.clock.advance(5 * 60 + 1)  # the state is still valid, the code is not
    done = await conn.callback(back)
    assert query(done.headers["location"])["amazonAuthorizationError"] == "CODE_REJECTED"
    assert await conn.stored_token("conn-na") is None


async def test_a_different_seller_cannot_take_over_a_connection(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    await conn.configure([NA_CONNECTION])
    started = await conn.start_oauth(connection_id="conn-na")
    back = await conn.consent(started.json()["consentUrl"], SELLER_EU)  # signed in with the wrong account
    done = await conn.callback(back)
    assert query(done.headers["location"])["amazonAuthorizationError"] == "SELLER_MISMATCH"
    assert await conn.stored_token("conn-na") is None


async def test_starting_needs_manage_apps(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    await conn.configure([NA_CONNECTION])
    refused = await conn.start_oauth(connection_id="conn-na", email="eu.manager@example.com")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "MISSING_PERMISSION"
    anonymous = await conn.client.post(
        "/api/amazon/authorize", json={"connectionId": "conn-na"}, headers=conn.headers(None)
    )
    assert anonymous.status_code == 401
    unknown = await conn.start_oauth(connection_id=uuid.uuid4().hex)
    assert unknown.status_code == 404
    async with conn.state.sessionmaker() as session:
        assert (await session.execute(select(OAuthNonce))).scalars().all() == []


async def test_no_secret_reaches_a_log_line(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    await conn.configure([NA_CONNECTION])
    with capture_logs() as logs:
        started = await conn.start_oauth(connection_id="conn-na")
        back = await conn.consent(started.json()["consentUrl"], SELLER_NA)
        await conn.callback(back)
        await conn.callback(back)  # refused replay: logged as well
    secrets = [query(back)["state"], query(back)["spapi_oauth_code"], conn.simulator.sellers[SELLER_NA].refresh_token]
    text = repr(logs)
    assert logs
    for secret in secrets:
        assert secret not in text


async def test_demo_mode_runs_the_flow_against_the_built_in_simulator(sqlite_url: str, tmp_path: Path) -> None:
    async with connections_env(sqlite_url, tmp_path, demo_mode=True) as conn:
        assert conn.state.settings.demo_mode
        await conn.configure([NA_CONNECTION])
        started = await conn.start_oauth(connection_id="conn-na")
        consent_url = started.json()["consentUrl"]
        assert consent_url.startswith("http://app.test/demo/amazon/apps/authorize/consent?")
        assert query(consent_url)["version"] == "beta"

        consent = await conn.client.get(consent_url)  # the app's page plays Seller Central
        assert consent.status_code == 303
        back = consent.headers["location"]
        assert back.startswith("http://app.test/api/amazon/callback?")
        done = await conn.callback(back)

        assert dashboard_marker(conn, done.headers["location"])["amazonAuthorization"] == "success"
        assert (await conn.stored_token("conn-na") or "").startswith("Atzr|")
        status = await conn.status("conn-na")
        assert (status.state, [m["id"] for m in status.marketplaces]) == ("connected", [US])
