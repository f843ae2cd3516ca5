"""Amazon's static sandbox: the `x-amzn-api-sandbox` cases of the implemented operations.

The cases are extracted from Amazon's models (`contracts/amazon/`) into `sandbox_cases.json`, which ships with the
package; `python -m tests.simulator.extract_sandbox_cases` regenerates it and the tests fail when it is stale.

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

from saleor_asc_app.simulator.wire import parse_iso

CASES_FILE = Path(__file__).with_name("sandbox_cases.json")


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
