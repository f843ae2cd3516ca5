"""Sellers API getMarketplaceParticipations."""

from __future__ import annotations

from starlette.responses import Response

from saleor_asc_app.amazon.regions import marketplace
from saleor_asc_app.simulator.http import Call, json_response


async def get_marketplace_participations(call: Call) -> Response:
    payload = []
    for marketplace_id in call.seller.marketplace_ids:
        market = marketplace(marketplace_id)
        payload.append(
            {
                "marketplace": {
                    "id": market.id,
                    "name": market.name,
                    "countryCode": market.country_code,
                    "defaultCurrencyCode": market.currency,
                    "defaultLanguageCode": market.language,
                    "domainName": f"www.{market.domain}",
                },
                "participation": {"isParticipating": True, "hasSuspendedListings": False},
                "storeName": call.seller.store_name,
            }
        )
    return json_response({"payload": payload})
