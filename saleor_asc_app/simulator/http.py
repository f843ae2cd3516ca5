"""HTTP plumbing of the simulator: Amazon-shaped errors, query parsing, the per-call context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from saleor_asc_app.simulator.state import SellerAccount, SimulatorState
from saleor_asc_app.simulator.wire import parse_iso


class SimError(Exception):
    """Answer with Amazon's `{"errors": [...]}` shape."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def invalid(message: str, details: str | None = None) -> SimError:
    return SimError(400, "InvalidInput", message, details)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def error_body(code: str, message: str, details: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"errors": [error]}


def error_response(error: SimError, headers: dict[str, str] | None = None) -> Response:
    return json_response(error_body(error.code, error.message, error.details), error.status, headers)


class Query:
    """Query parameters with Swagger 2.0 semantics: arrays are comma-separated or repeated."""

    def __init__(self, request: Request) -> None:
        self._params = request.query_params

    def names(self) -> set[str]:
        return set(self._params.keys())

    def multi(self) -> dict[str, list[str]]:
        return {name: self._params.getlist(name) for name in self._params}

    def string(self, name: str, *, required: bool = False) -> str | None:
        values = self._params.getlist(name)
        if not values:
            if required:
                raise invalid(f"Missing required parameter {name}.")
            return None
        if len(values) > 1:
            raise invalid(f"Parameter {name} must be given once.")
        return values[0]

    def array(self, name: str, *, max_items: int | None = None, enum: tuple[str, ...] | None = None) -> list[str]:
        items = [part for value in self._params.getlist(name) for part in value.split(",") if part]
        if max_items is not None and len(items) > max_items:
            raise invalid(f"Parameter {name} accepts at most {max_items} values.")
        if enum is not None:
            for item in items:
                if item not in enum:
                    raise invalid(f"Invalid value {item!r} for {name}.")
        return items

    def datetime(self, name: str) -> datetime | None:
        value = self.string(name)
        if value is None:
            return None
        try:
            return parse_iso(value)
        except ValueError:
            raise invalid(f"Invalid {name}: expected an ISO 8601 date-time.") from None

    def integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        value = self.string(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise invalid(f"Invalid {name}: expected an integer.") from None
        if not minimum <= number <= maximum:
            raise invalid(f"{name} must be between {minimum} and {maximum}.")
        return number

    def boolean(self, name: str) -> bool | None:
        value = self.string(name)
        if value is None:
            return None
        if value.lower() not in ("true", "false"):
            raise invalid(f"Invalid {name}: expected true or false.")
        return value.lower() == "true"


@dataclass
class Call:
    """One authenticated SP-API request, as handlers see it."""

    request: Request
    state: SimulatorState
    seller: SellerAccount
    now: datetime
    query: Query
    body: Any

    @property
    def base_url(self) -> str:
        return str(self.request.base_url).rstrip("/")

    def path(self, name: str) -> str:
        return str(self.request.path_params[name])

    def document_url(self, document_id: str) -> str:
        return f"{self.base_url}/_simulator/documents/{document_id}"
