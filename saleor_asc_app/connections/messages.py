"""What the lifecycle tells people: which warning stage is due, the e-mail of each stage, the App Problem of each
state. Texts name the seller id and region only (no tokens, no buyer data)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from html import escape

from saleor_asc_app.configuration.marketplaces import REGION_NAMES, Region, label
from saleor_asc_app.connections.authorization import State
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.notifications.outbox import EmailContent

DAY_STAGES = (30, 14, 7, 3, 1)
EXPIRED_STAGE = "expired"
REVOKED_STAGE = "revoked"
PROBLEM_KEY_MAX = 128


def day_stage(days: int) -> str:
    return f"{days}d"


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days left, rounded up (``1`` until the last second)."""
    return max(0, math.ceil((expires_at - now).total_seconds() / 86400))


def due_stage(row: ConnectionStatus, now: datetime) -> str | None:
    state = State(row.state)
    if state is State.REVOKED:
        return REVOKED_STAGE
    if state is State.EXPIRED:
        return EXPIRED_STAGE
    if state is State.EXPIRING and row.expires_at is not None:
        remaining = (row.expires_at - now).total_seconds()
        due = [d for d in DAY_STAGES if remaining <= d * 86400]
        return day_stage(min(due)) if due else None
    return None


def stages_covered(stage: str) -> list[str]:
    """A stage also stands for every earlier one: after the 7-day warning the 14- and 30-day ones are not sent."""
    if stage == REVOKED_STAGE:
        return [REVOKED_STAGE]
    days = [day_stage(d) for d in DAY_STAGES]
    if stage == EXPIRED_STAGE:
        return [*days, EXPIRED_STAGE]
    index = days.index(stage)
    return days[: index + 1]


@dataclass(frozen=True, slots=True)
class ConnectionFacts:
    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    expires_at: datetime | None


def _who(facts: ConnectionFacts) -> str:
    return f"seller {facts.seller_id} ({REGION_NAMES[facts.region]})"


def _date(value: datetime | None) -> str:
    return value.strftime("%d %B %Y, %H:%M UTC") if value else "an unknown date"


def _paragraphs_html(paragraphs: list[str], link: str, button: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2937">'
        f'{body}<p><a href="{escape(link, quote=True)}" style="display:inline-block;padding:10px 16px;'
        f'background:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px">{escape(button)}</a></p>'
        f'<p style="color:#6b7280;font-size:12px">{escape(link)}</p>'
        '<p style="color:#6b7280;font-size:12px">Sent by the Amazon Seller Central app of your Saleor store.</p>'
        "</body></html>"
    )


def warning_email(stage: str, facts: ConnectionFacts, *, now: datetime, link: str) -> EmailContent:
    who = _who(facts)
    markets = ", ".join(label(m) for m in facts.marketplace_ids) or "no marketplace selected"
    how = (
        "To renew it, open the app in the Saleor dashboard and click “Re-authorize”: you sign in to Seller Central "
        "and confirm, and the app stores the new authorization. Order import continues where it stopped."
    )
    if stage == REVOKED_STAGE:
        subject = f"Amazon authorization revoked for {who}"
        lead = (
            f"Amazon no longer accepts the app's authorization for {who}. The seller revoked it in Seller Central, "
            "or it expired. Orders from this account are not imported until it is authorized again."
        )
    elif stage == EXPIRED_STAGE:
        subject = f"Amazon authorization expired for {who}"
        lead = (
            f"The app's authorization for {who} expired on {_date(facts.expires_at)}. Amazon requires sellers to "
            "re-authorize apps every 365 days. Orders from this account are not imported until it is renewed."
        )
    else:
        left = days_left(facts.expires_at, now) if facts.expires_at else 0
        when = "tomorrow" if left <= 1 else f"in {left} days"
        subject = f"Amazon authorization for {who} expires {when}"
        lead = (
            f"The app's authorization for {who} expires {when}, on {_date(facts.expires_at)}. Amazon requires "
            "sellers to re-authorize apps every 365 days; after that date the app cannot import orders from this "
            "account."
        )
    paragraphs = [lead, f"Marketplaces: {markets}.", how]
    text = "\n\n".join([*paragraphs, f"Open the app: {link}", "— Amazon Seller Central app for Saleor"]) + "\n"
    return EmailContent(subject=subject, text=text, html=_paragraphs_html(paragraphs, link, "Open the app"))


@dataclass(frozen=True, slots=True)
class Problem:
    key: str
    message: str
    critical: bool


def _key(prefix: str, connection_id: str) -> str:
    return f"{prefix}-{connection_id}"[:PROBLEM_KEY_MAX]


def problem_for(state: State, facts: ConnectionFacts, *, now: datetime) -> Problem | None:
    who = _who(facts)
    if state is State.EXPIRING and facts.expires_at is not None:
        return Problem(
            _key("amazon-authorization-expiring", facts.connection_id),
            f"Amazon authorization of {who} expires on {_date(facts.expires_at)}. Re-authorize it on the app's page.",
            critical=False,
        )
    if state is State.EXPIRED:
        return Problem(
            _key("amazon-authorization-expired", facts.connection_id),
            f"Amazon authorization of {who} expired on {_date(facts.expires_at)}: orders are not imported. "
            "Re-authorize it on the app's page.",
            critical=True,
        )
    if state is State.REVOKED:
        return Problem(
            _key("amazon-authorization-revoked", facts.connection_id),
            f"Amazon revoked the authorization of {who}: orders are not imported. Re-authorize it on the app's page.",
            critical=True,
        )
    if state is State.CLIENT_SECRET_INVALID:
        return Problem(
            _key("amazon-lwa-client-secret", facts.connection_id),
            f"Amazon refused the app's LWA client secret for {who}: orders are not imported. The app's operator "
            "must rotate the client secret.",
            critical=True,
        )
    return None
