"""A stock feed with a SKU whose listing the seller deleted produces an issue, a notification on the Processing
errors page and one digest e-mail on a real SMTP server — to the staff with MANAGE_SETTINGS when no recipient is
configured, to the configured recipients otherwise — and at most one digest per interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saleor_asc_app.configuration.model import Recipient, RecipientKind
from saleor_asc_app.processing_errors.digest import TITLE
from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource
from tests.fulfilment.harness import fulfilment_env
from tests.inventory.test_stock_feeds import UNKNOWN, first_feed_with_a_delisted_sku, set_up
from tests.notifications.smtp_server import SmtpSink
from tests.orders.harness import OrdersEnv

ERRORS = "{ processingErrors { source sku code message emailed } }"


async def page(env: OrdersEnv, query: str, email: str = "admin@example.com") -> Any:
    return await env.env.dashboard_data(query, email=email)


async def unknown_sku_feed(env: OrdersEnv) -> None:
    await set_up(env)
    await first_feed_with_a_delisted_sku(env)


async def test_a_feed_issue_is_listed_and_emailed_once_to_the_manage_settings_staff(
    database_url: str, tmp_path: Path, smtp: SmtpSink
) -> None:
    async with fulfilment_env(database_url, tmp_path, smtp=smtp) as env:
        await unknown_sku_feed(env)
        [entry] = (await page(env, ERRORS))["processingErrors"]
        assert (entry["source"], entry["sku"], entry["emailed"]) == ("feed", UNKNOWN, True)

        [mail] = smtp.wait_for(1)
        assert mail.subject == f"{TITLE}: 1 new"
        # Active staff holding MANAGE_SETTINGS; not the channel-restricted manager, not the inactive account.
        assert sorted(mail.rcpt_tos) == ["admin@example.com", "pii.viewer@example.com"]
        assert UNKNOWN in mail.part("plain") and UNKNOWN in mail.part("html")

        # Another error within the hour waits for the next digest; then exactly one more message.
        async with env.state.sessionmaker() as session, session.begin():
            await record_error(
                session, env.installation_id, source=ErrorSource.SHIPMENT, reference="action-1", code="InvalidInput",
                message="Carrier code is invalid.", dedupe_key="test:1", now=env.clock.now(),
            )  # fmt: skip
        await env.run_for(1200, step=300)
        assert len(smtp.messages()) == 1
        await env.run_for(3600, step=600)
        assert len(smtp.wait_for(2)) == 2
        assert smtp.messages()[1].subject == f"{TITLE}: 1 new"
        assert "Carrier code is invalid." in smtp.messages()[1].part("plain")


async def test_configured_recipients_receive_the_digest(sqlite_url: str, tmp_path: Path, smtp: SmtpSink) -> None:
    async with fulfilment_env(sqlite_url, tmp_path, smtp=smtp) as env:
        await set_up(env)
        config = await env.current_config()
        eu = env.demo.staff["eu-manager"]
        notifications = config.notifications.model_copy(
            update={
                "file_processing_errors": (
                    Recipient(kind=RecipientKind.STAFF_USER, value=eu.id),
                    Recipient(kind=RecipientKind.EMAIL, value="feeds@example.com"),
                )
            }
        )
        await env.save(config.model_copy(update={"notifications": notifications}))
        await first_feed_with_a_delisted_sku(env)
        [mail] = smtp.wait_for(1)
        assert sorted(mail.rcpt_tos) == ["eu.manager@example.com", "feeds@example.com"]
