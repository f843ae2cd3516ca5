"""Replays the real `orderBulkCreate` exchanges recorded against Saleor and compares the double's answers.

The double is seeded with the recorded IDs (variant 402, tax class 2, shipping method 1, the recorded warehouse),
then every recorded request is sent in the recorded order; errors must match path, code and message exactly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from saleor_asc_app.clock import VirtualClock
from tests.contracts import recorded
from tests.doubles.conftest import APP_PERMISSIONS, make_double

SEQUENCE = [
    "orderBulkCreate_A_noShippingMethodId",
    "orderBulkCreate_B_shippingMethodTypeId",
    "orderBulkCreate_C_variantSku",
    "orderBulkCreate",
    "orderBulkCreate_E_duplicateExternalReference",
    "orderBulkCreate_F_noStatus",
    "orderBulkCreate_G_ignoreFailedNoTaxClass",
    "orderBulkCreate_H_rejectFailedRowsNoTaxClass",
]


@pytest.fixture
def recording() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(recorded("graphql-order-bulk-create.json").read_text())
    return data


async def test_double_answers_like_the_recorded_saleor(recording: dict[str, Any]) -> None:
    double = make_double(clock=VirtualClock(datetime(2026, 11, 27, 14, 5, 45, tzinfo=UTC)))
    channel = double.add_channel("default-channel", "USD", name="Default Channel")
    warehouse = double.add_warehouse(
        "Recorded warehouse", pk="b95ad74e-d975-4683-bd52-8a89ef89a935", channels=[channel]
    )
    double.add_tax_class("Groceries", pk="1")
    double.add_tax_class("Books", pk="2")
    double.add_shipping_method("Default", {"default-channel": "0"}, pk="1")
    double.add_variant("TEST-SKU-1", pk="402", prices={"default-channel": "10"}, stocks={warehouse: 100})
    _app, token = double.create_app("probe-app.local", APP_PERMISSIONS)

    async with double.client() as http:
        for key in SEQUENCE:
            request = recording[key]["request_body"]
            expected = recording[key]["response_body"]
            answer = await http.post("/graphql/", json=request, headers={"Authorization": f"Bearer {token}"})
            body = answer.json()
            if "errors" in expected:
                assert body["data"] == expected["data"], key
                got = [(e["message"], e["path"], e["extensions"]["exception"]["code"]) for e in body["errors"]]
                want = [(e["message"], e["path"], e["extensions"]["exception"]["code"]) for e in expected["errors"]]
                assert got == want, key
                continue
            result, want = body["data"]["orderBulkCreate"], expected["data"]["orderBulkCreate"]
            assert result["count"] == want["count"], key
            assert result["errors"] == want["errors"], key
            for got_row, want_row in zip(result["results"], want["results"], strict=True):
                assert got_row["errors"] == want_row["errors"], key
                assert (got_row["order"] is None) == (want_row["order"] is None), key
                if want_row["order"] is not None:
                    _same_order_shape(got_row["order"], want_row["order"])
    assert double.violations == []
    created = [o for o in double.state.orders.values()]
    assert [o.external_reference for o in created] == ["PROBE-1795788342", "PROBE-1795788342-G"]
    stock = double.state.stock_for("402", warehouse.pk)
    assert stock is not None and stock.quantity_allocated == 4, "two orders of 2 units were allocated"


def _same_order_shape(got: dict[str, Any], want: dict[str, Any]) -> None:
    for field in (
        "externalReference",
        "status",
        "created",
        "channel",
        "userEmail",
        "total",
        "shippingPrice",
        "metadata",
    ):
        assert got[field] == want[field], field
    for got_line, want_line in zip(got["lines"], want["lines"], strict=True):
        for field in ("productSku", "productName", "quantity", "variant", "totalPrice"):
            assert got_line[field] == want_line[field], field


async def test_recorded_lookups_run_with_the_app_token(recording: dict[str, Any]) -> None:
    double = make_double()
    channel = double.add_channel("default-channel", "USD")
    double.add_tax_class("Books", pk="2")
    double.add_shipping_method("Default", {"default-channel": "0"}, pk="1")
    double.add_variant("TEST-SKU-1", pk="402", prices={"default-channel": "10"})
    assert channel.slug == "default-channel"
    _app, token = double.create_app("probe-app.local", APP_PERMISSIONS)
    async with double.client() as http:
        answer = await http.post(
            "/graphql/",
            json=recording["appLookupsBeforeBulkCreate"]["request_body"],
            headers={"Authorization": f"Bearer {token}"},
        )
    data = answer.json()["data"]
    assert data["productVariant"] == {"id": "UHJvZHVjdFZhcmlhbnQ6NDAy", "sku": "TEST-SKU-1"}
    assert {"id": "VGF4Q2xhc3M6Mg==", "name": "Books"} in [e["node"] for e in data["taxClasses"]["edges"]]
    assert data["shop"]["availableShippingMethods"][0]["id"] == "U2hpcHBpbmdNZXRob2Q6MQ=="
    assert isinstance(answer, httpx.Response) and answer.status_code == 200
