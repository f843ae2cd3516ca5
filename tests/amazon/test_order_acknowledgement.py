"""The order acknowledgement (cancellation) feed document and the flat-file processing report Amazon answers with."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saleor_asc_app.amazon.documents import decode_text
from saleor_asc_app.amazon.models.feeds import ProcessingStatus
from saleor_asc_app.amazon.models.order_acknowledgement import (
    COLUMNS,
    CONTENT_TYPE,
    FEED_TYPE,
    CancellationRow,
    FeedCancelReason,
    cancellation_feed,
    parse_processing_report,
)
from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from tests.amazon.harness import Harness

US = "ATVPDKIKX0DER"
COLUMNS_LINE = "\t".join(COLUMNS)


def test_the_feed_has_the_documented_columns_and_one_line_per_item() -> None:
    document = cancellation_feed(
        [
            CancellationRow("114-1111111-1111111", "11111111111111", FeedCancelReason.NO_INVENTORY),
            CancellationRow("114-1111111-1111111", "22222222222222", FeedCancelReason.NO_INVENTORY),
            CancellationRow("114-2222222-2222222", "33333333333333", FeedCancelReason.BUYER_CANCELED),
        ]
    )
    assert document.decode().splitlines() == [
        "order-id\tamazon-order-item-code\tcancellation-reason-code",
        "114-1111111-1111111\t11111111111111\tNoInventory",
        "114-1111111-1111111\t22222222222222\tNoInventory",
        "114-2222222-2222222\t33333333333333\tBuyerCanceled",
    ]


def test_a_cell_that_would_break_the_file_is_refused() -> None:
    with pytest.raises(ValueError, match="tabs or line breaks"):
        cancellation_feed([CancellationRow("114-1\t2", "1", FeedCancelReason.NO_INVENTORY)])
    with pytest.raises(ValueError, match="at least one row"):
        cancellation_feed([])


def test_the_report_gives_each_record_its_errors_warnings_do_not_stop_a_record() -> None:
    report = parse_processing_report(
        "Feed Processing Summary:\r\n"
        "\tNumber of records processed\t\t3\r\n"
        "\tNumber of records successful\t\t2\r\n"
        "\r\n"
        "original-record-number\tsku\terror-code\terror-type\terror-message\r\n"
        "2\t\t18028\tError\tThe item has shipped.\r\n"
        "3\t\t99001\tWarning\tA remark.\r\n"
    )
    assert (report.processed, report.successful) == (3, 2)
    assert report.errors_of(1) == []
    assert [(p.code, p.message) for p in report.errors_of(2)] == [("18028", "The item has shipped.")]
    assert report.errors_of(3) == []


def test_a_fatal_file_error_stops_every_record_and_a_clean_report_has_no_problems() -> None:
    fatal = parse_processing_report(
        "Feed Processing Summary:\n\tNumber of records processed\t\t0\n\tNumber of records successful\t\t0\n\n"
        "original-record-number\torder-id\tamazon-order-item-code\terror-code\terror-type\terror-message\n"
        "0\t\t\t90001\tFatal\tThe header row is wrong.\n"
    )
    assert [p.message for p in fatal.errors_of(5)] == ["The header row is wrong."]
    clean = parse_processing_report(
        "Feed Processing Summary:\n\tNumber of records processed\t\t2\n\tNumber of records successful\t\t2\n"
    )
    assert (clean.processed, clean.successful, clean.problems) == (2, 2, ())


async def test_the_simulator_applies_valid_rows_and_reports_the_refused_ones(harness: Harness) -> None:
    seller = harness.state.add_seller("ACANCELLER")
    client = harness.client(seller)
    start = harness.clock.now() - timedelta(days=1)
    options = dict(afn_share=0.0, cancel_share=0.0, preorder_share=0.0, mfn_auto_ship_share=0.0,
                   multi_line_share=1.0, start=start, end=start + timedelta(hours=1))  # fmt: skip
    mine, other = harness.state.generate_orders(seller, 2, seed=3, **options)
    for order in (mine, other):
        order.release(start)
    first, second, *_ = mine.quantities
    rows = [
        CancellationRow(mine.order_id, first, FeedCancelReason.NO_INVENTORY),  # 1: applied
        CancellationRow(mine.order_id, "99999999999999", FeedCancelReason.NO_INVENTORY),  # 2: no such item
        CancellationRow("111-0000000-0000000", "1", FeedCancelReason.NO_INVENTORY),  # 3: not the seller's order
        CancellationRow(mine.order_id, first, FeedCancelReason.NO_INVENTORY),  # 4: the same item twice
    ]
    feed_id = await client.submit_cancellation_feed(rows, US)
    await client.wait_for_feed(feed_id, poll_every=30)
    feed, raw = await client.feed_result(feed_id)
    assert feed.processing_status is ProcessingStatus.DONE and raw is not None
    report = parse_processing_report(decode_text(raw))
    assert (report.processed, report.successful) == (4, 1)
    assert report.errors_of(1) == []
    assert [(r, report.errors_of(r)[0].code) for r in (2, 3, 4)] == [
        (2, "ITEM_NOT_FOUND"), (3, "ORDER_NOT_FOUND"), (4, "DUPLICATE_ROW")
    ]  # fmt: skip
    assert set(mine.cancelled_items) == {first} and second not in mine.cancelled_items
    assert mine.status(harness.clock.now()) is FulfillmentStatus.UNSHIPPED  # the other items stay open

    # A file without the documented header is refused as a whole; a reason Amazon does not know, row by row.
    bad_header = await client.submit_feed(FEED_TYPE, [US], b"order\titem\treason\nX\tY\tNoInventory\n", CONTENT_TYPE)
    bad_reason = await client.submit_feed(
        FEED_TYPE, [US], f"{COLUMNS_LINE}\n{other.order_id}\t{next(iter(other.quantities))}\tOutOfStock\n".encode(),
        CONTENT_TYPE,
    )  # fmt: skip
    harness.clock.advance(3600)
    header_report = parse_processing_report(decode_text((await client.feed_result(bad_header))[1] or b""))
    assert [(p.record, p.kind) for p in header_report.problems] == [(0, "Fatal")]
    assert header_report.errors_of(1)[0].code == "HEADER_INVALID"
    reason_report = parse_processing_report(decode_text((await client.feed_result(bad_reason))[1] or b""))
    assert reason_report.errors_of(1)[0].code == "INVALID_REASON"
    assert other.cancelled_items == {}
