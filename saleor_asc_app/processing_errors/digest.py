"""The processing-error digest: every error not e-mailed yet goes out in one message to the configured recipients
(or the staff with MANAGE_SETTINGS), at most one message per interval per installation; none while the operator
has not configured SMTP."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.notifications.outbox import EmailContent, queue_email
from saleor_asc_app.notifications.recipients import resolve_recipients
from saleor_asc_app.notifications.tables import EmailOutbox
from saleor_asc_app.processing_errors.imports import import_scan_job_kinds
from saleor_asc_app.processing_errors.record import DIGEST_KIND
from saleor_asc_app.processing_errors.tables import ProcessingError
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError
from saleor_asc_app.state import AppState

log = get_logger(__name__)

CATEGORY = "processing_errors"
TITLE = "Amazon Seller Central File Processing Errors"
MAX_LISTED = 100


def digest_content(errors: list[ProcessingError]) -> EmailContent:
    count = len(errors)
    subject = f"{TITLE}: {count} new"
    rows = []
    for error in errors[:MAX_LISTED]:
        subject_of = (error.sku and f"SKU {error.sku}") or (error.amazon_order_id and f"order {error.amazon_order_id}")
        rows.append((error.source, subject_of or error.reference, error.code, error.message))
    more = count - len(rows)
    text = [f"{count} new problem(s) were reported while exchanging data with Amazon Seller Central:", ""]
    text += [f"- [{source}] {what}: {code}: {message}" for source, what, code, message in rows]
    if more:
        text.append(f"… and {more} more; see the Processing errors page of the app.")
    text += ["", "The full list is on the app's Processing errors page in the Saleor dashboard."]
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>" for row in rows)
    body = (
        f"<p>{count} new problem(s) were reported while exchanging data with Amazon Seller Central.</p>"
        f"<table><tr><th>Source</th><th>About</th><th>Code</th><th>Message</th></tr>{cells}</table>"
        + (f"<p>… and {more} more.</p>" if more else "")
        + "<p>The full list is on the app's Processing errors page in the Saleor dashboard.</p>"
    )
    return EmailContent(subject=subject, text="\n".join(text) + "\n", html=body)


async def run_digest(ctx: AppState, job: ClaimedJob) -> None:
    installation_id = job.installation_id
    if installation_id is None:
        return
    if not ctx.settings.smtp_host:
        # No e-mail without SMTP: the errors stay listed on the dashboard page (and go out once it is configured
        # and a new error arrives) instead of becoming e-mails that can only fail.
        log.warning("processing errors not e-mailed: SMTP is not configured")
        return
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session:
        installation = await get_by_id(session, installation_id)
        if installation is None:
            return
        config = (await load_configuration(session, ctx, installation_id)).config
        errors = list(
            (
                await session.execute(
                    select(ProcessingError)
                    .where(ProcessingError.installation_id == installation_id, ProcessingError.digest_id.is_(None))
                    .order_by(ProcessingError.created_at)
                )
            ).scalars()
        )
        if not errors:
            return
        last = await session.scalar(
            select(func.max(EmailOutbox.created_at)).where(
                EmailOutbox.installation_id == installation_id, EmailOutbox.category == CATEGORY
            )
        )
    interval = timedelta(minutes=max(1, config.notifications.processing_error_digest_minutes))
    if last is not None and now < last + interval:
        raise RetryJob("next digest is due later", delay=(last + interval - now).total_seconds())
    client = create_saleor_client(installation.saleor_api_url, app_token(installation, ctx.secret_box), ctx.http_client)
    try:
        recipients = await resolve_recipients(client, config.notifications.file_processing_errors)
    except SaleorError as exc:
        raise RetryJob(f"recipients: {exc}", delay=120.0, count_attempt=True) from None
    digest_id = uuid.uuid4()
    async with ctx.sessionmaker() as session, session.begin():
        if recipients:
            await queue_email(
                session,
                installation_id=installation_id,
                dedupe_key=f"processing-errors:{digest_id}",
                category=CATEGORY,
                recipients=recipients,
                content=digest_content(errors),
                now=now,
            )
        else:
            log.warning("processing errors digest has no recipient", errors=len(errors))
        await session.execute(
            update(ProcessingError).where(ProcessingError.id.in_([e.id for e in errors])).values(digest_id=digest_id)
        )


def processing_error_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(DIGEST_KIND, run_digest, timeout_seconds=120.0, description="e-mail the processing-error digest"),
        *import_scan_job_kinds(),
    ]
