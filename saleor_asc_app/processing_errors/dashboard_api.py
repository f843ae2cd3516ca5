"""The dashboard API of the “Amazon Seller Central File Processing Errors” page (merged into
``dashboard/schema.py``): the installation's processing errors, newest first, filtered and in pages as the order
inbox has them, and whether the app can e-mail them at all. Any staff user may read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Select, func, or_, select
from strawberry.types import Info

from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.dashboard.permissions import IsStaffUser
from saleor_asc_app.errors import BadRequest
from saleor_asc_app.processing_errors.tables import ErrorSource, ProcessingError

MAX_ERRORS = 500
MAX_PAGE = 200
MAX_SEARCH = 100


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


def _entry(row: ProcessingError) -> ProcessingErrorEntry:
    return ProcessingErrorEntry(
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


def _source(kind: str) -> ErrorSource:
    try:
        return ErrorSource(kind)
    except ValueError:
        choices = ", ".join(e.value for e in ErrorSource)
        raise BadRequest(f"Unknown kind {kind!r}; use one of {choices}.") from None


@strawberry.type
class ProcessingErrorPage:
    items: list[ProcessingErrorEntry]
    total_count: int
    offset: int
    has_more: bool


@strawberry.input
class ProcessingErrorFilter:
    kinds: list[str] | None = strawberry.field(default=None, description="feed, shipment, cancellation, import.")
    search: str | None = strawberry.field(
        default=None, description="Part of a SKU, Amazon order id, reference, code or message."
    )


@strawberry.type
class ProcessingErrorEmail:
    """Whether the digest can go out: without an SMTP server the errors are listed here only."""

    configured: bool
    digest_minutes: int


async def resolve_processing_error_page(
    info: Info[Any, Any], first: int = 25, offset: int = 0, filter: ProcessingErrorFilter | None = None
) -> ProcessingErrorPage:
    ctx = info.context
    conditions = [ProcessingError.installation_id == ctx.installation_id]
    if filter is not None and filter.kinds:
        conditions.append(ProcessingError.source.in_([_source(k).value for k in filter.kinds]))
    search = (filter.search or "").strip() if filter is not None else ""
    if len(search) > MAX_SEARCH:
        raise BadRequest(f"The search is at most {MAX_SEARCH} characters.")
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = (
            ProcessingError.sku,
            ProcessingError.amazon_order_id,
            ProcessingError.reference,
            ProcessingError.code,
            ProcessingError.message,
        )
        conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    first = max(1, min(first, MAX_PAGE))
    offset = max(0, offset)
    rows_query: Select[ProcessingError] = (
        select(ProcessingError)
        .where(*conditions)
        .order_by(ProcessingError.created_at.desc(), ProcessingError.id)
        .offset(offset)
        .limit(first)
    )
    async with ctx.sessionmaker() as session:
        total = int(await session.scalar(select(func.count()).select_from(ProcessingError).where(*conditions)) or 0)
        rows = list((await session.execute(rows_query)).scalars())
    return ProcessingErrorPage(
        items=[_entry(row) for row in rows], total_count=total, offset=offset, has_more=offset + len(rows) < total
    )


async def resolve_processing_error_email(info: Info[Any, Any]) -> ProcessingErrorEmail:
    ctx = info.context
    async with ctx.sessionmaker() as session:
        config = (await load_configuration(session, ctx, ctx.installation_id)).config
    return ProcessingErrorEmail(
        configured=bool(ctx.settings.smtp_host),
        digest_minutes=max(1, config.notifications.processing_error_digest_minutes),
    )


async def resolve_processing_errors(
    info: Info[Any, Any], first: int = 100, kind: str | None = None
) -> list[ProcessingErrorEntry]:
    ctx = info.context
    statement = select(ProcessingError).where(ProcessingError.installation_id == ctx.installation_id)
    if kind is not None:  # ("source" would clash with strawberry's resolver arguments)
        statement = statement.where(ProcessingError.source == _source(kind).value)
    statement = statement.order_by(ProcessingError.created_at.desc()).limit(max(1, min(first, MAX_ERRORS)))
    async with ctx.sessionmaker() as session:
        rows = list((await session.execute(statement)).scalars())
    return [_entry(row) for row in rows]


@strawberry.type
class ProcessingErrorsQuery:
    processing_errors: list[ProcessingErrorEntry] = strawberry.field(
        resolver=resolve_processing_errors,
        permission_classes=[IsStaffUser],
        description="Amazon Seller Central file processing errors (feeds, shipments, imports), newest first.",
    )
    processing_error_page: ProcessingErrorPage = strawberry.field(
        resolver=resolve_processing_error_page,
        permission_classes=[IsStaffUser],
        description="Processing errors newest first, filtered, one page at a time (offset paging).",
    )
    processing_error_email: ProcessingErrorEmail = strawberry.field(
        resolver=resolve_processing_error_email,
        permission_classes=[IsStaffUser],
        description="Whether processing errors are e-mailed (the app has an SMTP server) and how often.",
    )
