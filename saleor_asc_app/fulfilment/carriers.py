"""Amazon carrier codes the app knows, with the tracking-number formats of those carriers.

Codes are spelled as Amazon's ``CarrierCode`` values; the formats are the carriers' published number patterns,
simplified to what a pre-flight check needs (spaces are ignored, letters compared in upper case).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from saleor_asc_app.configuration.model import CarrierMapping

OTHER = "Other"


@dataclass(frozen=True)
class Carrier:
    code: str
    formats: tuple[str, ...]  # full-match regular expressions on the normalised number

    def fits(self, tracking_number: str) -> bool:
        number = normalise(tracking_number)
        return any(re.fullmatch(pattern, number) for pattern in self.formats)


_UPU = r"[A-Z]{2}\d{9}[A-Z]{2}"  # Universal Postal Union S10 numbers, e.g. RR123456785GB

CARRIERS: dict[str, Carrier] = {
    c.code: c
    for c in (
        Carrier("UPS", (r"1Z[0-9A-Z]{16}", r"T\d{10}", r"\d{9}", r"\d{26}")),
        Carrier("USPS", (r"9[1-5]\d{20}", r"9[1-5]\d{24}", r"\d{20}", r"\d{22}", _UPU)),
        Carrier("FedEx", (r"\d{12}", r"\d{15}", r"\d{20}", r"\d{22}", r"\d{34}")),
        Carrier("DHL", (r"\d{10}", r"\d{11}", r"JJD\d{16,20}", r"\d{12,20}", _UPU)),
        Carrier("DHL eCommerce", (r"GM\d{16,22}", r"\d{16,22}", r"[A-Z0-9]{10,34}")),
        Carrier("Royal Mail", (r"[A-Z]{2}\d{9}GB",)),
        Carrier("Parcelforce", (r"[A-Z]{2}\d{7}", r"[A-Z]{2}\d{9}GB", r"[A-Z]{4}\d{10}")),
        Carrier("DPD", (r"\d{14}", r"\d{10}")),
        Carrier("Hermes", (r"[A-Z0-9]{16}", r"\d{14}")),
        Carrier("Evri", (r"[A-Z0-9]{16}", r"\d{14}")),
        Carrier("GLS", (r"\d{11,12}", r"[A-Z0-9]{8}")),
        Carrier("Deutsche Post", (r"[A-Z]{2}\d{9}DE", r"[0-9A-F]{20,22}")),
        Carrier("Canada Post", (r"\d{16}", r"[A-Z]{2}\d{9}CA")),
        Carrier("Yamato Transport", (r"\d{12}",)),
        Carrier("Sagawa Express", (r"\d{12}",)),
        Carrier("Japan Post", (r"\d{11,13}", r"[A-Z]{2}\d{9}JP")),
        Carrier("Amazon Shipping", (r"TBA\d{12}", r"[A-Z0-9]{10,20}")),
    )
}


def normalise(tracking_number: str) -> str:
    return re.sub(r"[\s-]", "", tracking_number).upper()


@dataclass(frozen=True)
class CarrierChoice:
    code: str
    name: str | None  # required by Amazon when code is "Other"
    shipping_method: str | None


@dataclass(frozen=True)
class CarrierProblem:
    reason: str


def choose_carrier(
    mappings: Sequence[CarrierMapping], method_id: str | None, method_name: str | None
) -> CarrierChoice | CarrierProblem:
    """The carrier for a Saleor shipping method: its mapping, else "Other" with the method's name as carrier."""
    mapping = next((m for m in mappings if m.shipping_method in {method_id, method_name} and m.shipping_method), None)
    if mapping is None:
        if not method_name:
            return CarrierProblem(
                "The order has no shipping method to take a carrier from: map one to an Amazon carrier on the "
                "configuration page."
            )
        return CarrierChoice(OTHER, method_name, method_name)
    if mapping.carrier_code == OTHER:
        name = mapping.carrier_name or method_name
        if not name:
            return CarrierProblem('Carrier "Other" needs a carrier name: set it in the carrier mapping.')
        return CarrierChoice(OTHER, name, method_name)
    if mapping.carrier_code not in CARRIERS:
        return CarrierProblem(
            f'The shipping method "{method_name or method_id}" is mapped to the unknown carrier code '
            f'"{mapping.carrier_code}": choose an Amazon carrier code or "Other" on the configuration page.'
        )
    return CarrierChoice(mapping.carrier_code, mapping.carrier_name, method_name)


def tracking_problem(choice: CarrierChoice, tracking_number: str) -> str | None:
    """Why the tracking number cannot be sent for this carrier, or None when it fits."""
    if not normalise(tracking_number):
        return "Amazon requires a tracking number: add one to the fulfilment in Saleor."
    carrier = CARRIERS.get(choice.code)
    if carrier is not None and not carrier.fits(tracking_number):
        return f'The tracking number "{tracking_number}" does not fit the format of {carrier.code} tracking numbers.'
    return None
