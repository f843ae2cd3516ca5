from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saleor_asc_app.pii.retention import RetentionFacts, combine, facts_from_order, provisional
from saleor_asc_app.pii.tables import RetentionBasis
from tests.pii.amazon_orders import order

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_undelivered_orders_keep_data_until_30_days_after_amazons_latest_delivery_date() -> None:
    facts = facts_from_order(
        order("111-0000001-0000001", tag=None, created=T0, deliver_by=T0 + 6 * DAY), observed_at=T0
    )
    assert facts == RetentionFacts(RetentionBasis.LATEST_DELIVERY, T0 + 6 * DAY)
    assert facts.purge_at == T0 + 36 * DAY


def test_delivered_orders_count_from_the_update_that_reported_delivery() -> None:
    delivered = order(
        "111-0000001-0000002",
        tag=None,
        created=T0,
        updated=T0 + 3 * DAY,
        status="SHIPPED",
        deliver_by=T0 + 6 * DAY,
        delivered=True,
    )
    facts = facts_from_order(delivered, observed_at=T0 + 4 * DAY)
    assert facts == RetentionFacts(RetentionBasis.DELIVERED, T0 + 3 * DAY)
    assert facts.purge_at == T0 + 33 * DAY
    # Shipped but not delivered yet: the latest delivery date still rules.
    shipped = order("111-0000001-0000003", tag=None, created=T0, status="SHIPPED", deliver_by=T0 + 6 * DAY)
    assert facts_from_order(shipped, observed_at=T0).basis is RetentionBasis.LATEST_DELIVERY  # type: ignore[union-attr]


def test_cancelled_orders_purge_at_once_and_unknown_dates_give_no_facts() -> None:
    cancelled = order("111-0000001-0000004", tag=None, created=T0, updated=T0 + DAY, status="CANCELLED")
    facts = facts_from_order(cancelled, observed_at=T0 + 2 * DAY)
    assert facts == RetentionFacts(RetentionBasis.CANCELLED, T0 + DAY) and facts.purge_at == T0 + DAY
    assert facts_from_order(order("111-0000001-0000005", tag=None, created=T0), observed_at=T0) is None
    assert provisional(T0).purge_at == T0 + 30 * DAY


def test_combining_facts_never_extends_a_final_date() -> None:
    delivered = RetentionFacts(RetentionBasis.DELIVERED, T0 + 3 * DAY)
    later_update = RetentionFacts(RetentionBasis.DELIVERED, T0 + 20 * DAY)  # e.g. a refund touched the order
    assert combine(delivered, later_update) == delivered
    assert combine(delivered, RetentionFacts(RetentionBasis.DELIVERED, T0 + DAY)).anchor == T0 + DAY
    cancelled = RetentionFacts(RetentionBasis.CANCELLED, T0)
    assert combine(cancelled, delivered) == cancelled
    assert combine(delivered, cancelled) == cancelled
    latest = RetentionFacts(RetentionBasis.LATEST_DELIVERY, T0 + 6 * DAY)
    assert combine(provisional(T0), latest) == latest
    assert combine(latest, provisional(T0 + DAY)) == latest
    assert combine(latest, delivered) == delivered
