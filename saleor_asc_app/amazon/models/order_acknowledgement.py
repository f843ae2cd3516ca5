"""The flat-file order acknowledgement feed (``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA``, Feeds API 2021-06-30):
Amazon's documented way for a seller to cancel orders, one row per order item, and its processing report.

Sources (see ``docs/amazon-cancellations.md``): Amazon's "Order feed type values" page lists the feed ("Cancels
multiple orders at the same time"; columns ``order-id``, ``amazon-order-item-code``, ``cancellation-reason-code``);
the reason codes are those of Amazon's order acknowledgement ``CancelReason``; the processing report of a flat-file
feed is tab-delimited text: a "Feed Processing Summary" (records processed / successful), then one row per problem
with ``original-record-number`` (1 = the first data row), ``error-code``, ``error-type`` (Error / Warning / Fatal)
and ``error-message``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from saleor_asc_app.amazon.models.cancellation import CancelReason

FEED_TYPE = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
CONTENT_TYPE = "text/tab-separated-values; charset=UTF-8"
COLUMNS = ("order-id", "amazon-order-item-code", "cancellation-reason-code")
MAX_ROWS = 5_000  # the app's own cap per feed: a feed stays small and its report quick to read


class FeedCancelReason(enum.StrEnum):
    NO_INVENTORY = "NoInventory"
    SHIPPING_ADDRESS_UNDELIVERABLE = "ShippingAddressUndeliverable"
    CUSTOMER_EXCHANGE = "CustomerExchange"
    BUYER_CANCELED = "BuyerCanceled"
    GENERAL_ADJUSTMENT = "GeneralAdjustment"
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision"
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = "RiskAssessmentInformationNotValid"
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure"
    CUSTOMER_RETURN = "CustomerReturn"
    MERCHANDISE_NOT_RECEIVED = "MerchandiseNotReceived"


# The app's reasons (those of cancelOrder, offered in the widget and the configuration) as feed codes. The feed has
# no pricing-error code: a pricing error is a general adjustment.
FEED_REASON: dict[CancelReason, FeedCancelReason] = {
    CancelReason.NO_INVENTORY: FeedCancelReason.NO_INVENTORY,
    CancelReason.BUYER_CANCELLED: FeedCancelReason.BUYER_CANCELED,
    CancelReason.SHIPPING_ADDRESS_UNDELIVERABLE: FeedCancelReason.SHIPPING_ADDRESS_UNDELIVERABLE,
    CancelReason.CUSTOMER_EXCHANGE: FeedCancelReason.CUSTOMER_EXCHANGE,
    CancelReason.PRICING_ERROR: FeedCancelReason.GENERAL_ADJUSTMENT,
}


@dataclass(frozen=True, slots=True)
class CancellationRow:
    order_id: str
    order_item_id: str
    reason: FeedCancelReason


def _cell(value: str) -> str:
    if any(c in value for c in "\t\r\n"):
        raise ValueError("a flat-file cell cannot hold tabs or line breaks")
    return value


def cancellation_feed(rows: Sequence[CancellationRow]) -> bytes:
    """The feed document: a header line and one line per item; row ``n`` (1-based) is record ``n`` of the report."""
    if not rows:
        raise ValueError("a cancellation feed needs at least one row")
    if len(rows) > MAX_ROWS:
        raise ValueError(f"a cancellation feed holds at most {MAX_ROWS} rows")
    lines = ["\t".join(COLUMNS)]
    lines.extend(f"{_cell(r.order_id)}\t{_cell(r.order_item_id)}\t{r.reason.value}" for r in rows)
    return ("\n".join(lines) + "\n").encode()


@dataclass(frozen=True, slots=True)
class ReportProblem:
    record: int  # 0: the whole file
    code: str
    kind: str  # Error | Warning | Fatal (as Amazon spells it)
    message: str

    @property
    def is_error(self) -> bool:
        return self.kind.strip().lower() in ("error", "fatal")


@dataclass(frozen=True, slots=True)
class FlatFileReport:
    processed: int | None
    successful: int | None
    problems: tuple[ReportProblem, ...]

    def errors_of(self, record: int) -> list[ReportProblem]:
        """The errors that stop a record: its own, and file-level (record 0) fatal ones."""
        return [p for p in self.problems if p.is_error and p.record in (record, 0)]


_COUNT = re.compile(r"number of records (processed|successful)\D*(\d+)", re.IGNORECASE)


def parse_processing_report(text: str) -> FlatFileReport:
    """Read a flat-file processing report. Unknown extra columns are ignored; a report without the problem table
    (all records successful) has no problems."""
    counts: dict[str, int] = {}
    problems: list[ReportProblem] = []
    header: list[str] | None = None
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if header is None:
            match = _COUNT.search(line.replace("\t", " "))
            if match:
                counts[match.group(1).lower()] = int(match.group(2))
                continue
            cells = [c.strip().lower() for c in line.split("\t")]
            if "original-record-number" in cells:
                header = cells
            continue
        if not line.strip():
            continue
        row = dict(zip(header, (c.strip() for c in line.split("\t")), strict=False))
        number = row.get("original-record-number", "")
        problems.append(
            ReportProblem(
                record=int(number) if number.isdigit() else 0,
                code=row.get("error-code", ""),
                kind=row.get("error-type", "Error") or "Error",
                message=row.get("error-message", ""),
            )
        )
    return FlatFileReport(counts.get("processed"), counts.get("successful"), tuple(problems))
