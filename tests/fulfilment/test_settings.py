"""The configuration this feature adds: shown on the configuration API, and kept when a page saves a
configuration without them."""

from __future__ import annotations

from pathlib import Path

from saleor_asc_app.configuration.model import AppConfiguration, CarrierMapping, Notifications
from saleor_asc_app.fulfilment.config_types import CarrierMappingInput, OutgoingSettingsInput, apply_outgoing_settings
from tests.fulfilment.harness import fulfilment_env

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
        data = await env.env.dashboard_data(
            "{ configuration { outgoing { carrierMappings { shippingMethod carrierCode } defaultCancelReason "
            "processingErrorDigestMinutes carrierCodes carrierWarning cancelReasons } } }",
            {},
        )
        outgoing = data["configuration"]["outgoing"]
        assert outgoing["carrierMappings"] == [{"shippingMethod": "Standard", "carrierCode": "UPS"}]
        assert outgoing["defaultCancelReason"] == "NO_INVENTORY"
        assert outgoing["processingErrorDigestMinutes"] == 60
        assert "YamatoTransport" in outgoing["carrierCodes"] and "Other" in outgoing["carrierCodes"]
        assert outgoing["carrierWarning"] is None  # a mapping exists
        assert "BUYER_CANCELLED" in outgoing["cancelReasons"]


SAVE_OUTGOING = """mutation($input: OutgoingSettingsInput!, $version: Int!) {
  saveAmazonOutgoingSettings(input: $input, expectedVersion: $version) {
    carrierMappings { shippingMethod carrierCode carrierName } defaultCancelReason processingErrorDigestMinutes } }"""


async def test_staff_save_only_these_settings_any_carrier_code_but_not_an_empty_one(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        before = await env.configure()
        settings = {
            "carrierMappings": [{"shippingMethod": "Express", "carrierCode": "DHL"}],
            "defaultCancelReason": "BUYER_CANCELLED",
            "processingErrorDigestMinutes": 30,
        }
        saved = await env.env.dashboard_data(SAVE_OUTGOING, {"input": settings, "version": env.config_version})
        assert saved["saveAmazonOutgoingSettings"] == {
            "carrierMappings": [{"shippingMethod": "Express", "carrierCode": "DHL", "carrierName": None}],
            "defaultCancelReason": "BUYER_CANCELLED",
            "processingErrorDigestMinutes": 30,
        }
        after = await env.current_config()
        assert after.carrier_mappings == (CarrierMapping(shipping_method="Express", carrier_code="DHL"),)
        assert after.connections == before.connections and after.channel_mappings == before.channel_mappings

        headers = env.env.dashboard_headers()
        bad = {"carrierMappings": [{"shippingMethod": "Express", "carrierCode": "  "}]}
        response = await env.env.client.post(
            "/api/graphql", json={"query": SAVE_OUTGOING, "variables": {"input": bad, "version": 99}}, headers=headers
        )
        [error] = response.json()["errors"]
        assert "give an Amazon carrier code of 1 to 60 characters" in error["message"]
        nameless = {"carrierMappings": [{"shippingMethod": "Express", "carrierCode": "Other", "carrierName": " "}]}
        response = await env.env.client.post(
            "/api/graphql",
            json={"query": SAVE_OUTGOING, "variables": {"input": nameless, "version": 99}},
            headers=headers,
        )
        [error] = response.json()["errors"]
        assert "carrier Other needs the carrier's name" in error["message"]

        # Amazon knows more codes than the app suggests (e.g. per marketplace): any is kept, a name only with Other.
        settings["carrierMappings"] = [
            {"shippingMethod": "Express", "carrierCode": "SEINO TRANSPORTATION", "carrierName": "Seino"},
            {"shippingMethod": "Standard", "carrierCode": "Other", "carrierName": "Acme"},
        ]
        saved = await env.env.dashboard_data(SAVE_OUTGOING, {"input": settings, "version": env.config_version + 1})
        assert saved["saveAmazonOutgoingSettings"]["carrierMappings"] == [
            {"shippingMethod": "Express", "carrierCode": "SEINO TRANSPORTATION", "carrierName": None},
            {"shippingMethod": "Standard", "carrierCode": "Other", "carrierName": "Acme"},
        ]
