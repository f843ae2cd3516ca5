from __future__ import annotations

import pytest

from saleor_asc_app.saleor.subscriptions import UnknownSubscription, load_subscription, subscription_events
from tests.contracts import REPO_ROOT


def test_loads_the_file_for_an_event_name_in_either_case() -> None:
    text = (REPO_ROOT / "webhooks" / "subscriptions" / "order_bulk_created.graphql").read_text()
    metadata = (REPO_ROOT / "webhooks" / "subscriptions" / "fragments" / "event_metadata.graphql").read_text()
    assert load_subscription("ORDER_BULK_CREATED") == f"{text}\n{metadata}"  # with the shared fragment it spreads
    assert load_subscription("order_bulk_created") == f"{text}\n{metadata}"
    assert "subscription OrderBulkCreated" in text


def test_lists_every_event_with_a_document() -> None:
    assert subscription_events() == sorted(
        p.stem.upper() for p in (REPO_ROOT / "webhooks" / "subscriptions").glob("*.graphql")
    )
    assert "FULFILLMENT_CANCELED" in subscription_events()


@pytest.mark.parametrize("name", ["ORDER_CREATED", "../pyproject", "order_bulk_created/../../x", ""])
def test_unknown_or_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UnknownSubscription):
        load_subscription(name)
