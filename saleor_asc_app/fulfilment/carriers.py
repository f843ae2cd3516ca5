"""Amazon carrier codes the app knows, with the tracking-number formats of those carriers, and the choice of the
carrier a shipment confirmation names.

Codes are spelled as Amazon's ``CarrierCode`` values (``docs/amazon-carriers.md`` names the Amazon pages they come
from). The list only offers suggestions: Amazon accepts more codes per marketplace than any list here, so a mapping
may name any code; formats are checked only for the codes listed. Formats are the carriers' published number
patterns, simplified to what a pre-flight check needs (spaces are ignored, letters compared in upper case).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from saleor_asc_app.configuration.model import CarrierMapping
from saleor_asc_app.saleor.ids import same_shipping_method

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
        Carrier("Yodel", (r"JD\d{16}", r"[A-Z0-9]{10,20}")),
        Carrier("Hermes Logistik Gruppe", (r"[A-Z0-9]{14,20}",)),
        Carrier("GLS", (r"\d{11,12}", r"[A-Z0-9]{8}")),
        Carrier("Deutsche Post", (r"[A-Z]{2}\d{9}DE", r"[0-9A-F]{20,22}")),
        Carrier("Canada Post", (r"\d{16}", r"[A-Z]{2}\d{9}CA")),
        Carrier("YamatoTransport", (r"\d{12}",)),
        Carrier("SagawaExpress", (r"\d{12}",)),
        Carrier("NipponExpress", (r"\d{10,12}",)),
    )
}


# Spellings earlier versions of the app offered for carriers Amazon spells otherwise: stored mappings keep working.
FORMER_SPELLINGS: dict[str, str] = {"Yamato Transport": "YamatoTransport", "Sagawa Express": "SagawaExpress"}


def normalise(tracking_number: str) -> str:
    return re.sub(r"[\s-]", "", tracking_number).upper()


@dataclass(frozen=True)
class CarrierChoice:
    code: str
    name: str | None  # sent only with "Other" (Amazon requires it there and nowhere else)
    shipping_method: str | None


@dataclass(frozen=True)
class CarrierProblem:
    code: str
    reason: str


UNMAPPED = "carrier_unmapped"
UNMAPPED_MARK = "has no Amazon carrier"  # in the refusal's message: the widget offers to confirm a carrier


def choose_carrier(
    mappings: Sequence[CarrierMapping],
    method_id: str | None,
    method_name: str | None,
    *,
    confirmed: CarrierChoice | None = None,
) -> CarrierChoice | CarrierProblem:
    """The carrier for a Saleor shipping method: its mapping, else the carrier staff confirmed for this shipment.

    Without either the shipment is refused: sending "Other" with the shipping method's name would show buyers a
    store's method name ("Amazon US STANDARD") as their carrier."""
    mapping = next(
        (
            m
            for m in mappings
            if m.shipping_method
            and (m.shipping_method == method_name or same_shipping_method(m.shipping_method, method_id))
        ),
        None,
    )
    if mapping is None:
        if confirmed is not None:
            return confirmed
        what = f'"{method_name}"' if method_name else "of this order"
        return CarrierProblem(
            UNMAPPED,
            f"The shipping method {what} {UNMAPPED_MARK}: map it to a carrier on the configuration page and "
            'retry, or confirm sending it as carrier "Other" in the order\'s Amazon widget.',
        )
    code = mapping.carrier_code.strip()
    if not code:
        return CarrierProblem("carrier_unknown", "The carrier mapping names no carrier code.")
    if code == OTHER:  # the name is what buyers see as their carrier: never the store's shipping method name
        if not mapping.carrier_name:
            return CarrierProblem(
                "carrier_unknown", 'Carrier "Other" needs a carrier name: set it in the carrier mapping.'
            )
        return CarrierChoice(OTHER, mapping.carrier_name, method_name)
    return CarrierChoice(FORMER_SPELLINGS.get(code, code), None, method_name)


def tracking_problem(choice: CarrierChoice, tracking_number: str) -> str | None:
    """Why the tracking number cannot be sent for this carrier, or None when it fits."""
    if not normalise(tracking_number):
        return "Amazon requires a tracking number: add one to the fulfilment in Saleor."
    carrier = CARRIERS.get(choice.code)
    if carrier is not None and not carrier.fits(tracking_number):
        return f'The tracking number "{tracking_number}" does not fit the format of {carrier.code} tracking numbers.'
    return None
