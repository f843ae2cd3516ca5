"""The configuration this feature adds: shown on the configuration API, and kept when a page saves a
configuration without them."""

from __future__ import annotations

from pathlib import Path

from saleor_asc_app.configuration.model import AppConfiguration, CarrierMapping, Notifications
from saleor_asc_app.fulfilment.config_types import CarrierMappingInput, OutgoingSettingsInput, apply_outgoing_settings
from tests.fulfilment.harness import fulfilment_env
from tests.fulfilment.test_shipments import dashboard

STORED = AppConfiguration(
    carrier_mappings=(CarrierMapping(shipping_method="Standard", carrier_code="UPS"),),
    default_cancel_reason="BUYER_CANCELLED",
    notifications=Notifications(processing_error_digest_minutes=15),
)


def test_omitted_settings_keep_the_stored_ones() -> None:
    kept = apply_outgoing_settings(None, STORED, AppConfiguration())
    assert kept.carrier_mappings == STORED.carrier_mappings
    assert kept.default_cancel_reason == "BUYER_CANCELLED"
    assert kept.notifications.processing_error_digest_minutes == 15


def test_submitted_settings_replace_them_and_unknown_reasons_are_ignored() -> None:
    data = OutgoingSettingsInput(
        carrier_mappings=[
            CarrierMappingInput(shipping_method=" Express ", carrier_code="Other", carrier_name=" Acme ")
        ],
        default_cancel_reason="MADE_UP",
        processing_error_digest_minutes=0,
    )
    changed = apply_outgoing_settings(data, STORED, AppConfiguration())
    assert changed.carrier_mappings == (
        CarrierMapping(shipping_method="Express", carrier_code="Other", carrier_name="Acme"),
    )
    assert changed.default_cancel_reason == "BUYER_CANCELLED"
    assert changed.notifications.processing_error_digest_minutes == 1


async def test_the_configuration_api_shows_them(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        await env.configure()
        config = await env.current_config()
        await env.save(config.model_copy(update={"carrier_mappings": STORED.carrier_mappings}))
        data = await dashboard(
            env,
            "{ configuration { outgoing { carrierMappings { shippingMethod carrierCode } defaultCancelReason "
            "processingErrorDigestMinutes carrierCodes cancelReasons } } }",
            {},
        )
        outgoing = data["configuration"]["outgoing"]  # type: ignore[index]
        assert outgoing["carrierMappings"] == [{"shippingMethod": "Standard", "carrierCode": "UPS"}]
        assert outgoing["defaultCancelReason"] == "NO_INVENTORY"
        assert outgoing["processingErrorDigestMinutes"] == 60
        assert "Royal Mail" in outgoing["carrierCodes"] and "Other" in outgoing["carrierCodes"]
        assert "BUYER_CANCELLED" in outgoing["cancelReasons"]
