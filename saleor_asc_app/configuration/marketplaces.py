"""The marketplace table as the configuration page uses it: a view of ``saleor_asc_app.amazon.regions``.

At run time the currency of a seller's marketplace is confirmed by ``getMarketplaceParticipations``; this table is
what the configuration page validates a channel mapping against before any Amazon call has been made.
"""

from __future__ import annotations

from saleor_asc_app.amazon.regions import MARKETPLACES, Marketplace, Region

__all__ = ["BY_ID", "MARKETPLACES", "REGION_NAMES", "Marketplace", "Region", "label"]

REGION_NAMES = {Region.NA: "North America", Region.EU: "Europe", Region.FE: "Far East"}

BY_ID: dict[str, Marketplace] = {m.id: m for m in MARKETPLACES}


def label(marketplace_id: str) -> str:
    marketplace = BY_ID.get(marketplace_id)
    return f"{marketplace.domain} ({marketplace.country_code})" if marketplace else marketplace_id
