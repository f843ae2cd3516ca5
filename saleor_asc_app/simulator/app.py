"""The SP-API simulator as a Starlette app: LWA, Seller Central consent, the SP-API operations the
product uses, the pre-signed document URLs and the `/_simulator` admin endpoints.

Every SP-API request goes through `_dispatch`: access token → rate limit (429 `QuotaExceeded`) →
injected faults → Amazon's static sandbox (hosts `sandbox.*` or paths under `/sandbox`) or the
stateful handler. Answers carry `x-amzn-RequestId` and `x-amzn-RateLimit-Limit`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from saleor_asc_app.clock import Clock
from saleor_asc_app.simulator.faults import FaultKind
from saleor_asc_app.simulator.handlers import (
    admin,
    cancellation,
    consent,
    documents,
    feeds,
    inventory,
    listings,
    lwa,
    notifications,
    orders,
    reports,
    sellers,
)
from saleor_asc_app.simulator.http import Call, Query, SimError, error_body, error_response, json_response
from saleor_asc_app.simulator.notifications import run_delivery
from saleor_asc_app.simulator.processing import process_due
from saleor_asc_app.simulator.rules import ModelOperation
from saleor_asc_app.simulator.sandbox import SandboxCases
from saleor_asc_app.simulator.state import SellerAccount, SimulatorState

Handler = Callable[[Call], Awaitable[Response]]

_HANDLERS: dict[str, Handler] = {
    "searchOrders": orders.search_orders,
    "getOrder": orders.get_order,
    "confirmShipment": orders.confirm_shipment,
    "cancelOrder": cancellation.cancel_order,
    "getMarketplaceParticipations": sellers.get_marketplace_participations,
    "createFeedDocument": feeds.create_feed_document,
    "createFeed": feeds.create_feed,
    "getFeed": feeds.get_feed,
    "getFeedDocument": feeds.get_feed_document,
    "createReport": reports.create_report,
    "getReport": reports.get_report,
    "getReportDocument": reports.get_report_document,
    "patchListingsItem": listings.patch_listings_item,
    "searchListingsItems": listings.search_listings_items,
    "getInventorySummaries": inventory.get_inventory_summaries,
    "getDestinations": notifications.get_destinations,
    "createDestination": notifications.create_destination,
    "getSubscription": notifications.get_subscription,
    "createSubscription": notifications.create_subscription,
    "deleteSubscriptionById": notifications.delete_subscription_by_id,
}

NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"
# Grantless calls have no seller: their rate limits and handlers see this account of the application.
APPLICATION = SellerAccount(
    seller_id="application", marketplace_ids=[], roles=set(), store_name="", refresh_tokens=set(), catalog={}
)


async def _dispatch(request: Request, operation: ModelOperation, handler: Handler, sandbox_path: bool) -> Response:
    state: SimulatorState = request.app.state.simulator
    sandboxes: SandboxCases = request.app.state.sandbox_cases
    headers = {"x-amzn-RequestId": f"sim-{secrets.token_hex(12)}"}

    token = request.headers.get("x-amz-access-token")
    if not token:
        return error_response(
            SimError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "Access token is missing in the request header.",
            ),
            headers,
        )
    grant = state.check_access_token(token)
    if isinstance(grant, str):
        return error_response(SimError(403, "Unauthorized", "Access to requested resource is denied.", grant), headers)
    if operation.grantless:
        if grant.scope != NOTIFICATIONS_SCOPE:
            return error_response(
                SimError(
                    403,
                    "Unauthorized",
                    "Access to requested resource is denied.",
                    "This operation needs a grantless token with the sellingpartnerapi::notifications scope.",
                ),
                headers,
            )
        seller = APPLICATION  # grantless calls act for the application, not a seller
    elif grant.seller_id is None or grant.seller_id not in state.sellers:
        return error_response(
            SimError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "This operation needs a seller's authorization, not a grantless token.",
            ),
            headers,
        )
    else:
        seller = state.sellers[grant.seller_id]
    sandbox = sandbox_path or request.headers.get("host", "").startswith("sandbox.")

    allowed, limit = state.take_token(seller.seller_id, operation.operation_id, sandbox=sandbox)
    headers["x-amzn-RateLimit-Limit"] = f"{limit.rate:g}"
    if not allowed:
        state.stats.throttled[operation.operation_id] += 1
        return error_response(
            SimError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", ""), headers
        )
    state.stats.requests[operation.operation_id] += 1

    fault = state.faults.take(seller.seller_id, operation.operation_id, lwa=False)
    if fault is not None:
        state.stats.faults[fault.value] += 1
        if fault is FaultKind.SERVER_ERROR:
            return error_response(SimError(500, "InternalFailure", "We encountered an internal error."), headers)
        if fault is FaultKind.SERVICE_UNAVAILABLE:
            return error_response(SimError(503, "ServiceUnavailable", "Service temporarily unavailable."), headers)
        if fault is FaultKind.THROTTLE:
            return error_response(
                SimError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", ""), headers
            )
        if fault is FaultKind.TIMEOUT:
            await state.clock.sleep(state.timeout_seconds)
            return error_response(SimError(503, "ServiceUnavailable", "Service temporarily unavailable."), headers)

    raw = await request.body()
    body: Any = None
    if raw:
        try:
            body = json.loads(raw)
        except ValueError:
            return error_response(SimError(400, "InvalidInput", "The request body is not valid JSON."), headers)

    if sandbox:
        case = sandboxes.match(
            operation.operation_id,
            path={k: str(v) for k, v in request.path_params.items()},
            query=Query(request).multi(),
            body=body,
        )
        if case is None:
            response = json_response(
                error_body("InvalidInput", "No sandbox case matches this request.", "Invalid Input"), 400, headers
            )
        elif case.status == 204:
            response = Response(status_code=204, headers=headers)
        else:
            response = json_response(case.response, case.status, headers)
    elif problems := operation.body_problems(body):  # the static sandbox answers its cases instead
        return error_response(SimError(400, "InvalidInput", "Invalid request body: " + "; ".join(problems)), headers)
    else:
        call = Call(request, state, seller, state.now(), Query(request), body)
        try:
            response = await handler(call)
        except SimError as error:
            return error_response(error, headers)
        response.headers.update(headers)

    if fault is FaultKind.MALFORMED_BODY:
        content = bytes(response.body)[: max(1, len(response.body) // 2)] or b"{"
        return Response(content, status_code=200, headers=headers, media_type="application/json")
    return response


def _route(operation: ModelOperation, handler: Handler, *, sandbox: bool = False) -> Route:
    async def endpoint(request: Request) -> Response:
        return await _dispatch(request, operation, handler, sandbox)

    return Route(operation.path, endpoint, methods=[operation.method])


def _admin_routes(admin_token: str | None) -> list[BaseRoute]:
    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if admin_token is not None and not secrets.compare_digest(
                request.headers.get("x-simulator-admin-token", ""), admin_token
            ):
                return json_response({"error": "admin token required"}, 401)
            return await handler(request)

        return endpoint

    return [
        Route("/", guarded(admin.summary), methods=["GET"]),
        Route("/sellers", guarded(admin.add_seller), methods=["POST"]),
        Route("/sellers/{seller_id}/orders", guarded(admin.generate_orders), methods=["POST"]),
        Route("/sellers/{seller_id}/faults", guarded(admin.add_fault), methods=["POST"]),
        Route("/sellers/{seller_id}/faults", guarded(admin.clear_faults), methods=["DELETE"]),
        Route("/sellers/{seller_id}/reauthorize", guarded(admin.reauthorize), methods=["POST"]),
        Route("/sellers/{seller_id}/shipments", guarded(admin.shipments), methods=["GET"]),
        Route("/sellers/{seller_id}/feeds", guarded(admin.feeds), methods=["GET"]),
        Route("/faults", guarded(admin.add_fault), methods=["POST"]),
        Route("/faults", guarded(admin.clear_faults), methods=["DELETE"]),
        Route("/orders/{order_id}/status", guarded(admin.advance_order), methods=["POST"]),
        Route("/orders/{order_id}/cancellation-request", guarded(admin.request_cancellation), methods=["POST"]),
        Route("/clock/advance", guarded(admin.advance_clock), methods=["POST"]),
    ]


def create_simulator_app(
    state: SimulatorState | None = None,
    clock: Clock | None = None,
    *,
    admin_token: str | None = None,
    sandbox_cases: SandboxCases | None = None,
    deliver_notifications: bool = False,
) -> Starlette:
    """The simulator. Pass a `VirtualClock` (directly or inside `state`) to run in virtual time. With
    ``deliver_notifications`` a background task sends the Notifications API's notifications to their SQS queues
    (``state.notifications.sqs_endpoint_url``) while the app runs."""
    if state is None:
        state = SimulatorState(clock)
    elif clock is not None:
        state.clock = clock
    served = [(operation, _HANDLERS[name]) for name, operation in state.operations.items()]
    spapi = [_route(operation, handler) for operation, handler in served]
    routes: list[BaseRoute] = [
        Route("/auth/o2/token", lwa.token, methods=["POST"]),
        Route("/apps/authorize/consent", consent.consent, methods=["GET"]),
        Route("/_simulator/documents/{document_id}", documents.upload_document, methods=["PUT"]),
        Route("/_simulator/documents/{document_id}", documents.download_document, methods=["GET"]),
        Mount("/_simulator", routes=_admin_routes(admin_token)),
        Mount("/sandbox", routes=[_route(op, handler, sandbox=True) for op, handler in served]),
        *spapi,
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = (
            asyncio.create_task(run_delivery(state.notifications, state, before=functools.partial(process_due, state)))
            if deliver_notifications
            else None
        )
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.simulator = state
    app.state.sandbox_cases = sandbox_cases or SandboxCases.bundled()
    return app
