"""SP-API regions (endpoints) and the marketplaces each one serves.

Sources: docs /docs/sp-api-endpoints and /docs/marketplace-ids (summarised in docs/amazon.md).
Seller Central hosts follow Amazon's "Seller Central URLs" table (docs /docs/seller-central-urls); at run
time prefer the currency reported by Sellers getMarketplaceParticipations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"

    @property
    def endpoint(self) -> str:
        return _ENDPOINTS[self][0]

    @property
    def sandbox_endpoint(self) -> str:
        return _ENDPOINTS[self][1]

    @property
    def aws_region(self) -> str:
        return _ENDPOINTS[self][2]


_ENDPOINTS: dict[Region, tuple[str, str, str]] = {
    Region.NA: (
        "https://sellingpartnerapi-na.amazon.com",
        "https://sandbox.sellingpartnerapi-na.amazon.com",
        "us-east-1",
    ),
    Region.EU: (
        "https://sellingpartnerapi-eu.amazon.com",
        "https://sandbox.sellingpartnerapi-eu.amazon.com",
        "eu-west-1",
    ),
    Region.FE: (
        "https://sellingpartnerapi-fe.amazon.com",
        "https://sandbox.sellingpartnerapi-fe.amazon.com",
        "us-west-2",
    ),
}


@dataclass(frozen=True, slots=True)
class Marketplace:
    id: str
    code: str  # Amazon's country code; "UK" where ISO says "GB"
    country_code: str  # ISO 3166-1 alpha-2
    country: str
    currency: str  # default currency (ISO 4217)
    region: Region
    seller_central_host: str  # host of the OAuth consent page
    domain: str  # retail site, e.g. "amazon.co.uk"
    language: str  # default language code, e.g. "en_GB"

    @property
    def name(self) -> str:
        """Amazon's marketplace name, e.g. "Amazon.co.uk"."""
        return "A" + self.domain[1:]

    @property
    def consent_url(self) -> str:
        return f"https://{self.seller_central_host}/apps/authorize/consent"


# id, Amazon code, ISO country, currency, region, Seller Central host ("EU" = sellercentral-europe),
# retail domain, default language, country name.
_TABLE = """
ATVPDKIKX0DER   US US USD NA sellercentral.amazon.com        amazon.com    en_US United States
A2EUQ1WTGCTBG2  CA CA CAD NA sellercentral.amazon.ca         amazon.ca     en_CA Canada
A1AM78C64UM0Y8  MX MX MXN NA sellercentral.amazon.com.mx     amazon.com.mx es_MX Mexico
A2Q3Y263D00KWC  BR BR BRL NA sellercentral.amazon.com.br     amazon.com.br pt_BR Brazil
A1F83G8C2ARO7P  UK GB GBP EU EU                              amazon.co.uk  en_GB United Kingdom
A1PA6795UKMFR9  DE DE EUR EU EU                              amazon.de     de_DE Germany
A13V1IB3VIYZZH  FR FR EUR EU EU                              amazon.fr     fr_FR France
APJ6JRA9NG5V4   IT IT EUR EU EU                              amazon.it     it_IT Italy
A1RKKUPIHCS9HS  ES ES EUR EU EU                              amazon.es     es_ES Spain
A1805IZSGTT6HS  NL NL EUR EU sellercentral.amazon.nl         amazon.nl     nl_NL Netherlands
AMEN7PMS3EDWL   BE BE EUR EU sellercentral.amazon.com.be     amazon.com.be fr_BE Belgium
A28R8C7NBKEWEA  IE IE EUR EU sellercentral.amazon.ie         amazon.ie     en_IE Ireland
A2NODRKZP88ZB9  SE SE SEK EU sellercentral.amazon.se         amazon.se     sv_SE Sweden
A1C3SOZRARQ6R3  PL PL PLN EU sellercentral.amazon.pl         amazon.pl     pl_PL Poland
A33AVAJ2PDY3EV  TR TR TRY EU sellercentral.amazon.com.tr     amazon.com.tr tr_TR Turkey
A2VIGQ35RCS4UG  AE AE AED EU sellercentral.amazon.ae         amazon.ae     en_AE United Arab Emirates
A17E79C6D8DWNP  SA SA SAR EU sellercentral.amazon.sa         amazon.sa     ar_SA Saudi Arabia
ARBP9OOSHTCHU   EG EG EGP EU sellercentral.amazon.eg         amazon.eg     ar_EG Egypt
A21TJRUUN4KGV   IN IN INR EU sellercentral.amazon.in         amazon.in     en_IN India
AE08WJ6YKNBMC   ZA ZA ZAR EU sellercentral.amazon.co.za      amazon.co.za  en_ZA South Africa
A1VC38T7YXB528  JP JP JPY FE sellercentral.amazon.co.jp      amazon.co.jp  ja_JP Japan
A39IBJ37TRP1C6  AU AU AUD FE sellercentral.amazon.com.au     amazon.com.au en_AU Australia
A19VAU5U5O7RUS  SG SG SGD FE sellercentral.amazon.sg         amazon.sg     en_SG Singapore
"""


def _parse_table(table: str) -> tuple[Marketplace, ...]:
    rows = []
    for line in table.strip().splitlines():
        id_, code, iso, currency, region, host, domain, lang, country = line.split(maxsplit=8)
        host = "sellercentral-europe.amazon.com" if host == "EU" else host
        rows.append(Marketplace(id_, code, iso, country, currency, Region(region), host, domain, lang))
    return tuple(rows)


MARKETPLACES: tuple[Marketplace, ...] = _parse_table(_TABLE)

_BY_ID = {m.id: m for m in MARKETPLACES}
_BY_CODE = {m.code: m for m in MARKETPLACES} | {m.country_code: m for m in MARKETPLACES}

# Decimal places of each currency's minor unit (ISO 4217); JPY has none.
CURRENCY_EXPONENTS: dict[str, int] = {m.currency: 2 for m in MARKETPLACES} | {"JPY": 0}


class UnknownMarketplace(KeyError):
    pass


def marketplace(id_or_code: str) -> Marketplace:
    """Look a marketplace up by its id ("A1F83G8C2ARO7P") or country code ("UK" or "GB")."""
    found = _BY_ID.get(id_or_code) or _BY_CODE.get(id_or_code.upper())
    if found is None:
        raise UnknownMarketplace(id_or_code)
    return found


def marketplaces_in(region: Region) -> tuple[Marketplace, ...]:
    return tuple(m for m in MARKETPLACES if m.region is region)


def currency_exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS.get(currency, 2)
