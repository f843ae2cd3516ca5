"""Expiry and revocation warnings in virtual time: e-mails received by a real SMTP server exactly once per
(connection, stage), to the right people, and App Problems in Saleor raised and dismissed."""

from __future__ import annotations

from datetime import timedelta

from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.configuration.model import AmazonConnection, Recipient, RecipientKind
from saleor_asc_app.connections.authorization import enqueue_check
from saleor_asc_app.connections.checks import ensure_sweep
from tests.connections.harness import SELLER_EU, SELLER_NA, ConnEnv
from tests.harness import START, US

NA_CONNECTION = AmazonConnection(id="conn-na", region=Region.NA, seller_id=SELLER_NA, marketplace_ids=(US,))
SETTINGS_MANAGERS = ["admin@example.com", "pii.viewer@example.com"]  # active staff holding MANAGE_SETTINGS


async def authorized(conn: ConnEnv, connection: AmazonConnection = NA_CONNECTION, **kwargs: object) -> None:
    seller = conn.simulator.sellers[connection.seller_id]
    await conn.configure([connection], {connection.id: seller.refresh_token}, **kwargs)  # type: ignore[arg-type]


async def check_now(conn: ConnEnv) -> None:
    async with conn.state.sessionmaker() as session, session.begin():
        await enqueue_check(session, conn.installation_id, now=conn.clock.now())
    await conn.run_jobs()


async def test_a_connection_walks_through_every_warning_stage(conn: ConnEnv) -> None:
    assert conn.smtp is not None
    await authorized(conn)  # authorized at START: expires START + 365 days
    assert await ensure_sweep(conn.state)
    assert not await ensure_sweep(conn.state)  # one standing sweep, however often the app starts
    await conn.run_jobs()
    assert (await conn.status("conn-na")).state == "connected"
    assert conn.smtp.messages() == []
    assert conn.open_problems() == []

    conn.clock.set(START + timedelta(days=330))
    states: dict[int, str] = {}
    for day in range(330, 368):
        await conn.run_jobs()  # the daily sweep falls due, asks for a check, the check queues what is due
        if day in (351, 358):
            await check_now(conn)  # extra checks on the same day change nothing
            await check_now(conn)
        states[day] = (await conn.status("conn-na")).state
        conn.clock.advance(86400)

    received = conn.smtp.wait_for(6)
    assert [m.subject for m in received] == [
        f"Amazon authorization for seller {SELLER_NA} (North America) expires in 30 days",
        f"Amazon authorization for seller {SELLER_NA} (North America) expires in 14 days",
        f"Amazon authorization for seller {SELLER_NA} (North America) expires in 7 days",
        f"Amazon authorization for seller {SELLER_NA} (North America) expires in 3 days",
        f"Amazon authorization for seller {SELLER_NA} (North America) expires tomorrow",
        f"Amazon authorization expired for seller {SELLER_NA} (North America)",
    ]
    assert conn.env.saleor_app is not None
    link = f"{conn.saleor.origin}/dashboard/extensions/app/{conn.env.saleor_app.id}"
    token = conn.simulator.sellers[SELLER_NA].refresh_token
    for message in received:
        assert token not in message.message.as_string()  # no secret in any e-mail
        assert sorted(message.rcpt_tos) == SETTINGS_MANAGERS
        assert message.message["From"] == conn.state.settings.smtp_sender
        assert link in message.part("plain")
        assert f'href="{link}"' in message.part("html")
    assert [e.state for e in await conn.outbox()] == ["sent"] * 6
    assert states[334] == "connected" and states[335] == "expiring" and states[365] == "expired"
    assert (await conn.status("conn-na")).warnings_sent == ["14d", "1d", "30d", "3d", "7d", "expired"]

    # Saleor shows one problem at a time: the expiring one (not critical) was dismissed when the critical one came.
    expiring, expired = conn.problems()
    assert expiring.key == "amazon-authorization-expiring-conn-na"
    assert (expiring.is_critical, expiring.dismissed_by_app) == (False, True)
    assert expired.key == "amazon-authorization-expired-conn-na"
    assert (expired.is_critical, expired.dismissed_by_app) == (True, False)
    assert "Re-authorize" in expired.message

    # Re-authorizing resets the lifecycle: the problem is dismissed, no further e-mail goes out.
    location = await conn.authorize(seller_id=SELLER_NA, connection_id="conn-na")
    assert "amazonAuthorization=success" in location
    await conn.run_jobs()
    status = await conn.status("conn-na")
    assert (status.state, status.warnings_sent) == ("connected", [])
    assert status.expires_at == conn.clock.now() + timedelta(days=365)
    assert conn.open_problems() == []
    await check_now(conn)
    assert len(conn.smtp.messages()) == 6


async def test_configured_recipients_get_the_warning_and_late_stages_skip_earlier_ones(conn: ConnEnv) -> None:
    assert conn.smtp is not None
    manager = conn.saleor.state.staff_by_email("eu.manager@example.com")
    inactive = conn.saleor.state.staff_by_email("former.staff@example.com")
    assert manager is not None and inactive is not None
    recipients = (
        Recipient(kind=RecipientKind.STAFF_USER, value=str(manager.id)),
        Recipient(kind=RecipientKind.STAFF_USER, value=str(inactive.id)),  # inactive staff get nothing
        Recipient(kind=RecipientKind.EMAIL, value="ops@example.com"),
    )
    await authorized(conn, recipients=recipients)
    conn.clock.set(START + timedelta(days=360))  # 5 days left: the 7-day warning is the one due
    await check_now(conn)
    (message,) = conn.smtp.wait_for(1)
    assert sorted(message.rcpt_tos) == ["eu.manager@example.com", "ops@example.com"]
    assert message.subject.endswith("expires in 5 days")
    assert (await conn.status("conn-na")).warnings_sent == ["14d", "30d", "7d"]
    conn.clock.advance(86400)
    await check_now(conn)
    assert len(conn.smtp.messages()) == 1  # 4 days left: still the 7-day stage


async def test_revocation_warns_once_and_reauthorization_clears_it(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    assert conn.smtp is not None
    eu = AmazonConnection(id="conn-eu", region=Region.EU, seller_id=SELLER_EU, marketplace_ids=("A1PA6795UKMFR9",))
    await authorized(conn, eu)
    conn.simulator.inject_fault(SELLER_EU, "invalid_grant")

    test = await conn.gql('mutation { testAmazonConnection(connectionId: "conn-eu") { ok message } }')
    assert test["data"]["testAmazonConnection"]["ok"] is False
    await conn.run_jobs()
    await check_now(conn)

    (message,) = conn.smtp.wait_for(1)
    assert message.subject == f"Amazon authorization revoked for seller {SELLER_EU} (Europe)"
    assert sorted(message.rcpt_tos) == SETTINGS_MANAGERS
    (problem,) = conn.open_problems()
    assert (problem.key, problem.is_critical) == ("amazon-authorization-revoked-conn-eu", True)
    status = await conn.status("conn-eu")
    assert (status.state, status.warnings_sent) == ("revoked", ["revoked"])

    conn.clock.advance(3600)  # the seller signs in to Seller Central and authorizes the app again
    await conn.authorize(seller_id=SELLER_EU, connection_id="conn-eu")
    await conn.run_jobs()
    assert conn.open_problems() == []
    assert (await conn.status("conn-eu")).state == "connected"

    # A later revocation of the new authorization is a new event: one more e-mail.
    conn.simulator.inject_fault(SELLER_EU, "invalid_grant")
    await conn.gql('mutation { testAmazonConnection(connectionId: "conn-eu") { ok } }')
    await conn.run_jobs()
    await check_now(conn)
    assert [m.subject for m in conn.smtp.wait_for(2)].count(message.subject) == 2
    assert len(conn.open_problems()) == 1


async def test_failed_sends_are_retried_visible_and_retryable(conn_sqlite: ConnEnv) -> None:
    conn = conn_sqlite
    assert conn.smtp is not None
    conn.smtp.refuse = True
    await authorized(conn)
    conn.clock.set(START + timedelta(days=340))
    await check_now(conn)
    (row,) = await conn.outbox()
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.last_error is not None and "451" in row.last_error
    assert "@" not in row.last_error  # addresses are not repeated in errors

    for _ in range(12):  # every retry falls due and fails again, until the attempts are used up
        conn.clock.advance(6 * 3600)
        await conn.run_jobs()
    (row,) = await conn.outbox()
    assert (row.state, row.attempts) == ("failed", 8)

    listed = await conn.gql("{ notificationEmails { id state attempts lastError subject recipientCount } }")
    (email,) = listed["data"]["notificationEmails"]
    assert (email["state"], email["attempts"], email["recipientCount"]) == ("failed", 8, 2)
    assert "451" in email["lastError"]
    refused = await conn.gql(
        "{ notificationEmails { id } }", email="eu.manager@example.com"
    )  # the outbox is for MANAGE_APPS staff
    assert refused["errors"][0]["extensions"]["code"] == "MISSING_PERMISSION"

    conn.smtp.refuse = False
    retried = await conn.gql("mutation($id: ID!) { retryNotificationEmail(id: $id) }", {"id": email["id"]})
    assert retried["data"]["retryNotificationEmail"] is True
    await conn.run_jobs()
    (row,) = await conn.outbox()
    assert row.state == "sent"
    assert len(conn.smtp.wait_for(1)) == 1


async def test_without_smtp_the_message_is_marked_failed_once(sqlite_url: str, tmp_path: object) -> None:
    from pathlib import Path

    from tests.connections.harness import connections_env

    async with connections_env(sqlite_url, Path(str(tmp_path))) as conn:
        await authorized(conn)
        conn.clock.set(START + timedelta(days=340))
        await check_now(conn)
        (row,) = await conn.outbox()
        assert row.state == "failed"
        assert row.attempts == 1
        assert row.last_error is not None and "ASC_SMTP_HOST" in row.last_error
