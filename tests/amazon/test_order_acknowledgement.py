"""The order acknowledgement (cancellation) feed document and the flat-file processing report Amazon answers with."""

from __future__ import annotations

import pytest

from saleor_asc_app.amazon.models.order_acknowledgement import (
    CancellationRow,
    FeedCancelReason,
    cancellation_feed,
    parse_processing_report,
)


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
