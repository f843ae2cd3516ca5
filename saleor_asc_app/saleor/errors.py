"""Errors of calls to Saleor's GraphQL API.

    AppError
    └── SaleorError                 any failed Saleor call (502)
        ├── SaleorUnavailable       5xx, 429, timeout or connection failure: retry later (503)
        ├── SaleorAuthError         401/403, unknown or expired token, PermissionDenied (401)
        ├── SaleorGraphQLError      top-level GraphQL `errors` (invalid document or variables, crash) (502)
        └── SaleorMutationError     a mutation answered with a non-empty `errors` list (422)

`orderBulkCreate` row errors are not exceptions: they are per-row data in `results[].errors`.

Messages are safe to log: values Saleor echoes back in quotes, e-mail addresses and tokens are redacted.
The raw error dicts stay on the exception (`errors`) for code that needs them and must not log them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saleor_asc_app.errors import AppError
from saleor_asc_app.logging import redact_text

_QUOTED = re.compile(r"""'[^']*'|"[^"]*"|\{.*\}""", re.DOTALL)


def safe_message(message: str | None, *, limit: int = 300) -> str:
    """A Saleor message with echoed input values removed, fit for logs and staff-facing errors."""
    if not message:
        return ""
    text = redact_text(_QUOTED.sub("'…'", message))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SaleorError(AppError):
    status_code = 502
    code = "SALEOR_ERROR"


class SaleorUnavailable(SaleorError):
    status_code = 503
    code = "SALEOR_UNAVAILABLE"

    def __init__(self, message: str, *, http_status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after


class SaleorAuthError(SaleorError):
    status_code = 401
    code = "SALEOR_AUTH"

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class SaleorGraphQLError(SaleorError):
    code = "SALEOR_GRAPHQL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        data: Mapping[str, Any] | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = list(errors)
        self.data = data
        self.http_status = http_status

    @property
    def exception_codes(self) -> list[str]:
        """`extensions.exception.code` of every error, e.g. `PermissionDenied`, `KeyError`."""
        return [error_exception_code(error) for error in self.errors]


@dataclass(frozen=True)
class MutationErrorDetail:
    """One entry of a mutation's `errors`: `field` for most mutations, `path` for bulk mutations."""

    field: str | None
    code: str | None
    message: str | None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> MutationErrorDetail:
        field = raw.get("field", raw.get("path"))
        code = raw.get("code")
        message = raw.get("message")
        return cls(
            field=str(field) if field is not None else None,
            code=str(code) if code is not None else None,
            message=str(message) if message is not None else None,
        )


class SaleorMutationError(SaleorError):
    status_code = 422
    code = "SALEOR_MUTATION_ERROR"

    def __init__(self, mutation: str, errors: Sequence[MutationErrorDetail]) -> None:
        self.mutation = mutation
        self.errors = list(errors)
        first = self.errors[0] if self.errors else MutationErrorDetail(None, None, None)
        self.field = first.field
        self.error_code = first.code
        self.saleor_message = first.message
        parts = [f"{e.code or 'ERROR'} on {e.field or '-'}: {safe_message(e.message)}" for e in self.errors[:5]]
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"Saleor {mutation} failed: " + "; ".join(parts) + more)

    @property
    def codes(self) -> list[str | None]:
        return [e.code for e in self.errors]


def error_exception_code(error: Mapping[str, Any]) -> str:
    extensions = error.get("extensions")
    if isinstance(extensions, Mapping):
        exception = extensions.get("exception")
        if isinstance(exception, Mapping) and exception.get("code"):
            return str(exception["code"])
        if extensions.get("code"):
            return str(extensions["code"])
    return ""
