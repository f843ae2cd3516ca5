"""Shared set-up of the order-widget browser tests: a Saleor order in the double with outgoing actions stored for
it, and the widget opened on it inside the test host page."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Browser
from sqlalchemy import select

from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.orders.tables import AmazonOrder
from tests.browser.dashboard_page import DashboardPage
from tests.browser.harness import DashboardHost, LiveApp, host_page
from tests.doubles.saleor_double.models import Order as SaleorOrder


async def order_with_actions(
    live: LiveApp, database_url: str, actions: list[dict[str, Any]], amazon_order: dict[str, Any] | None = None
) -> str:
    """A FULFILLED order of the amazon-us channel, imported from the Amazon order its actions name (the widget offers
    Amazon actions only for those; `amazon_order` columns over the defaults), with these actions (columns over the
    defaults)."""
    engine = create_engine(database_url)
    try:
        double = live.saleor.state
        channel = double.channel_by_slug("amazon-us")
        assert channel is not None
        now = datetime.now(UTC).replace(microsecond=0)
        order = SaleorOrder(
            pk=double.new_uuid(), number=double.next_order_number(), channel_pk=channel.pk, status="FULFILLED",
            created=now, updated_at=now, currency="USD",
        )  # fmt: skip
        double.orders[order.pk] = order
        async with create_sessionmaker(engine)() as session, session.begin():
            installation = await get_by_url(session, live.saleor.api_url)
            assert installation is not None
            for columns in actions:
                defaults: dict[str, Any] = {
                    "id": uuid.uuid4(), "installation_id": installation.id, "kind": "confirm_shipment",
                    "connection_id": "conn-na", "saleor_order_id": order.id, "version": 1, "attempts": 1,
                    "created_at": now, "updated_at": now,
                }  # fmt: skip
                session.add(OutgoingAction(**{**defaults, **columns}))
            imported: dict[str, Any] = {
                "installation_id": installation.id, "connection_id": "conn-na",
                "amazon_order_id": actions[0]["amazon_order_id"], "marketplace_id": "ATVPDKIKX0DER",
                "fulfillment_channel": "MFN", "state": "imported", "saleor_order_id": order.id,
            }  # fmt: skip
            session.add(AmazonOrder(**{**imported, **(amazon_order or {})}))
        return order.id
    finally:
        await engine.dispose()


@contextmanager
def open_widget(
    browser: Browser, dashboard_host: tuple[DashboardHost, str], live: LiveApp, order_id: str
) -> Iterator[DashboardPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        host, origin = dashboard_host
        host.html = host_page(live.page_url("/dashboard/widgets/order") + f"&orderId={order_id}",
                              live.token("admin@example.com"))  # fmt: skip
        page.goto(f"{origin}/dashboard/apps/amazon")
        yield DashboardPage(page)
    finally:
        context.close()


async def stored_actions(database_url: str) -> list[OutgoingAction]:
    """The outgoing actions as the app stored them (detached rows)."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)(expire_on_commit=False) as session:
            return list((await session.execute(select(OutgoingAction))).scalars())
    finally:
        await engine.dispose()
