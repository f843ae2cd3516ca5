"""Notifications API v1: destinations (grantless) and the seller's subscriptions, as ``notifications.json`` has
them. The notifications themselves are sent by ``simulator/notifications.py``."""

from __future__ import annotations

from starlette.responses import Response

from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response
from saleor_asc_app.simulator.notifications import (
    FEED_PROCESSING_FINISHED,
    ORDER_CHANGE,
    REPORT_PROCESSING_FINISHED,
)

# The notification types the simulator sends; Amazon knows more, the simulator refuses what it cannot send.
SUPPORTED_TYPES = (ORDER_CHANGE, FEED_PROCESSING_FINISHED, REPORT_PROCESSING_FINISHED)


def _type(call: Call) -> str:
    notification_type = str(call.request.path_params["notificationType"])
    if notification_type not in SUPPORTED_TYPES:
        raise invalid(f"Notification type {notification_type} is not supported by the simulator.")
    return notification_type


async def get_destinations(call: Call) -> Response:
    center = call.state.notifications
    return json_response({"payload": [d.wire() for d in center.destinations.values()]})


async def create_destination(call: Call) -> Response:
    body = call.body
    sqs = (body.get("resourceSpecification") or {}).get("sqs")
    if not sqs:
        raise invalid("Only SQS destinations are supported by the simulator.")
    destination = call.state.notifications.create_destination(body["name"], sqs["arn"])
    if destination is None:
        raise SimError(409, "Conflict", "A destination for this resource already exists.")
    return json_response({"payload": destination.wire()})


async def get_subscription(call: Call) -> Response:
    subscription = call.state.notifications.subscription(call.seller.seller_id, _type(call))
    if subscription is None:
        raise SimError(404, "NotFound", "The subscription was not found.")
    return json_response({"payload": subscription.wire()})


async def create_subscription(call: Call) -> Response:
    notification_type = _type(call)
    center = call.state.notifications
    body = call.body
    if body["destinationId"] not in center.destinations:
        raise invalid("The destination does not exist.", body["destinationId"])
    directive = body.get("processingDirective")
    if directive:
        event_filter = directive.get("eventFilter") or {}
        if event_filter and event_filter.get("eventFilterType") != notification_type:
            raise invalid(f"eventFilterType must be {notification_type} for this notification type.")
        if event_filter.get("orderChangeTypes") and notification_type != ORDER_CHANGE:
            raise invalid("orderChangeTypes only applies to ORDER_CHANGE.")
    if center.subscription(call.seller.seller_id, notification_type) is not None:
        raise SimError(409, "Conflict", "A subscription for this notification type already exists.")
    subscription = center.subscribe(
        call.seller.seller_id, notification_type, body["payloadVersion"], body["destinationId"], directive
    )
    if notification_type == ORDER_CHANGE:
        center.baseline(call.seller.orders.values(), call.now)
    return json_response({"payload": subscription.wire()})


async def delete_subscription_by_id(call: Call) -> Response:
    notification_type = _type(call)
    center = call.state.notifications
    subscription_id = str(call.request.path_params["subscriptionId"])
    subscription = center.subscriptions.get(subscription_id)
    if subscription is None or subscription.notification_type != notification_type:
        raise SimError(404, "NotFound", "The subscription was not found.")
    del center.subscriptions[subscription_id]
    return json_response({})
