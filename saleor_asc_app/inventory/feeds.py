"""Building JSON_LISTINGS_FEED quantity patches (at most 25,000 messages per feed).

Each message `merge`s the merchant-fulfilled (DEFAULT) entry of `fulfillment_availability` with the new quantity:
unlike `replace`, the seller's handling time (`lead_time_to_ship_max_days`) and `restock_date` stay as they are
(docs/amazon-listings.md)."""

from __future__ import annotations

from collections.abc import Sequence

from saleor_asc_app.amazon.models.feeds import ListingsFeed, ListingsFeedHeader, ListingsFeedMessage
from saleor_asc_app.amazon.models.listings import fulfillment_quantity_patch

MAX_MESSAGES = 25_000
# A PATCH of offer attributes only; "PRODUCT" is the generic product type Amazon accepts for offer-only listings.
PRODUCT_TYPE = "PRODUCT"


def quantity_feed(seller_id: str, quantities: Sequence[tuple[str, int]]) -> ListingsFeed:
    """One PATCH per SKU; message ids are positions (1-based), which the processing report refers back to."""
    if len(quantities) > MAX_MESSAGES:
        raise ValueError(f"a listings feed holds at most {MAX_MESSAGES} messages")
    return ListingsFeed(
        header=ListingsFeedHeader(seller_id=seller_id),
        messages=[
            ListingsFeedMessage(
                message_id=index,
                sku=sku,
                operation_type="PATCH",
                product_type=PRODUCT_TYPE,
                patches=[fulfillment_quantity_patch(quantity)],
            )
            for index, (sku, quantity) in enumerate(quantities, start=1)
        ],
    )


def chunks(items: Sequence[tuple[str, int]], size: int = MAX_MESSAGES) -> list[list[tuple[str, int]]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
