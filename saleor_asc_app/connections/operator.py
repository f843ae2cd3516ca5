"""The operator's side: the app's own LWA client secret expires every 180 days (Amazon e-mails a rotation notice,
and the notification ``APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY`` carries the date). ``ASC_LWA_CLIENT_SECRET_EXPIRES_AT``
records it; the app warns in its logs (at start-up and daily), on ``/metrics`` and on the dashboard banner of
MANAGE_APPS staff from 30 days ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from saleor_asc_app.connections.messages import days_left
from saleor_asc_app.logging import get_logger
from saleor_asc_app.settings import Settings

log = get_logger(__name__)

WARN_AHEAD = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ClientSecretExpiry:
    expires_at: datetime
    days_left: int
    warn: bool
    expired: bool

    @property
    def message(self) -> str:
        when = self.expires_at.strftime("%d %B %Y")
        if self.expired:
            return f"The app's LWA client secret expired on {when}: rotate it and set ASC_LWA_CLIENT_SECRET."
        return (
            f"The app's LWA client secret expires on {when} ({self.days_left} day{'' if self.days_left == 1 else 's'} "
            "left): rotate it in the "
            "Amazon Developer Console and update ASC_LWA_CLIENT_SECRET and ASC_LWA_CLIENT_SECRET_EXPIRES_AT."
        )


def parse_expiry(value: str) -> datetime | None:
    """``2027-05-01`` (end of that day, UTC) or an ISO date-time; None when unset or unreadable."""
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59), tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def client_secret_expiry(settings: Settings, now: datetime) -> ClientSecretExpiry | None:
    expires_at = parse_expiry(settings.lwa_client_secret_expires_at)
    if expires_at is None:
        return None
    remaining = expires_at - now
    return ClientSecretExpiry(
        expires_at, days_left(expires_at, now), warn=remaining <= WARN_AHEAD, expired=remaining <= timedelta(0)
    )


def log_client_secret_warning(settings: Settings, now: datetime) -> ClientSecretExpiry | None:
    if settings.lwa_client_secret_expires_at.strip() and parse_expiry(settings.lwa_client_secret_expires_at) is None:
        log.warning("ASC_LWA_CLIENT_SECRET_EXPIRES_AT is not an ISO date (e.g. 2027-05-01); it is ignored")
        return None
    expiry = client_secret_expiry(settings, now)
    if expiry is not None and expiry.warn:
        log.warning("lwa client secret expiry", days_left=expiry.days_left, detail=expiry.message)
    return expiry
