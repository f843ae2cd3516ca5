"""The lifecycle's dashboard API through ``POST /api/graphql``: status for every staff user, the connection test,
pasted credentials (tested before they are stored) and the operator's client-secret warning."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.connections.checks import ensure_sweep
from saleor_asc_app.simulator.faults import FaultKind
from tests.connections.harness import SELLER_EU, SELLER_NA, ConnEnv, connections_env
from tests.harness import DE, START, UK, US

OVERVIEW = """{ amazonAuthorizations { canManage now
  connections { id sellerId region state stateReason paused authorizedAt expiresAt daysLeft
    lastTest { ok message } marketplaces { id currency participating } }
  clientSecret { daysLeft expired message } } }"""
CONNECT = """mutation($input: CredentialsInput!) { connectAmazonWithCredentials(input: $input) {
  connectionId test { ok message marketplaces { id } } errors { field message code } } }"""
TEST = """mutation($id: String!) { testAmazonConnection(connectionId: $id) { ok message marketplaces { id } } }"""


@pytest.fixture
async def env(sqlite_url: str, tmp_path: Path) -> AsyncIterator[ConnEnv]:
    async with connections_env(sqlite_url, tmp_path, lwa_client_secret_expires_at="2026-03-14") as environment:
        yield environment


async def test_every_staff_user_reads_the_status_and_only_managers_see_the_secret_warning(env: ConnEnv) -> None:
    seller = env.simulator.sellers[SELLER_NA]
    await env.configure(
        [AmazonConnection(id="conn-na", region=Region.NA, seller_id=SELLER_NA, marketplace_ids=(US,))],
        {"conn-na": seller.refresh_token},
    )
    env.clock.set(START + timedelta(days=3))  # the client secret expires on 14 March 2026 (end of day, UTC)
    admin = (await env.gql(OVERVIEW))["data"]["amazonAuthorizations"]
    assert admin["canManage"] is True
    assert admin["clientSecret"]["daysLeft"] == 10
    assert "14 March 2026 (10 days left)" in admin["clientSecret"]["message"]  # counted as the pages count

    env.clock.set(START + timedelta(days=355))
    staff = (await env.gql(OVERVIEW, email="eu.manager@example.com"))["data"]["amazonAuthorizations"]
    assert staff["canManage"] is False
    assert staff["clientSecret"] is None  # expired long ago, but not this user's business
    (connection,) = staff["connections"]
    assert connection | {"lastTest": None, "marketplaces": None} == {
        "id": "conn-na",
        "sellerId": SELLER_NA,
        "region": "NA",
        "state": "EXPIRING",
        "stateReason": None,
        "paused": False,
        "authorizedAt": START.isoformat(),
        "expiresAt": (START + timedelta(days=365)).isoformat(),
        "daysLeft": 10,
        "lastTest": None,
        "marketplaces": None,
    }
    admin = (await env.gql(OVERVIEW))["data"]["amazonAuthorizations"]
    assert admin["clientSecret"]["expired"] is True


async def test_the_connection_test_lists_marketplaces_and_needs_manage_apps(env: ConnEnv) -> None:
    seller = env.simulator.sellers[SELLER_EU]
    await env.configure(
        [AmazonConnection(id="conn-eu", region=Region.EU, seller_id=SELLER_EU, marketplace_ids=(DE,))],
        {"conn-eu": seller.refresh_token},
    )
    refused = await env.gql(TEST, {"id": "conn-eu"}, email="eu.manager@example.com")
    assert refused["errors"][0]["extensions"]["code"] == "MISSING_PERMISSION"

    result = (await env.gql(TEST, {"id": "conn-eu"}))["data"]["testAmazonConnection"]
    assert result["ok"] is True
    assert sorted(m["id"] for m in result["marketplaces"]) == sorted([DE, UK])
    (connection,) = (await env.gql(OVERVIEW))["data"]["amazonAuthorizations"]["connections"]
    assert connection["lastTest"]["ok"] is True
    assert {m["id"]: m["currency"] for m in connection["marketplaces"]} == {DE: "EUR", UK: "GBP"}


async def test_pasted_credentials_are_tested_before_they_are_stored(env: ConnEnv) -> None:
    seller = env.simulator.sellers[SELLER_EU]
    wrong = await env.gql(
        CONNECT, {"input": {"region": "EU", "sellerId": SELLER_EU, "refreshToken": "Atzr|not-a-token-amazon-knows"}}
    )
    payload = wrong["data"]["connectAmazonWithCredentials"]
    assert payload["connectionId"] is None
    assert payload["errors"][0]["code"] == "CONNECTION_TEST_FAILED"
    assert (await env.config()).connections == ()

    malformed = await env.gql(CONNECT, {"input": {"region": "EU", "sellerId": "A-1", "refreshToken": "x"}})
    assert malformed["data"]["connectAmazonWithCredentials"]["errors"][0]["field"] == "sellerId"

    right = await env.gql(
        CONNECT, {"input": {"region": "EU", "sellerId": SELLER_EU.lower(), "refreshToken": seller.refresh_token}}
    )
    payload = right["data"]["connectAmazonWithCredentials"]
    assert payload["errors"] == []
    assert payload["test"]["ok"] is True
    (connection,) = (await env.config()).connections
    assert (connection.id, connection.seller_id, set(connection.marketplace_ids)) == (
        payload["connectionId"],
        SELLER_EU,
        {DE, UK},
    )
    assert connection.authorized_at == env.clock.now()
    assert await env.stored_token(connection.id) == seller.refresh_token
    assert seller.refresh_token not in repr(payload)


async def test_a_client_secret_problem_pauses_and_a_passing_test_resumes(env: ConnEnv) -> None:
    seller = env.simulator.sellers[SELLER_NA]
    await env.configure(
        [AmazonConnection(id="conn-na", region=Region.NA, seller_id=SELLER_NA, marketplace_ids=(US,))],
        {"conn-na": seller.refresh_token},
    )
    env.simulator.inject_fault(None, FaultKind.INVALID_CLIENT, count=1)
    failed = (await env.gql(TEST, {"id": "conn-na"}))["data"]["testAmazonConnection"]
    assert failed["ok"] is False and "invalid_client" in failed["message"]
    await env.run_jobs()
    (connection,) = (await env.gql(OVERVIEW))["data"]["amazonAuthorizations"]["connections"]
    assert (connection["state"], connection["paused"]) == ("CLIENT_SECRET_INVALID", True)
    (problem,) = env.open_problems()
    assert problem.key == "amazon-lwa-client-secret-conn-na" and problem.is_critical

    # The operator rotated the secret: the next test passes and lifts the pause.
    assert (await env.gql(TEST, {"id": "conn-na"}))["data"]["testAmazonConnection"]["ok"] is True
    await env.run_jobs()
    (connection,) = (await env.gql(OVERVIEW))["data"]["amazonAuthorizations"]["connections"]
    assert (connection["state"], connection["paused"]) == ("CONNECTED", False)
    assert env.open_problems() == []


async def test_metrics_expose_counts_and_the_secret_expiry_without_identifiers(env: ConnEnv) -> None:
    na, eu = env.simulator.sellers[SELLER_NA], env.simulator.sellers[SELLER_EU]
    await env.configure(
        [
            AmazonConnection(id="conn-na", region=Region.NA, seller_id=SELLER_NA, marketplace_ids=(US,)),
            AmazonConnection(id="conn-eu", region=Region.EU, seller_id=SELLER_EU, marketplace_ids=(DE,)),
        ],
        {"conn-na": na.refresh_token, "conn-eu": eu.refresh_token},
    )
    env.simulator.inject_fault(SELLER_EU, FaultKind.INVALID_GRANT)
    await env.gql(TEST, {"id": "conn-eu"})
    await env.run_jobs()  # the check queues the revocation e-mail (no SMTP here: it fails, visibly)

    response = await env.client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    assert "asc_lwa_client_secret_days_left 13" in lines  # 2026-03-02 09:00 → 2026-03-14 23:59:59
    assert 'asc_amazon_connections{state="connected"} 1' in lines
    assert 'asc_amazon_connections{state="revoked"} 1' in lines
    assert 'asc_email_outbox_messages{state="failed"} 1' in lines
    assert "asc_installations 1" in lines
    for line in lines:
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or line.startswith("asc_")
    for identifier in (SELLER_NA, SELLER_EU, "example.com", "shop.test", "conn-na", na.refresh_token):
        assert identifier not in response.text


async def test_operator_warning_in_logs_at_start_up_and_daily(env: ConnEnv) -> None:
    with capture_logs() as logs:
        await ensure_sweep(env.state)
        await env.run_jobs()
    warnings = [e for e in logs if e["event"] == "lwa client secret expiry"]
    assert len(warnings) == 2  # start-up and the first sweep
    assert warnings[0]["days_left"] == 13 and warnings[0]["log_level"] == "warning"


async def test_no_warning_when_the_secret_has_time_left(sqlite_url: str, tmp_path: Path) -> None:
    async with connections_env(sqlite_url, tmp_path, lwa_client_secret_expires_at="2026-09-01") as env:
        with capture_logs() as logs:
            await ensure_sweep(env.state)
        assert [e for e in logs if e["event"] == "lwa client secret expiry"] == []
        admin = (await env.gql(OVERVIEW))["data"]["amazonAuthorizations"]
        assert admin["clientSecret"] is None
        assert "asc_lwa_client_secret_days_left 184" in (await env.client.get("/metrics")).text
