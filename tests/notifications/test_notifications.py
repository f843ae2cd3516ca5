"""The notification service on its own: recipients resolved from the Saleor double (with the MANAGE_SETTINGS
fallback), the outbox's exactly-once queueing, and delivery through a real SMTP server with credentials."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.model import Recipient, RecipientKind
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.notifications.outbox import SEND_KIND, EmailContent, queue_email
from saleor_asc_app.notifications.recipients import resolve_recipients
from saleor_asc_app.notifications.tables import EmailOutbox
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError
from tests.connections.harness import ConnEnv, connections_env
from tests.notifications.smtp_server import smtp_server

CONTENT = EmailContent(
    subject="Amazon file processing errors: 3 rows failed",
    text="Three rows of the listings feed failed.\n",
    html="<p>Three rows of the listings feed <b>failed</b>.</p>",
)


async def queue(
    session: AsyncSession,
    env: ConnEnv,
    key: str,
    *,
    now: datetime,
    recipients: Sequence[str] = ("ops@example.com",),
) -> uuid.UUID | None:
    """A file-processing-errors e-mail queued in ``session``'s transaction, as a feature would."""
    return await queue_email(
        session,
        installation_id=env.installation_id,
        dedupe_key=key,
        category="file_processing_errors",
        recipients=recipients,
        content=CONTENT,
        now=now,
    )


@pytest.fixture
async def env(sqlite_url: str, tmp_path: Path) -> AsyncIterator[ConnEnv]:
    async with connections_env(sqlite_url, tmp_path) as environment:
        yield environment


async def saleor_client(env: ConnEnv):  # type: ignore[no-untyped-def]
    async with env.state.sessionmaker() as session:
        installation = await get_by_id(session, env.installation_id)
    assert installation is not None
    return create_saleor_client(
        installation.saleor_api_url, app_token(installation, env.state.secret_box), env.state.http_client
    )


def staff(env: ConnEnv, email: str) -> Recipient:
    user = env.saleor.state.staff_by_email(email)
    assert user is not None
    return Recipient(kind=RecipientKind.STAFF_USER, value=str(user.id))


async def test_nobody_configured_means_active_staff_with_manage_settings(env: ConnEnv) -> None:
    client = await saleor_client(env)
    assert await resolve_recipients(client, ()) == ["admin@example.com", "pii.viewer@example.com"]


async def test_configured_staff_and_addresses(env: ConnEnv) -> None:
    client = await saleor_client(env)
    configured = (
        staff(env, "eu.manager@example.com"),
        Recipient(kind=RecipientKind.EMAIL, value="Ops@Example.com"),
        Recipient(kind=RecipientKind.EMAIL, value="ops@example.com"),  # the same mailbox once
    )
    assert await resolve_recipients(client, configured) == ["eu.manager@example.com", "Ops@Example.com"]


async def test_configured_but_unresolvable_falls_back(env: ConnEnv) -> None:
    client = await saleor_client(env)
    gone = (staff(env, "former.staff@example.com"),)  # inactive: receives nothing
    assert await resolve_recipients(client, gone) == ["admin@example.com", "pii.viewer@example.com"]


async def test_without_manage_staff_resolution_fails_loudly(env: ConnEnv) -> None:
    # An app that lost MANAGE_STAFF cannot read staff: the caller gets an error to retry, not an empty list.
    assert env.env.saleor_app is not None
    env.env.saleor_app.permissions.discard("MANAGE_STAFF")
    client = await saleor_client(env)
    with pytest.raises(SaleorError):
        await resolve_recipients(client, ())


async def test_a_key_is_queued_once_with_its_send_job(env: ConnEnv) -> None:
    now = env.clock.now()
    async with env.state.sessionmaker() as session, session.begin():
        first = await queue(session, env, "fpe:feed-1", now=now)
        again = await queue(session, env, "fpe:feed-1", now=now)
    assert first is not None and again is None
    async with env.state.sessionmaker() as session:
        rows = (await session.execute(select(EmailOutbox))).scalars().all()
        jobs = (await session.execute(select(Job).where(Job.kind == SEND_KIND))).scalars().all()
    assert len(rows) == 1 and len(jobs) == 1
    assert jobs[0].payload == {"outbox_id": str(first)}  # no address, no content in the job


async def test_rolled_back_event_queues_nothing(env: ConnEnv) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with env.state.sessionmaker() as session, session.begin():
            await queue(session, env, "fpe:feed-2", now=env.clock.now())
            raise Boom
    async with env.state.sessionmaker() as session:
        assert (await session.execute(select(EmailOutbox))).scalars().all() == []
        assert (await session.execute(select(Job))).scalars().all() == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a test server on loopback
async def test_delivery_with_credentials_text_and_html(env: ConnEnv) -> None:
    with smtp_server(username="mailer", password="s3cret-smtp-password") as sink:
        settings = env.state.settings
        settings.smtp_host, settings.smtp_port, settings.smtp_tls = sink.host, sink.port, "none"
        settings.smtp_username, settings.smtp_password = "mailer", SecretStr("s3cret-smtp-password")
        settings.smtp_sender = "Amazon app <amazon-app@shop.example>"
        async with env.state.sessionmaker() as session, session.begin():
            await queue(
                session, env, "fpe:feed-3", now=env.clock.now(), recipients=["ops@example.com", "admin@example.com"]
            )
        await env.run_jobs()
        (received,) = sink.wait_for(1)
    assert sink.logins == ["mailer"]
    assert received.mail_from == "amazon-app@shop.example"
    assert sorted(received.rcpt_tos) == ["admin@example.com", "ops@example.com"]
    assert received.subject == CONTENT.subject
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.part("plain").replace("\r\n", "\n") == CONTENT.text
    assert received.part("html").strip() == CONTENT.html
    async with env.state.sessionmaker() as session:
        (row,) = (await session.execute(select(EmailOutbox))).scalars().all()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, None)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a test server on loopback
async def test_wrong_credentials_are_an_error_without_the_password(env: ConnEnv) -> None:
    with smtp_server(username="mailer", password="right-password") as sink:
        settings = env.state.settings
        settings.smtp_host, settings.smtp_port, settings.smtp_tls = sink.host, sink.port, "none"
        settings.smtp_username, settings.smtp_password = "mailer", SecretStr("wrong-password-xyz")
        async with env.state.sessionmaker() as session, session.begin():
            await queue(session, env, "fpe:feed-4", now=env.clock.now())
        await env.run_jobs()
        assert sink.messages() == []
    async with env.state.sessionmaker() as session:
        (row,) = (await session.execute(select(EmailOutbox))).scalars().all()
    assert row.state == "pending" and row.attempts == 1
    assert row.last_error is not None and "SMTPAuthenticationError" in row.last_error
    assert "wrong-password-xyz" not in row.last_error
