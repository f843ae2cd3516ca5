"""``GET /metrics``: Prometheus text exposition (format 0.0.4) of app-wide counts. Only numbers and fixed label
values: no tenant names, no seller ids, no e-mail addresses, no secrets. With ``ASC_METRICS_TOKEN`` set, only
requests with ``Authorization: Bearer <token>`` get them."""

from __future__ import annotations

import hmac
import math

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from saleor_asc_app.connections.authorization import State
from saleor_asc_app.connections.operator import client_secret_expiry
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.db.models import Installation
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.logging import get_logger
from saleor_asc_app.notifications.tables import EmailOutbox, EmailState
from saleor_asc_app.push.metrics import push_metrics
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

log = get_logger(__name__)


def _expected_token(settings: Settings) -> bytes | None:
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    return token.encode() if token else None


def _authorized(request: Request, expected: bytes) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest takes as long for a wrong token as for a right one of the same length.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)


def metrics_route(settings: Settings) -> Route:
    """The ``/metrics`` route; built once per app, so the warning about an open endpoint is logged at start-up."""
    if _expected_token(settings) is None and not settings.demo_mode:
        log.warning(
            "metrics endpoint without a token",
            hint="GET /metrics answers anyone; set ASC_METRICS_TOKEN or keep the path off the public network.",
        )
    return Route("/metrics", metrics, methods=["GET"])


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Exposition:
    def __init__(self) -> None:
        self._lines: list[str] = []

    def metric(self, name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> None:
        self._lines.append(f"# HELP {name} {help_text}")
        self._lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            rendered = ",".join(f'{key}="{label}"' for key, label in labels.items())
            self._lines.append(f"{name}{{{rendered}}} {_number(value)}" if rendered else f"{name} {_number(value)}")

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"


async def metrics(request: Request) -> Response:
    state: AppState = request.app.state.asc
    expected = _expected_token(state.settings)
    if expected is not None and not _authorized(request, expected):
        return PlainTextResponse(
            "Unauthorized\n", status_code=401, headers={"www-authenticate": 'Bearer realm="metrics"'}
        )
    out = _Exposition()
    expiry = client_secret_expiry(state.settings, state.clock.now())
    out.metric(
        "asc_lwa_client_secret_days_left",
        "gauge",
        "Days until the app's LWA client secret expires (ASC_LWA_CLIENT_SECRET_EXPIRES_AT); NaN when not set.",
        [({}, float(expiry.days_left) if expiry else math.nan)],
    )
    async with state.sessionmaker() as session:
        connections = dict(
            (await session.execute(select(ConnectionStatus.state, func.count()).group_by(ConnectionStatus.state))).all()
        )
        emails = dict(
            (await session.execute(select(EmailOutbox.state, func.count()).group_by(EmailOutbox.state))).all()
        )
        jobs = dict((await session.execute(select(Job.status, func.count()).group_by(Job.status))).all())
        installations = (await session.execute(select(func.count()).select_from(Installation))).scalar_one()
        push = await push_metrics(session, state.settings, state.clock.now())
    out.metric(
        "asc_amazon_connections",
        "gauge",
        "Amazon connections by authorization state.",
        [({"state": s.value}, float(connections.get(s.value, 0))) for s in State],
    )
    out.metric(
        "asc_email_outbox_messages",
        "gauge",
        "Notification e-mails by delivery state.",
        [({"state": s.value}, float(emails.get(s.value, 0))) for s in EmailState],
    )
    out.metric(
        "asc_jobs",
        "gauge",
        "Background jobs by status.",
        [({"status": s.value}, float(jobs.get(s.value, 0))) for s in JobStatus],
    )
    out.metric("asc_installations", "gauge", "Saleor stores that installed the app.", [({}, float(installations))])
    out.metric(
        "asc_push_connections",
        "gauge",
        "Amazon connections by push state (subscribed: notifications bring orders; degraded: polling at full speed).",
        [({"state": k}, float(v)) for k, v in push.states.items()],
    )
    out.metric(
        "asc_push_notifications_total",
        "counter",
        "Notifications applied, by outcome (orders — fetch: one getOrder; stale, waiting: no Amazon call; feeds and "
        "reports — done: the job waiting for it made due; ignored: nothing waits for it).",
        [({"outcome": k}, float(v)) for k, v in push.outcomes.items()],
    )
    out.metric(
        "asc_push_missed_orders_total",
        "counter",
        "Order changes the catch-up sweep found that no notification had brought.",
        [({}, float(push.missed))],
    )
    out.metric("asc_push_dead_letters", "gauge", "Queue messages set aside unhandled.", [({}, float(push.dead))])
    return Response(out.text(), media_type=CONTENT_TYPE, headers={"cache-control": "no-store"})
