"""Amazon SP-API client: LWA, regions and marketplaces, rate limiting, operations, models, errors."""

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.credentials import LwaAppCredentials, SellerCredentials
from saleor_asc_app.amazon.lwa import LwaClient, LwaTokenGrant
from saleor_asc_app.amazon.ratelimit import RateLimiter
from saleor_asc_app.amazon.regions import LWA_TOKEN_URL, MARKETPLACES, Marketplace, Region, marketplace
from saleor_asc_app.amazon.retry import RetryPolicy

__all__ = [
    "LWA_TOKEN_URL",
    "MARKETPLACES",
    "LwaAppCredentials",
    "LwaClient",
    "LwaTokenGrant",
    "Marketplace",
    "RateLimiter",
    "Region",
    "RetryPolicy",
    "SellerCredentials",
    "SpApiClient",
    "marketplace",
]
