"""Sellers API v1 `getMarketplaceParticipations` (`sellers.json`)."""

from __future__ import annotations

from saleor_asc_app.amazon.models.common import ApiModel, Error


class ParticipationMarketplace(ApiModel):
    id: str
    name: str
    country_code: str
    default_currency_code: str
    default_language_code: str
    domain_name: str


class Participation(ApiModel):
    is_participating: bool
    has_suspended_listings: bool


class MarketplaceParticipation(ApiModel):
    marketplace: ParticipationMarketplace
    participation: Participation
    store_name: str


class GetMarketplaceParticipationsResponse(ApiModel):
    payload: list[MarketplaceParticipation] | None = None
    errors: list[Error] | None = None
