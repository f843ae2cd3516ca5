"""The flat-file order acknowledgement feed (``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA``): the seller cancels
order items, one row each, and gets a tab-delimited processing report.

Rules, from Amazon's "Order feed type values" page and the order acknowledgement's cancel reasons: the columns are
``order-id``, ``amazon-order-item-code`` and ``cancellation-reason-code``; only the seller's own merchant-fulfilled,
unshipped items can be cancelled. The report has a "Feed Processing Summary" and one row per refused record
(``original-record-number`` 1 = the first data row; record 0 = the whole file). Amazon publishes no error codes for
this feed: the codes below are the simulator's own names.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from saleor_asc_app.amazon.models.order_acknowledgement import COLUMNS, FeedCancelReason
from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.simulator.orders import SimOrder
from saleor_asc_app.simulator.state import OrderCancellation, SimulatorState
from saleor_asc_app.simulator.submissions import SimFeed

REPORT_COLUMNS = ("original-record-number", "order-id", "amazon-order-item-code", "error-code", "error-type",
                  "error-message")  # fmt: skip
_REASONS = frozenset(r.value for r in FeedCancelReason)


def _report(processed: int, successful: int, problems: list[tuple[int, str, str, str, str, str]]) -> bytes:
    lines = [
        "Feed Processing Summary:",
        f"\tNumber of records processed\t\t{processed}",
        f"\tNumber of records successful\t\t{successful}",
        "",
    ]
    if problems:
        lines.append("\t".join(REPORT_COLUMNS))
        lines.extend("\t".join(str(cell) for cell in problem) for problem in problems)
    return ("\n".join(lines) + "\n").encode()


def process_cancellation_feed(state: SimulatorState, feed: SimFeed, content: bytes, now: datetime) -> bytes:
    """Apply the feed's valid rows and return its processing report."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _report(0, 0, [(0, "", "", "FILE_NOT_READABLE", "Fatal", "The file is not UTF-8 text.")])
    rows = [line.split("\t") for line in text.splitlines() if line.strip()]
    if not rows or tuple(c.strip().lower() for c in rows[0]) != COLUMNS:
        message = f"The header row must be: {', '.join(COLUMNS)}."
        return _report(0, 0, [(0, "", "", "HEADER_INVALID", "Fatal", message)])
    seller = state.sellers[feed.seller_id]
    problems: list[tuple[int, str, str, str, str, str]] = []
    accepted: dict[str, list[tuple[str, str]]] = defaultdict(list)  # order → (item, reason)
    for record, cells in enumerate(rows[1:], start=1):
        order_id, item_id, reason = ([c.strip() for c in cells] + ["", "", ""])[:3]
        problem = _row_problem(seller.orders.get(order_id), feed, cells, order_id, item_id, reason, now)
        if problem is None and any(item == item_id for item, _ in accepted[order_id]):
            problem = ("DUPLICATE_ROW", f"Item {item_id} of order {order_id} appears twice in the file.")
        if problem is not None:
            problems.append((record, order_id, item_id, problem[0], "Error", problem[1]))
        else:
            accepted[order_id].append((item_id, reason))
    for order_id, items in accepted.items():
        seller.orders[order_id].cancel_items(now, [item for item, _ in items], items[0][1])
        for item_id, reason in items:
            state.cancellations.append(
                OrderCancellation(now, seller.seller_id, order_id, reason, order_item_id=item_id, feed_id=feed.feed_id)
            )
    processed = len(rows) - 1
    return _report(processed, processed - len(problems), problems)


def _row_problem(
    order: SimOrder | None, feed: SimFeed, cells: list[str], order_id: str, item_id: str, reason: str, now: datetime
) -> tuple[str, str] | None:
    if len(cells) != len(COLUMNS) or not order_id or not item_id or not reason:
        return "MISSING_VALUE", "Each row needs order-id, amazon-order-item-code and cancellation-reason-code."
    if order is None or order.marketplace_id not in feed.marketplace_ids:
        return "ORDER_NOT_FOUND", f"Order {order_id} was not found in the feed's marketplace."
    if item_id not in order.quantities:
        return "ITEM_NOT_FOUND", f"Order {order_id} has no item {item_id}."
    if reason not in _REASONS:
        return "INVALID_REASON", f"cancellation-reason-code {reason} is not valid."
    if order.fulfilled_by != "MERCHANT":
        return "FULFILLED_BY_AMAZON", "Orders fulfilled by Amazon cannot be cancelled by the seller."
    status = order.status(now)
    if status is FulfillmentStatus.CANCELLED or item_id in order.cancelled_items:
        return "ALREADY_CANCELLED", f"Item {item_id} of order {order_id} is already cancelled."
    if status in (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY):
        return "ORDER_PENDING", f"Order {order_id} is pending; it cannot be cancelled yet."
    if order.shipped(now).get(item_id, 0) > 0:
        return "ITEM_SHIPPED", f"Item {item_id} of order {order_id} has shipped and cannot be cancelled."
    return None
