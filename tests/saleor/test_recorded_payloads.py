"""The example bodies in webhooks/recorded/ match their subscription documents, field for field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from saleor_asc_app.saleor.subscriptions import load_subscription, subscription_events
from tests.contracts import REPO_ROOT

RECORDED = REPO_ROOT / "webhooks" / "recorded"


def _expected_keys(
    selection_set: SelectionSetNode, obj: dict[str, Any], fragments: dict[str, FragmentDefinitionNode]
) -> dict[str, SelectionSetNode | None]:
    keys: dict[str, SelectionSetNode | None] = {}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            keys[(selection.alias or selection.name).value] = selection.selection_set
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            condition: str | None = fragment.type_condition.name.value
            inner = fragment.selection_set
        else:
            assert isinstance(selection, InlineFragmentNode)
            condition = selection.type_condition.name.value if selection.type_condition else None
            inner = selection.selection_set
        # Only abstract-typed objects carry __typename in our documents; others match their fragments.
        if condition is None or obj.get("__typename", condition) == condition:
            keys.update(_expected_keys(inner, obj, fragments))
    return keys


def mismatches(
    value: Any, selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], path: str = ""
) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [m for i, item in enumerate(value) for m in mismatches(item, selection_set, fragments, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return [f"{path}: expected an object"]
    expected = _expected_keys(selection_set, value, fragments)
    problems = [f"{path}.{k}: missing" for k in expected if k not in value]
    problems += [f"{path}.{k}: not selected" for k in value if k not in expected]
    for key, inner in expected.items():
        if inner is not None and key in value:
            problems += mismatches(value[key], inner, fragments, f"{path}.{key}")
    return problems


@pytest.mark.parametrize("event", subscription_events())
def test_recorded_example_matches_its_subscription(event: str) -> None:
    document = parse(load_subscription(event))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    event_field = operation.selection_set.selections[0]
    assert isinstance(event_field, FieldNode) and event_field.selection_set is not None
    body = json.loads((RECORDED / f"{event.lower()}.json").read_text())
    assert mismatches(body, event_field.selection_set, fragments) == []
    assert "errors" not in body


def test_checker_notices_a_missing_and_an_extra_field() -> None:
    document = parse(load_subscription("ORDER_CANCELLED"))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    event_field = operation.selection_set.selections[0]
    assert isinstance(event_field, FieldNode) and event_field.selection_set is not None
    body = json.loads((RECORDED / "order_cancelled.json").read_text())
    del body["order"]["id"]
    body["order"]["userEmail"] = "someone@example.com"
    assert sorted(mismatches(body, event_field.selection_set, fragments)) == [
        ".order.id: missing",
        ".order.userEmail: not selected",
    ]
