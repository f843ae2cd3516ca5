"""Amounts as Amazon presents them: exact decimals with the currency's exponent (JPY: none).

Tax figures per marketplace are the simulator's assumptions (standard VAT/GST rates, a few US
state rates); how tax relates to prices follows docs/amazon-money.md ("Tax"): added on
top in the US and CA; included in the price in VAT/GST marketplaces, where some orders still show it on top (as
Amazon's own UK example does).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from saleor_asc_app.amazon.regions import currency_exponent

ZERO = Decimal(0)


class TaxConvention(StrEnum):
    ON_TOP = "ON_TOP"
    INCLUDED = "INCLUDED"


@dataclass(frozen=True, slots=True)
class TaxProfile:
    rates: tuple[Decimal, ...]  # one is picked per order (US states, CA provinces)
    convention: TaxConvention
    share_on_top: float = 0.0  # INCLUDED marketplaces where some orders still show tax on top


def _rates(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


# VAT/GST marketplaces send both shapes Amazon's own examples use: tax contained in the price, and tax added on top
# of the price (the model's Amazon.co.uk getOrder example); the app tells them apart per item.
VAT_ON_TOP_SHARE = 0.15

TAX_PROFILES: dict[str, TaxProfile] = {
    "US": TaxProfile(_rates("0.06", "0.0725", "0.08875", "0.1025"), TaxConvention.ON_TOP),
    "CA": TaxProfile(_rates("0.05", "0.13", "0.15"), TaxConvention.ON_TOP),
    "MX": TaxProfile(_rates("0.16"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "BR": TaxProfile(_rates("0"), TaxConvention.INCLUDED),
    "UK": TaxProfile(_rates("0.20"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "DE": TaxProfile(_rates("0.19"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "FR": TaxProfile(_rates("0.20"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "IT": TaxProfile(_rates("0.22"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "ES": TaxProfile(_rates("0.21"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "NL": TaxProfile(_rates("0.21"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "BE": TaxProfile(_rates("0.21"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "IE": TaxProfile(_rates("0.23"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "SE": TaxProfile(_rates("0.25"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "PL": TaxProfile(_rates("0.23"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "TR": TaxProfile(_rates("0.20"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "AE": TaxProfile(_rates("0.05"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "SA": TaxProfile(_rates("0.15"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "EG": TaxProfile(_rates("0.14"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "IN": TaxProfile(_rates("0.18"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "ZA": TaxProfile(_rates("0.15"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "JP": TaxProfile(_rates("0.10"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "AU": TaxProfile(_rates("0.10"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
    "SG": TaxProfile(_rates("0.09"), TaxConvention.INCLUDED, share_on_top=VAT_ON_TOP_SHARE),
}

# Rough value of one US dollar, to turn catalog prices into believable local prices.
USD_RATES: dict[str, Decimal] = {
    "USD": Decimal(1),
    "CAD": Decimal("1.36"),
    "MXN": Decimal("17.2"),
    "BRL": Decimal("5.1"),
    "GBP": Decimal("0.79"),
    "EUR": Decimal("0.92"),
    "SEK": Decimal("10.6"),
    "PLN": Decimal("4.0"),
    "TRY": Decimal("32"),
    "AED": Decimal("3.67"),
    "SAR": Decimal("3.75"),
    "EGP": Decimal("48"),
    "INR": Decimal("83"),
    "ZAR": Decimal("18.6"),
    "JPY": Decimal("150"),
    "AUD": Decimal("1.52"),
    "SGD": Decimal("1.35"),
}


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_exponent(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def fmt(amount: Decimal, currency: str) -> str:
    """The wire form: exactly the currency's decimals ("19.99", "5980", "0.00")."""
    return format(round_money(amount, currency), "f")


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": fmt(amount, currency), "currencyCode": currency}


def local_price(usd: Decimal, currency: str) -> Decimal:
    """A shelf price in `currency` for a USD catalog price, with a familiar ending."""
    raw = usd * USD_RATES[currency]
    if currency_exponent(currency) == 0:
        # 5,980-style prices.
        return max(Decimal(100), (raw / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100 - 20)
    whole = raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(Decimal("0.99"), whole - Decimal("0.01"))


def tax_on_top(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    return round_money(amount * rate, currency)


def tax_included(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The tax share of a tax-inclusive amount."""
    if rate == 0:
        return ZERO
    return round_money(gross - gross / (1 + rate), currency)
