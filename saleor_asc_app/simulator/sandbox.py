"""Amazon's static sandbox: the `x-amzn-api-sandbox` cases of the implemented operations.

The cases are extracted from Amazon's models into `sandbox_cases.json` (shipped with the package):

    python -m saleor_asc_app.simulator.extract_sandbox_cases ../shared/contracts/amazon

A request matches a case when every parameter the case names has the case's value (a parameter
named without a value only has to be present). The most specific matching case wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from saleor_asc_app.amazon.operations import OPERATIONS
from saleor_asc_app.simulator.wire import parse_iso

CASES_FILE = Path(__file__).with_name("sandbox_cases.json")

MODEL_FILES: tuple[str, ...] = (
    "orders_2026-01-01.json",
    "ordersV0.json",
    "sellers.json",
    "feeds_2021-06-30.json",
    "reports_2021-06-30.json",
    "listingsItems_2021-08-01.json",
    "fbaInventory.json",
)


@dataclass(frozen=True, slots=True)
class SandboxCase:
    operation: str
    status: int
    parameters: Mapping[str, Any]  # name -> {"value": ...} or {}
    response: Any

    def score(self, params: Mapping[str, Any]) -> int | None:
        """How specifically this case matches the request's parameters; None if it does not."""
        score = 0
        for name, spec in self.parameters.items():
            if name not in params:
                return None
            if isinstance(spec, Mapping) and "value" in spec:
                if not _same(spec["value"], params[name]):
                    return None
                score += 2
            else:
                score += 1
        return score


def _normalise(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list):
        if isinstance(actual, str):
            actual = [part for part in actual.split(",") if part]
        if not isinstance(actual, list):
            return False
        return sorted(map(str, map(_normalise, expected))) == sorted(map(str, map(_normalise, actual)))
    if isinstance(expected, dict):
        return _same_json(expected, actual)
    return bool(_normalise(expected) == _normalise(actual))


def _same_json(expected: Any, actual: Any) -> bool:
    """JSON equality where two date-time strings naming the same instant are equal."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(_same_json(value, actual[key]) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_same_json(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        try:
            return parse_iso(expected) == parse_iso(actual)
        except ValueError:
            return False
    return bool(expected == actual)


def extract_cases(models_dir: Path) -> dict[str, Any]:
    """The sandbox cases and parameter locations of the implemented operations."""
    operations: dict[str, Any] = {}
    # Matched by method and path: v0 and v2026-01-01 both have a "getOrder".
    wanted = {(op.method, op.path): op.name for op in OPERATIONS.values()}
    for file_name in MODEL_FILES:
        spec = json.loads((models_dir / file_name).read_text())
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                name = wanted.get((method.upper(), path))
                if name is None or not isinstance(operation, dict):
                    continue
                cases = []
                for status, response in operation.get("responses", {}).items():
                    sandbox = response.get("x-amzn-api-sandbox", {})
                    for case in sandbox.get("static", []):
                        cases.append(
                            {
                                "status": int(status),
                                "parameters": case.get("request", {}).get("parameters", {}),
                                "response": case.get("response"),
                            }
                        )
                operations[name] = {
                    "method": method.upper(),
                    "path": path,
                    "parameters": {p["name"]: p["in"] for p in operation.get("parameters", [])},
                    "cases": cases,
                }
    return {"source": "x-amzn-api-sandbox static cases of Amazon's SP-API models", "operations": operations}


class SandboxCases:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self._cases: dict[str, list[SandboxCase]] = {}
        self._body_parameter: dict[str, str | None] = {}
        for name, entry in data["operations"].items():
            self._cases[name] = [
                SandboxCase(name, case["status"], case["parameters"], case["response"]) for case in entry["cases"]
            ]
            bodies = [p for p, where in entry["parameters"].items() if where == "body"]
            self._body_parameter[name] = bodies[0] if bodies else None

    @classmethod
    @cache
    def bundled(cls) -> SandboxCases:
        return cls(json.loads(CASES_FILE.read_text()))

    def cases(self, operation: str) -> Sequence[SandboxCase]:
        return self._cases.get(operation, ())

    def match(
        self,
        operation: str,
        *,
        path: Mapping[str, str],
        query: Mapping[str, list[str]],
        body: Any | None,
    ) -> SandboxCase | None:
        params: dict[str, Any] = dict(path)
        for name, values in query.items():
            params[name] = values if len(values) != 1 else values[0]
        body_name = self._body_parameter.get(operation)
        if body is not None:
            params[body_name or "body"] = body
            params["body"] = body
        best: tuple[int, SandboxCase] | None = None
        for case in self.cases(operation):
            score = case.score(params)
            if score is not None and (best is None or score > best[0]):
                best = (score, case)
        return best[1] if best else None
