"""Processing errors as the app records them, for the page's API and browser tests: thirty stock-feed issues (one
a minute from ``feeds_from``, SKUs MUG-00 … MUG-29) and one refused shipment confirmation at ``shipment_at``."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource

SHIPMENT_ORDER_ID = "114-1234567-7654321"


async def record_sample_errors(
    session: AsyncSession, installation_id: uuid.UUID, *, feeds_from: datetime, shipment_at: datetime
) -> None:
    for i in range(30):
        await record_error(
            session, installation_id, source=ErrorSource.FEED, reference=f"feed-{i}", code="8560",
            message=f"SKU MUG-{i:02d} does not exist in the Amazon catalogue.", dedupe_key=f"feed:{i}",
            now=feeds_from + timedelta(minutes=i), sku=f"MUG-{i:02d}",
        )  # fmt: skip
    await record_error(
        session, installation_id, source=ErrorSource.SHIPMENT, reference="action-1", code="InvalidInput",
        message="Carrier code is invalid.", dedupe_key="ship:1", now=shipment_at, amazon_order_id=SHIPMENT_ORDER_ID,
    )  # fmt: skip
