"""Check HTTP exchanges against Amazon's Swagger 2.0 models (`contracts/amazon/*.json`).

Used by the contract tests, which record every request the client sends and every answer the
simulator gives, and by anyone who wants to check a captured exchange. Checks: the operation exists;
path, query and body parameters (required, type, enum, format, maxItems, undeclared names); the
answer's status is declared, its body matches the declared schema, and declared headers are present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
from jsonschema import Draft4Validator, FormatChecker

from tests.simulator.extract_sandbox_cases import MODEL_FILES

_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value.upper():
        return False
    parsed = datetime.fromisoformat(value.replace("z", "Z"))
    return parsed.tzinfo is not None


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    date.fromisoformat(value)
    return True


@dataclass
class OperationSpec:
    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    parameters: list[dict[str, Any]]
    responses: dict[str, dict[str, Any]]
    definitions: dict[str, Any] = field(repr=False)
    source: str = ""

    def schema_validator(self, schema: dict[str, Any]) -> Draft4Validator:
        return Draft4Validator({**schema, "definitions": self.definitions}, format_checker=_FORMATS)


class ContractValidator:
    def __init__(self, models_dir: Path, files: Sequence[str] = MODEL_FILES) -> None:
        self.operations: list[OperationSpec] = []
        for file_name in files:
            spec = json.loads((models_dir / file_name).read_text())
            definitions = spec.get("definitions", {})
            for path, methods in spec["paths"].items():
                shared = methods.get("parameters", []) if isinstance(methods, dict) else []
                for method, operation in methods.items():
                    if method.startswith("x-") or method == "parameters" or not isinstance(operation, dict):
                        continue
                    pattern = re.compile("^" + re.sub(r"\{[^}]+\}", r"([^/]+)", path) + "$")
                    self.operations.append(
                        OperationSpec(
                            operation_id=operation.get("operationId", f"{method} {path}"),
                            method=method.upper(),
                            path=path,
                            pattern=pattern,
                            parameters=[*shared, *operation.get("parameters", [])],
                            responses=operation.get("responses", {}),
                            definitions=definitions,
                            source=file_name,
                        )
                    )

    def operation_for(self, method: str, path: str) -> OperationSpec | None:
        for operation in self.operations:
            if operation.method == method.upper() and operation.pattern.match(path):
                return operation
        return None

    # --- requests ---------------------------------------------------------------------------------

    def check_request(self, request: httpx.Request) -> list[str]:
        path = request.url.path
        operation = self.operation_for(request.method, path)
        if operation is None:
            return [f"{request.method} {path}: no such operation in the models"]
        where = operation.operation_id
        problems: list[str] = []
        match = operation.pattern.match(path)
        assert match is not None
        names = re.findall(r"\{([^}]+)\}", operation.path)
        path_values = {name: unquote(value) for name, value in zip(names, match.groups(), strict=True)}
        declared_query = {p["name"] for p in operation.parameters if p["in"] == "query"}
        for name in request.url.params:
            if name not in declared_query:
                problems.append(f"{where}: undeclared query parameter {name}")
        for parameter in operation.parameters:
            location = parameter["in"]
            if location == "path":
                problems += self._check_value(where, parameter, [path_values.get(parameter["name"], "")])
            elif location == "query":
                values = request.url.params.get_list(parameter["name"])
                if not values:
                    if parameter.get("required"):
                        problems.append(f"{where}: missing required query parameter {parameter['name']}")
                    continue
                problems += self._check_value(where, parameter, values)
            elif location == "body":
                problems += self._check_body(operation, parameter, request)
        return problems

    def _check_value(self, where: str, parameter: dict[str, Any], values: list[str]) -> list[str]:
        name = parameter["name"]
        kind = parameter.get("type", "string")
        if kind == "array":
            if parameter.get("collectionFormat", "csv") == "multi":
                items = values
            else:
                if len(values) > 1:
                    return [f"{where}: {name} is csv but was repeated"]
                items = [part for part in values[0].split(",")]
            problems = []
            if "maxItems" in parameter and len(items) > parameter["maxItems"]:
                problems.append(f"{where}: {name} has {len(items)} items, at most {parameter['maxItems']}")
            item_spec = {"name": name, **parameter.get("items", {})}
            for item in items:
                problems += self._check_value(where, item_spec, [item])
            return problems
        if len(values) > 1:
            return [f"{where}: {name} given {len(values)} times"]
        value = values[0]
        if kind == "integer":
            try:
                int(value)
            except ValueError:
                return [f"{where}: {name} is not an integer"]
        elif kind == "number":
            try:
                float(value)
            except ValueError:
                return [f"{where}: {name} is not a number"]
        elif kind == "boolean" and value not in ("true", "false"):
            return [f"{where}: {name} is not a boolean"]
        if "enum" in parameter and value not in [str(v) for v in parameter["enum"]]:
            return [f"{where}: {name}={value!r} is not one of {parameter['enum']}"]
        if parameter.get("format") in ("date-time", "date"):
            try:
                valid = _is_date_time(value) if parameter["format"] == "date-time" else _is_date(value)
            except ValueError:
                valid = False
            if not valid:
                return [f"{where}: {name}={value!r} is not a {parameter['format']}"]
        return []

    def _check_body(self, operation: OperationSpec, parameter: dict[str, Any], request: httpx.Request) -> list[str]:
        where = operation.operation_id
        content = request.content
        if not content:
            return [f"{where}: missing request body"] if parameter.get("required") else []
        if not request.headers.get("content-type", "").startswith("application/json"):
            return [f"{where}: body sent without Content-Type application/json"]
        try:
            body = json.loads(content)
        except ValueError:
            return [f"{where}: request body is not JSON"]
        return _schema_problems(f"{where} request", operation.schema_validator(parameter["schema"]), body)

    # --- responses --------------------------------------------------------------------------------

    def check_response(self, request: httpx.Request, response: httpx.Response) -> list[str]:
        operation = self.operation_for(request.method, request.url.path)
        if operation is None:
            return [f"{request.method} {request.url.path}: no such operation in the models"]
        where = f"{operation.operation_id} {response.status_code}"
        declared = operation.responses.get(str(response.status_code)) or operation.responses.get("default")
        if declared is None:
            return [f"{where}: status not declared by the model"]
        problems = [
            f"{where}: missing header {header}"
            for header in declared.get("headers", {})
            if header.lower() == "x-amzn-requestid" and header not in response.headers
        ]
        schema = declared.get("schema")
        if schema is None:
            if response.content:
                problems.append(f"{where}: a body where the model declares none")
            return problems
        try:
            body = json.loads(response.content)
        except ValueError:
            return [*problems, f"{where}: body is not JSON"]
        return problems + _schema_problems(where, operation.schema_validator(schema), body)

    def check_exchanges(self, exchanges: Iterable[tuple[httpx.Request, httpx.Response]]) -> list[str]:
        problems: list[str] = []
        for request, response in exchanges:
            problems += self.check_request(request)
            problems += self.check_response(request, response)
        return problems


def _schema_problems(where: str, validator: Draft4Validator, body: Any) -> list[str]:
    return [
        f"{where}: {'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message[:200]}"
        for error in validator.iter_errors(body)
    ]
