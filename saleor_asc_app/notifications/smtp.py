"""Sending one message through the configured SMTP server (aiosmtplib): ``ASC_SMTP_HOST``, ``_PORT``, ``_TLS``
(``starttls``, ``tls`` or ``none``), ``_USERNAME``, ``_PASSWORD`` and ``_SENDER``."""

from __future__ import annotations

import email.policy
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib

from saleor_asc_app.errors import AppError
from saleor_asc_app.logging import redact_text
from saleor_asc_app.notifications.outbox import EmailContent
from saleor_asc_app.settings import Settings

SMTP_TIMEOUT_SECONDS = 20.0
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)


class SmtpNotConfigured(AppError):
    status_code = 503
    code = "SMTP_NOT_CONFIGURED"

    def __init__(self) -> None:
        super().__init__("E-mail is not configured: set ASC_SMTP_HOST (and the other ASC_SMTP_* settings).")


class SendFailed(AppError):
    """The SMTP exchange failed; the message is safe to show (addresses and secrets are redacted)."""

    status_code = 502
    code = "SMTP_FAILED"


def build_message(sender: str, recipients: Sequence[str], content: EmailContent) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = content.subject
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


async def send(settings: Settings, recipients: Sequence[str], content: EmailContent) -> None:
    if not settings.smtp_host:
        raise SmtpNotConfigured()
    message = build_message(settings.smtp_sender, recipients, content)
    # Flattened here, with lines up to RFC 5322's 998 characters: folded at 78, a long subject starts on the next
    # line ("Subject:\r\n Amazon…"), which some readers keep as a leading space.
    raw = message.as_bytes(policy=WIRE_POLICY)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        await aiosmtplib.send(
            raw,
            sender=parseaddr(settings.smtp_sender)[1] or settings.smtp_sender,
            recipients=list(recipients),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=password if settings.smtp_username else None,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        detail = str(exc) or "no detail"
        if password:
            detail = detail.replace(password, "[redacted]")
        raise SendFailed(redact_text(f"{type(exc).__name__}: {detail}")[:500]) from None
