"""The send job: one per queued message. Failures are recorded on the message (visible on the app's page) and
retried with backoff; once the attempts are used up the message is ``failed`` until staff retry it.

Delivery is at least once: a worker that dies after the SMTP server accepted a message but before it was marked
sent sends it again.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from saleor_asc_app.jobs.errors import PermanentJobError, RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob, backoff_seconds
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.notifications import smtp
from saleor_asc_app.notifications.outbox import SEND_KIND, EmailContent
from saleor_asc_app.notifications.tables import EmailOutbox, EmailState
from saleor_asc_app.state import AppState

log = get_logger(__name__)

SEND_BACKOFF_BASE_SECONDS = 60.0


async def run_send_job(ctx: AppState, job: ClaimedJob) -> None:
    outbox_id = uuid.UUID(str(job.payload["outbox_id"]))
    async with ctx.sessionmaker() as session:
        row = (await session.execute(select(EmailOutbox).where(EmailOutbox.id == outbox_id))).scalar_one_or_none()
        if row is None or row.state != EmailState.PENDING.value:
            return
        recipients = list(row.recipients)
        content = EmailContent(row.subject, row.text_body, row.html_body)
        category = row.category
    error: str | None = None
    permanent = False
    if not recipients:
        error, permanent = "No recipient: configure notification recipients on the app's page.", True
    else:
        try:
            await smtp.send(ctx.settings, recipients, content)
        except smtp.SmtpNotConfigured as exc:
            error, permanent = exc.message, True
        except smtp.SendFailed as exc:
            error = exc.message
    now = ctx.clock.now()
    last_attempt = permanent or job.attempts >= job.max_attempts
    async with ctx.sessionmaker() as session, session.begin():
        row = (await session.execute(select(EmailOutbox).where(EmailOutbox.id == outbox_id))).scalar_one()
        row.attempts += 1
        row.last_attempt_at = now
        if error is None:
            row.state = EmailState.SENT.value
            row.sent_at = now
            row.last_error = None
        else:
            row.last_error = error
            row.state = EmailState.FAILED.value if last_attempt else EmailState.PENDING.value
    if error is None:
        log.info("e-mail sent", category=category, recipients_count=len(recipients), outbox_id=str(outbox_id))
        return
    log.warning("e-mail not sent", category=category, error=error, attempt=job.attempts, final=last_attempt)
    if last_attempt:
        raise PermanentJobError(error)
    delay = backoff_seconds(job.attempts) * SEND_BACKOFF_BASE_SECONDS / 5.0
    raise RetryJob(error, delay=delay, count_attempt=True)


def notification_job_kinds() -> list[JobKind[AppState]]:
    return [JobKind(SEND_KIND, run_send_job, timeout_seconds=120.0, description="send a queued e-mail")]
