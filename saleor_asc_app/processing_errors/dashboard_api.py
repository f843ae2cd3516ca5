"""The dashboard API of the “Amazon Seller Central File Processing Errors” page (merged into
``dashboard/schema.py``): the installation's processing errors, newest first. Any staff user may read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from saleor_asc_app.dashboard.permissions import IsStaffUser
from saleor_asc_app.errors import BadRequest
from saleor_asc_app.processing_errors.tables import ErrorSource, ProcessingError

MAX_ERRORS = 500


@strawberry.type
class ProcessingErrorEntry:
    id: strawberry.ID
    source: str  # feed | shipment | import
    reference: str
    sku: str | None
    amazon_order_id: str | None
    code: str
    message: str
    created_at: datetime
    emailed: bool


async def resolve_processing_errors(
    info: Info[Any, Any], first: int = 100, kind: str | None = None
) -> list[ProcessingErrorEntry]:
    ctx = info.context
    statement = select(ProcessingError).where(ProcessingError.installation_id == ctx.installation_id)
    if kind is not None:  # ("source" would clash with strawberry's resolver arguments)
        try:
            source = ErrorSource(kind)
        except ValueError:
            choices = ", ".join(e.value for e in ErrorSource)
            raise BadRequest(f"Unknown kind {kind!r}; use one of {choices}.") from None
        statement = statement.where(ProcessingError.source == source.value)
    statement = statement.order_by(ProcessingError.created_at.desc()).limit(max(1, min(first, MAX_ERRORS)))
    async with ctx.sessionmaker() as session:
        rows = list((await session.execute(statement)).scalars())
    return [
        ProcessingErrorEntry(
            id=strawberry.ID(str(row.id)),
            source=row.source,
            reference=row.reference,
            sku=row.sku,
            amazon_order_id=row.amazon_order_id,
            code=row.code,
            message=row.message,
            created_at=row.created_at,
            emailed=row.digest_id is not None,
        )
        for row in rows
    ]


@strawberry.type
class ProcessingErrorsQuery:
    processing_errors: list[ProcessingErrorEntry] = strawberry.field(
        resolver=resolve_processing_errors,
        permission_classes=[IsStaffUser],
        description="Amazon Seller Central file processing errors (feeds, shipments, imports), newest first.",
    )
