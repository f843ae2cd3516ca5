"""Every Amazon enum value the app's API can hand the dashboard has a human label in the dashboard's one label
table (dashboard_extension/src/format/amazon-labels.json), and the table holds no value the app does not know."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import pytest

from saleor_asc_app.amazon.models.cancellation import CancelReason
from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.configuration.model import FulfillmentChannels, ServiceLevel

TABLE = Path(__file__).resolve().parents[2] / "dashboard_extension" / "src" / "format" / "amazon-labels.json"

# The label table's sections and the enums whose values reach the dashboard through them: the order's status
# (amazonStatus), cancellation reasons (outgoing actions, settings), fulfilment channels and service levels.
SECTIONS: dict[str, type[StrEnum]] = {
    "orderStatus": FulfillmentStatus,
    "cancelReason": CancelReason,
    "fulfillmentChannel": FulfillmentChannels,
    "serviceLevel": ServiceLevel,
}


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_value_has_a_human_label(section: str) -> None:
    labels: dict[str, str] = json.loads(TABLE.read_text(encoding="utf-8"))[section]
    values = {member.value for member in SECTIONS[section]}
    assert sorted(values - labels.keys()) == [], "values without a label"
    assert sorted(labels.keys() - values) == [], "labels for values the app does not have"
    for value, label in labels.items():
        assert label.strip() and "_" not in label, (value, label)


def test_the_table_has_no_section_without_an_enum() -> None:
    assert sorted(json.loads(TABLE.read_text(encoding="utf-8"))) == sorted(SECTIONS)
