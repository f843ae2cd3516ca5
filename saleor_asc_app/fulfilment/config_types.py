"""Dashboard API types of the configuration this feature adds (merged into ``dashboard/types.py``): the carrier
mapping, the default cancellation reason and the processing-error digest interval. When a saved configuration
omits them, the stored values are kept, so pages that do not know them cannot wipe them."""

from __future__ import annotations

import strawberry

from saleor_asc_app.amazon.models.cancellation import CancelReason
from saleor_asc_app.configuration import model
from saleor_asc_app.fulfilment.carriers import CARRIERS, OTHER
from saleor_asc_app.saleor.ids import shipping_method_id

CANCEL_REASONS = tuple(reason.value for reason in CancelReason)


@strawberry.type
class CarrierMapping:
    shipping_method: str
    carrier_code: str
    carrier_name: str | None


@strawberry.type
class OutgoingSettings:
    carrier_mappings: list[CarrierMapping]
    default_cancel_reason: str
    processing_error_digest_minutes: int
    carrier_codes: list[str]  # suggestions: the Amazon carrier codes the app knows, and "Other" (any code is accepted)
    carrier_warning: str | None  # why shipments may be refused for want of a carrier
    cancel_reasons: list[str]


@strawberry.input
class CarrierMappingInput:
    shipping_method: str
    carrier_code: str
    carrier_name: str | None = None


@strawberry.input
class OutgoingSettingsInput:
    carrier_mappings: list[CarrierMappingInput] | None = None
    default_cancel_reason: str | None = None
    processing_error_digest_minutes: int | None = None


def outgoing_settings_out(config: model.AppConfiguration) -> OutgoingSettings:
    return OutgoingSettings(
        carrier_mappings=[CarrierMapping(**m.model_dump()) for m in config.carrier_mappings],
        default_cancel_reason=config.default_cancel_reason,
        processing_error_digest_minutes=config.notifications.processing_error_digest_minutes,
        carrier_codes=[*CARRIERS, OTHER],
        carrier_warning=None
        if config.carrier_mappings
        else "No shipping method is mapped to an Amazon carrier: shipments are held until their method is mapped "
        'or staff confirm sending them as carrier "Other" (Amazon then shows buyers the carrier name given).',
        cancel_reasons=list(CANCEL_REASONS),
    )


def apply_outgoing_settings(
    data: OutgoingSettingsInput | None, stored: model.AppConfiguration, config: model.AppConfiguration
) -> model.AppConfiguration:
    """``config`` (built from the rest of the input) with these settings from ``data``, else from ``stored``."""
    data = data or OutgoingSettingsInput()
    mappings = (
        stored.carrier_mappings
        if data.carrier_mappings is None
        else tuple(
            model.CarrierMapping(
                shipping_method=shipping_method_id(m.shipping_method.strip()),
                carrier_code=m.carrier_code.strip(),
                carrier_name=((m.carrier_name or "").strip() or None) if m.carrier_code.strip() == OTHER else None,
            )
            for m in data.carrier_mappings
            if m.shipping_method.strip()
        )
    )
    reason = data.default_cancel_reason if data.default_cancel_reason in CANCEL_REASONS else None
    minutes = data.processing_error_digest_minutes
    notifications = config.notifications.model_copy(
        update={
            "processing_error_digest_minutes": max(1, minutes)
            if minutes is not None
            else stored.notifications.processing_error_digest_minutes
        }
    )
    return config.model_copy(
        update={
            "carrier_mappings": mappings,
            "default_cancel_reason": reason or stored.default_cancel_reason,
            "notifications": notifications,
        }
    )
