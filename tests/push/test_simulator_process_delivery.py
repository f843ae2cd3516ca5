"""The simulator as its own server delivers notifications by itself (``create_simulator_app(...,
deliver_notifications=True)``, what ``saleor-asc-app simulator --sqs-endpoint`` runs): a new subscription hears of
changes from then on, not of the orders that already existed."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx

from saleor_asc_app.simulator import SimulatorState, create_simulator_app
from tests.push.sqs_server import REGION, SqsServer, create_queue


async def test_simulator_app_delivers_order_changes_to_the_queue(sqs_server: SqsServer) -> None:
    from aiobotocore.session import get_session

    queue = await create_queue(sqs_server.endpoint)
    state = SimulatorState()
    seller = state.add_seller("ADELIVERYSELLER", marketplace_ids=["ATVPDKIKX0DER"], seed=1)
    existing = state.generate_orders(seller, 3, seed=1)
    state.notifications.sqs_endpoint_url = sqs_server.endpoint
    app = create_simulator_app(state, deliver_notifications=True)
    grantless = state.issue_access_token(scope="sellingpartnerapi::notifications").token
    seller_token = state.issue_access_token(seller_id=seller.seller_id).token
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://sellingpartnerapi-na.amazon.com"
        ) as client,
    ):
        made = await client.post(
            "/notifications/v1/destinations",
            json={"name": "app", "resourceSpecification": {"sqs": {"arn": queue.arn}}},
            headers={"x-amz-access-token": grantless},
        )
        assert made.status_code == 200, made.text
        refused = await client.post(
            "/notifications/v1/destinations",
            json={"name": "app", "resourceSpecification": {"sqs": {"arn": queue.arn}}},
            headers={"x-amz-access-token": seller_token},
        )
        assert refused.status_code == 403  # grantless operations want a grantless token
        subscribed = await client.post(
            "/notifications/v1/subscriptions/ORDER_CHANGE",
            json={"payloadVersion": "1.0", "destinationId": made.json()["payload"]["destinationId"]},
            headers={"x-amz-access-token": seller_token},
        )
        assert subscribed.status_code == 200, subscribed.text
        now = state.now()
        (new,) = state.generate_orders(seller, 1, seed=2, start=now - timedelta(minutes=1), end=now)
        await asyncio.sleep(1.0)
    async with get_session().create_client("sqs", region_name=REGION, endpoint_url=sqs_server.endpoint) as sqs:
        answer = await sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    bodies = [json.loads(m["Body"]) for m in answer.get("Messages", [])]
    assert [b["Payload"]["OrderChangeNotification"]["AmazonOrderId"] for b in bodies] == [new.order_id]
    assert new.order_id not in {o.order_id for o in existing}
