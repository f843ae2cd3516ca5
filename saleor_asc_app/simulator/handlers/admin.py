"""`/_simulator/...`: drive the simulator of a running process (demo mode, manual testing)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from saleor_asc_app.simulator.http import json_response
from saleor_asc_app.simulator.state import SimulatorError, SimulatorState


def _state(request: Request) -> SimulatorState:
    state: SimulatorState = request.app.state.simulator
    return state


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise SimulatorError("the body must be a JSON object")
    return data


def _problem(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


async def summary(request: Request) -> Response:
    state = _state(request)
    return json_response(
        {
            "now": state.now().isoformat(),
            "app": {"clientId": state.app.client_id, "applicationId": state.app.application_id},
            "sellers": {
                seller_id: {
                    "marketplaceIds": account.marketplace_ids,
                    "roles": sorted(account.roles),
                    "orders": len(account.orders),
                    "revoked": account.revoked,
                }
                for seller_id, account in state.sellers.items()
            },
            "stats": {
                "requests": dict(state.stats.requests),
                "throttled": dict(state.stats.throttled),
                "faults": dict(state.stats.faults),
                "lwaRequests": state.stats.lwa_requests,
            },
        }
    )


async def add_seller(request: Request) -> Response:
    state = _state(request)
    try:
        body = await _body(request)
        account = state.add_seller(
            body.get("sellerId"),
            marketplace_ids=body.get("marketplaceIds") or ["ATVPDKIKX0DER"],
            roles=body.get("roles") or [],
            refresh_token=body.get("refreshToken"),
            store_name=body.get("storeName"),
            seed=body.get("seed", 0),
        )
    except (SimulatorError, ValueError, KeyError) as exc:
        return _problem(str(exc))
    # The refresh token is handed out on purpose: this is how a demo seller gets connected.
    return json_response({"sellerId": account.seller_id, "refreshToken": account.refresh_token}, 201)


async def generate_orders(request: Request) -> Response:
    state = _state(request)
    try:
        body = await _body(request)
        count = int(body.pop("count", 10))
        seed = body.pop("seed", 0)
        released = bool(body.pop("noPending", False))
        for bound in ("start", "end"):  # ISO 8601 times of the createdTime range
            if isinstance(body.get(bound), str):
                body[bound] = datetime.fromisoformat(body[bound])
        orders = state.generate_orders(request.path_params["seller_id"], count, seed, **_snake(body))
    except (SimulatorError, ValueError, TypeError) as exc:
        return _problem(str(exc))
    if released:  # payment authorised at once: Unshipped from creation (as `--no-pending`)
        for order in orders:
            if not order.preorder:
                order.pending_until = order.created
    return json_response({"orderIds": [o.order_id for o in orders]}, 201)


async def advance_order(request: Request) -> Response:
    state = _state(request)
    try:
        body = await _body(request)
        order = state.advance_order(request.path_params["order_id"], body["status"])
    except (SimulatorError, ValueError, KeyError) as exc:
        return _problem(str(exc))
    return json_response({"orderId": order.order_id, "status": order.status(state.now()).value})


async def request_cancellation(request: Request) -> Response:
    """The buyer asks to cancel an unshipped order (``{"reason": ...}``, default ``NO_LONGER_NEEDED``)."""
    state = _state(request)
    try:
        body = await _body(request)
        order = state.order(request.path_params["order_id"])
        now = state.now()
        if any(s.at <= now for s in order.shipments) or order.is_cancelled(now):
            raise SimulatorError(f"order {order.order_id} has shipped or is cancelled: nothing to ask")
        order.request_cancellation(str(body.get("reason") or "NO_LONGER_NEEDED"), now=now)
    except (SimulatorError, ValueError) as exc:
        return _problem(str(exc))
    return json_response({"orderId": order.order_id, "requestedAt": now.isoformat()})


async def add_fault(request: Request) -> Response:
    state = _state(request)
    try:
        body = await _body(request)
        seller_id = request.path_params.get("seller_id")
        count = body.get("count", 1)
        state.inject_fault(seller_id, body["kind"], None if count is None else int(count), body.get("operation"))
    except (SimulatorError, ValueError, KeyError) as exc:
        return _problem(str(exc))
    return Response(status_code=204)


async def clear_faults(request: Request) -> Response:
    _state(request).faults.clear(request.path_params.get("seller_id"))
    return Response(status_code=204)


async def reauthorize(request: Request) -> Response:
    state = _state(request)
    try:
        token = state.reauthorize(request.path_params["seller_id"])
    except SimulatorError as exc:
        return _problem(str(exc), 404)
    return json_response({"refreshToken": token})


async def shipments(request: Request) -> Response:
    state = _state(request)
    try:
        confirmations = state.shipments(request.path_params["seller_id"])
    except SimulatorError as exc:
        return _problem(str(exc), 404)
    return json_response(
        [
            {
                "at": c.at.isoformat(),
                "orderId": c.order_id,
                "packageReferenceId": c.package_reference_id,
                "carrierCode": c.carrier_code,
                "trackingNumber": c.tracking_number,
                "items": c.items,
            }
            for c in confirmations
        ]
    )


async def feeds(request: Request) -> Response:
    state = _state(request)
    try:
        found = state.seller_feeds(request.path_params["seller_id"])
    except SimulatorError as exc:
        return _problem(str(exc), 404)
    return json_response(
        [
            {
                "feedId": f.feed_id,
                "feedType": f.feed_type,
                "marketplaceIds": f.marketplace_ids,
                "inputDocumentId": f.input_document_id,
                "status": f.status,
                "report": f.report,
            }
            for f in found
        ]
    )


async def advance_clock(request: Request) -> Response:
    state = _state(request)
    try:
        body = await _body(request)
        state.advance(float(body["seconds"]))
    except (SimulatorError, ValueError, KeyError) as exc:
        return _problem(str(exc))
    return json_response({"now": state.now().isoformat()})


def _snake(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
        out[snake] = value
    return out
