"""Every operation the app calls (``amazon/operations.py``) exists in Amazon's published models with the path,
method and default usage plan the app uses; the only exception is the setting-gated ``cancelOrder``, taken from
Amazon's reference page and documented in ``amazon/operations.py`` as reference-only."""

from __future__ import annotations

import json
import re

from saleor_asc_app.amazon.operations import ALL_OPERATIONS, REFERENCE_ONLY_OPERATIONS
from tests.amazon.harness import CONTRACTS

_PLAN = re.compile(r"(?:\*\*)?Usage Plan:(?:\*\*)?\s*\|[^\n]*\n\|[^\n]*\n\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|")
DOCUMENTED_EXCEPTIONS = {"cancelOrder"}


def _model_operations() -> dict[tuple[str, str], tuple[str, tuple[float, int] | None]]:
    found = {}
    for model in sorted(CONTRACTS.glob("*.json")):
        spec = json.loads(model.read_text())
        if "paths" not in spec:
            continue  # feed and notification schemas
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                match = _PLAN.search(operation.get("description", ""))
                plan = (float(match.group(1)), int(match.group(2))) if match else None
                found[(method.upper(), path)] = (operation["operationId"], plan)
    return found


def test_every_operation_the_app_calls_is_in_the_models() -> None:
    models = _model_operations()
    absent = set()
    for name, operation in ALL_OPERATIONS.items():
        entry = models.get((operation.method, operation.path))
        if entry is None:
            absent.add(name)
            continue
        operation_id, plan = entry
        assert operation_id == name, (name, operation.path)
        assert plan == (operation.rate, operation.burst), name
    assert absent <= DOCUMENTED_EXCEPTIONS
    assert absent <= set(REFERENCE_ONLY_OPERATIONS)  # documented where the app defines it
