"""App lifecycle webhooks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.connections.budget_sweep import schedule_sweep
from saleor_asc_app.db.models import Installation
from saleor_asc_app.installations import delete_installation
from saleor_asc_app.logging import get_logger
from saleor_asc_app.pii.audit_expiry import schedule_audit_expiry
from saleor_asc_app.push.subscriptions import hand_over_on_uninstall
from saleor_asc_app.webhooks.payloads import AppDeletedEvent
from saleor_asc_app.webhooks.registry import WebhookDefinition

log = get_logger(__name__)


async def on_app_deleted(
    session: AsyncSession, installation: Installation, payload: AppDeletedEvent, now: datetime
) -> None:
    """The app was removed from Saleor: forget the installation and everything stored for it (cascades), except
    the PII audit trail, which Amazon's DPP asks to keep for a while (``pii/audit_expiry.py``); its push
    subscriptions are handed to jobs that delete them at Amazon; the rate budget rows of sellers no other store
    connects go with a prompt sweep (``connections/budget_sweep.py``)."""
    await schedule_audit_expiry(session, installation.id, now=now)
    await schedule_sweep(session, now=now, prompt=True)
    await hand_over_on_uninstall(session, installation.id, now=now)
    await delete_installation(session, installation.id)
    log.info("installation removed after APP_DELETED", saleor_api_url=installation.saleor_api_url)


APP_DELETED: WebhookDefinition[object, AppDeletedEvent] = WebhookDefinition(
    event="APP_DELETED",
    name="App deleted",
    payload=AppDeletedEvent,
    inline_handler=on_app_deleted,
    handle_own_events=True,
)
