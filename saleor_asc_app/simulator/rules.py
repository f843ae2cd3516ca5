"""What the simulator takes from Amazon's published models rather than from the app: each operation's method and
path, its default usage plan (the "Usage Plan" table of the operation's description) and its request-body schema.

The facts are extracted into ``model_rules.json`` (shipped with the package) from the model files named in
``MODEL_FILES`` of ``tests/simulator/extract_sandbox_cases.py``; a test checks the file against the
models. Bodies are validated strictly: an object the
model describes with properties takes no others (a misspelled field is refused, not ignored), and every value must
have the model's type (a JSON number where the model says string is refused, as Amazon refuses it:
"invalid type [packageDetail.packageReferenceId]").
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

RULES_FILE = Path(__file__).with_name("model_rules.json")

_USAGE_PLAN = re.compile(
    r"\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\s*\|[-\s|]+\|\s*\n\s*\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|"
)
_REF = re.compile(r'"\$ref":\s*"#/definitions/([^"]+)"')


def usage_plan(description: str) -> tuple[float, int] | None:
    """The default rate (requests per second) and burst an operation's description states."""
    match = _USAGE_PLAN.search(description)
    return (float(match.group(1)), int(match.group(2))) if match else None


def _referenced(schema: Any, definitions: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    pending = _REF.findall(json.dumps(schema))
    while pending:
        name = pending.pop()
        if name in found or name not in definitions:
            continue
        found[name] = definitions[name]
        pending += _REF.findall(json.dumps(definitions[name]))
    return dict(sorted(found.items()))


def extract_rules(models_dir: Path, files: Iterable[str]) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for file_name in files:
        spec = json.loads((models_dir / file_name).read_text())
        definitions = spec.get("definitions", {})
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                if method.startswith("x-") or method == "parameters" or not isinstance(operation, dict):
                    continue
                plan = usage_plan(operation.get("description", ""))
                entry: dict[str, Any] = {
                    "operationId": operation["operationId"],
                    "source": file_name,
                    "method": method.upper(),
                    "path": path,
                    "rate": plan[0] if plan else None,
                    "burst": plan[1] if plan else None,
                }
                if "grantless" in operation.get("description", "").lower():
                    entry["grantless"] = True
                body = next((p for p in operation.get("parameters", []) if p.get("in") == "body"), None)
                if body is not None:
                    entry["body"] = {
                        "required": bool(body.get("required")),
                        "schema": body["schema"],
                        "definitions": _referenced(body["schema"], definitions),
                    }
                operations[f"{file_name}#{operation['operationId']}"] = entry
    return {"source": "Amazon's SP-API models (operation descriptions and body parameters)", "operations": operations}


def _strict(schema: Any, definitions: Mapping[str, Any] | None = None) -> Any:
    """The schema with ``additionalProperties: false`` on every object that lists properties and says nothing else.

    An ``allOf`` of objects (Notifications' ``EventFilter``: aggregation, marketplace and order-change filters plus
    its type) allows the union of its parts' properties: the parts are inlined without the restriction and the
    restriction is put on the whole, which then lists every part's properties."""
    definitions = (
        definitions if definitions is not None else (schema.get("definitions", {}) if isinstance(schema, dict) else {})
    )
    if isinstance(schema, dict):
        if "allOf" in schema:
            parts = [_loose(part, definitions) for part in schema["allOf"]]
            merged = {key: _strict(value, definitions) for key, value in schema.items() if key != "allOf"}
            names: dict[str, Any] = {}
            for part in parts:
                names.update({name: {} for name in part.get("properties", {})})
            merged["allOf"] = [_strict_inside(part, definitions) for part in parts]
            if names and "additionalProperties" not in merged:
                merged["properties"] = {**names, **merged.get("properties", {})}
                merged["additionalProperties"] = False
            return merged
        strict = {key: _strict(value, definitions) for key, value in schema.items()}
        if "properties" in strict and "additionalProperties" not in strict:
            strict["additionalProperties"] = False
        return strict
    if isinstance(schema, list):
        return [_strict(item, definitions) for item in schema]
    return schema


def _loose(part: Any, definitions: Mapping[str, Any]) -> Any:
    """An ``allOf`` part with its ``$ref`` resolved (one level), to be merged without the restriction."""
    if isinstance(part, dict) and set(part) == {"$ref"}:
        return copy.deepcopy(definitions.get(part["$ref"].rsplit("/", 1)[-1], {}))
    return copy.deepcopy(part)


def _strict_inside(part: Any, definitions: Mapping[str, Any]) -> Any:
    """The part's own properties stay strict; the part itself accepts its siblings' properties."""
    if not isinstance(part, dict):
        return part
    inner = {key: _strict(value, definitions) for key, value in part.items() if key != "properties"}
    if "properties" in part:
        inner["properties"] = {name: _strict(value, definitions) for name, value in part["properties"].items()}
    return inner


@dataclass(frozen=True)
class ModelOperation:
    operation_id: str
    source: str
    method: str
    path: str
    rate: float | None
    burst: int | None
    body_required: bool
    body_validator: Draft4Validator | None
    grantless: bool = False  # called with a grantless (client-credentials) token, for the application

    @property
    def key(self) -> str:
        return f"{self.source}#{self.operation_id}"

    def body_problems(self, body: Any) -> list[str]:
        """Why Amazon would refuse this request body (empty when it would not)."""
        if body is None:
            return ["The request body is missing."] if self.body_required else []
        if self.body_validator is None:
            return []
        return [
            f"[{'.'.join(str(p) for p in error.absolute_path) or 'body'}]: {error.message[:200]}"
            for error in sorted(self.body_validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        ]


class ModelRules:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.operations: dict[str, ModelOperation] = {}
        for key, entry in data["operations"].items():
            body = entry.get("body")
            validator = None
            if body is not None:
                schema = _strict(copy.deepcopy({**body["schema"], "definitions": body["definitions"]}))
                validator = Draft4Validator(schema)
            self.operations[key] = ModelOperation(
                operation_id=entry["operationId"],
                source=entry["source"],
                method=entry["method"],
                path=entry["path"],
                rate=entry["rate"],
                burst=entry["burst"],
                body_required=bool(body and body["required"]),
                body_validator=validator,
                grantless=bool(entry.get("grantless")),
            )

    @classmethod
    @cache
    def bundled(cls) -> ModelRules:
        return cls(json.loads(RULES_FILE.read_text()))

    def get(self, source: str, operation_id: str) -> ModelOperation:
        return self.operations[f"{source}#{operation_id}"]
