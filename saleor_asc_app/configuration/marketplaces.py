"""Amazon regions and marketplaces the configuration page offers, with each marketplace's currency.

Source: SP-API "Marketplace IDs" and "SP-API endpoints" documentation. At run time the currency of a
seller's marketplace is confirmed by ``getMarketplaceParticipations``; this table is what the
configuration page validates a channel mapping against before any Amazon call has been made.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Region(enum.StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"


REGION_NAMES = {Region.NA: "North America", Region.EU: "Europe", Region.FE: "Far East"}


@dataclass(frozen=True, slots=True)
class Marketplace:
    id: str
    country_code: str
    country: str
    domain: str
    currency: str
    region: Region


MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("ATVPDKIKX0DER", "US", "United States", "amazon.com", "USD", Region.NA),
    Marketplace("A2EUQ1WTGCTBG2", "CA", "Canada", "amazon.ca", "CAD", Region.NA),
    Marketplace("A1AM78C64UM0Y8", "MX", "Mexico", "amazon.com.mx", "MXN", Region.NA),
    Marketplace("A2Q3Y263D00KWC", "BR", "Brazil", "amazon.com.br", "BRL", Region.NA),
    Marketplace("A1F83G8C2ARO7P", "GB", "United Kingdom", "amazon.co.uk", "GBP", Region.EU),
    Marketplace("A1PA6795UKMFR9", "DE", "Germany", "amazon.de", "EUR", Region.EU),
    Marketplace("A13V1IB3VIYZZH", "FR", "France", "amazon.fr", "EUR", Region.EU),
    Marketplace("APJ6JRA9NG5V4", "IT", "Italy", "amazon.it", "EUR", Region.EU),
    Marketplace("A1RKKUPIHCS9HS", "ES", "Spain", "amazon.es", "EUR", Region.EU),
    Marketplace("A1805IZSGTT6HS", "NL", "Netherlands", "amazon.nl", "EUR", Region.EU),
    Marketplace("AMEN7PMS3EDWL", "BE", "Belgium", "amazon.com.be", "EUR", Region.EU),
    Marketplace("A28R8C7NBKEWEA", "IE", "Ireland", "amazon.ie", "EUR", Region.EU),
    Marketplace("A2NODRKZP88ZB9", "SE", "Sweden", "amazon.se", "SEK", Region.EU),
    Marketplace("A1C3SOZRARQ6R3", "PL", "Poland", "amazon.pl", "PLN", Region.EU),
    Marketplace("A33AVAJ2PDY3EV", "TR", "Turkey", "amazon.com.tr", "TRY", Region.EU),
    Marketplace("A2VIGQ35RCS4UG", "AE", "United Arab Emirates", "amazon.ae", "AED", Region.EU),
    Marketplace("A17E79C6D8DWNP", "SA", "Saudi Arabia", "amazon.sa", "SAR", Region.EU),
    Marketplace("ARBP9OOSHTCHU", "EG", "Egypt", "amazon.eg", "EGP", Region.EU),
    Marketplace("A21TJRUUN4KGV", "IN", "India", "amazon.in", "INR", Region.EU),
    Marketplace("AE08WJ6YKNBMC", "ZA", "South Africa", "amazon.co.za", "ZAR", Region.EU),
    Marketplace("A1VC38T7YXB528", "JP", "Japan", "amazon.co.jp", "JPY", Region.FE),
    Marketplace("A39IBJ37TRP1C6", "AU", "Australia", "amazon.com.au", "AUD", Region.FE),
    Marketplace("A19VAU5U5O7RUS", "SG", "Singapore", "amazon.sg", "SGD", Region.FE),
)

BY_ID: dict[str, Marketplace] = {m.id: m for m in MARKETPLACES}


def label(marketplace_id: str) -> str:
    marketplace = BY_ID.get(marketplace_id)
    return f"{marketplace.domain} ({marketplace.country_code})" if marketplace else marketplace_id
