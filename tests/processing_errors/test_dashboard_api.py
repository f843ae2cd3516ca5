"""The processing-errors page's API through ASGI with real dashboard tokens: errors filtered by kind and by a
search over SKU, order id, code and message, in offset pages with a total; and whether the app can e-mail them
(an SMTP server is configured) so the page does not promise an e-mail that never comes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.fulfilment.harness import fulfilment_env
from tests.notifications.smtp_server import smtp_server
from tests.orders.harness import OrdersEnv
from tests.processing_errors.samples import record_sample_errors

PAGE = """query Page($filter: ProcessingErrorFilter, $first: Int!, $offset: Int!) {
  processingErrorPage(filter: $filter, first: $first, offset: $offset) {
    totalCount offset hasMore items { source sku amazonOrderId code message emailed } } }"""
EMAIL = "{ processingErrorEmail { configured digestMinutes } }"


async def gql(env: OrdersEnv, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    # any staff user may read them
    response = await env.env.dashboard_graphql(query, variables, email="eu.manager@example.com")
    body: dict[str, Any] = response.json()
    return body


async def seed(env: OrdersEnv) -> None:
    start = env.clock.now()
    async with env.state.sessionmaker() as session, session.begin():
        await record_sample_errors(
            session, env.installation_id, feeds_from=start, shipment_at=start + timedelta(hours=1)
        )


async def page(env: OrdersEnv, first: int = 25, offset: int = 0, **where: Any) -> dict[str, Any]:
    body = await gql(env, PAGE, {"filter": where or None, "first": first, "offset": offset})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["processingErrorPage"]
    return result


async def test_errors_are_filtered_and_paged(database_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        await seed(env)
        first = await page(env)
        assert (first["totalCount"], first["offset"], first["hasMore"], len(first["items"])) == (31, 0, True, 25)
        assert first["items"][0]["code"] == "InvalidInput"  # newest first
        rest = await page(env, offset=25)
        assert (rest["hasMore"], len(rest["items"])) == (False, 6)
        seen = [i["sku"] for i in first["items"] + rest["items"]]
        assert len(set(seen)) == 31  # no row twice, none left out

        shipments = await page(env, kinds=["shipment"])
        assert [(i["source"], i["amazonOrderId"]) for i in shipments["items"]] == [("shipment", "114-1234567-7654321")]
        assert (await page(env, search="mug-07"))["items"][0]["sku"] == "MUG-07"  # any case
        assert (await page(env, search="1234567"))["totalCount"] == 1  # part of an Amazon order id
        assert (await page(env, search="carrier code"))["totalCount"] == 1  # the message
        assert (await page(env, search="8560", kinds=["feed"]))["totalCount"] == 30  # the code
        assert (await page(env, search="100%"))["totalCount"] == 0  # LIKE wildcards are plain text

        refused = await gql(env, PAGE, {"filter": {"kinds": ["stock"]}, "first": 5, "offset": 0})
        assert "Unknown kind 'stock'" in refused["errors"][0]["message"]


async def test_the_page_learns_whether_errors_can_be_e_mailed(database_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        body = await gql(env, EMAIL)
        assert body["data"]["processingErrorEmail"] == {"configured": False, "digestMinutes": 60}
    with smtp_server() as sink:
        async with fulfilment_env(database_url, tmp_path / "smtp", smtp=sink) as env:
            body = await gql(env, EMAIL)
            assert body["data"]["processingErrorEmail"]["configured"] is True
