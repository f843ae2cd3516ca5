"""Typed errors of the SP-API client.

    AppError
    └── SpApiError                 code, message, status, request_id, operation
        ├── SpApiClientError       a 4xx answer: fix the request or the account, do not retry blindly
        │   ├── InvalidInput       400
        │   ├── AccessDenied       401 / 403 (token rejected, role missing, wrong host)
        │   ├── NotFound           404
        │   └── QuotaExceeded      429 after the retries ran out
        ├── SpApiServerError       5xx after the retries ran out
        ├── SpApiTimeout           no answer in time
        ├── SpApiConnectionError   the connection failed
        ├── MalformedResponse      a 2xx answer whose body does not match the model
        └── LwaError               the Login with Amazon token endpoint refused
            ├── AuthorizationRevoked      invalid_grant on a refresh token: revoked or expired
            ├── AuthorizationCodeInvalid  invalid_grant on an authorization code: expired or used
            ├── ClientSecretInvalid       invalid_client: the app's client secret is wrong or expired
            └── LwaUnavailable            server_error / temporarily_unavailable after the retries

Messages are built from Amazon's error code and message only, after redaction: never a token,
a secret or buyer data.
"""

from __future__ import annotations

from saleor_asc_app.errors import AppError
from saleor_asc_app.logging import redact_text


class SpApiError(AppError):
    status_code = 502
    code = "SPAPI_ERROR"
    retryable = False

    def __init__(
        self,
        code: str,
        message: str,
        status: int | None = None,
        request_id: str | None = None,
        *,
        operation: str | None = None,
        details: str | None = None,
    ) -> None:
        self.amazon_code = code
        self.status = status
        self.request_id = request_id
        self.operation = operation
        self.details = redact_text(details) if details else None
        safe = redact_text(message)
        where = f"{operation}: " if operation else ""
        context = [f"HTTP {status}"] if status is not None else []
        if request_id:
            context.append(f"request id {request_id}")
        suffix = f" ({', '.join(context)})" if context else ""
        super().__init__(f"{where}{code}: {safe}{suffix}", code=self.code)
        self.amazon_message = safe

    @property
    def error_code(self) -> str:
        return self.amazon_code


class SpApiClientError(SpApiError):
    code = "SPAPI_CLIENT_ERROR"


class InvalidInput(SpApiClientError):
    code = "SPAPI_INVALID_INPUT"


class AccessDenied(SpApiClientError):
    code = "SPAPI_ACCESS_DENIED"


class NotFound(SpApiClientError):
    code = "SPAPI_NOT_FOUND"


class QuotaExceeded(SpApiClientError):
    code = "SPAPI_QUOTA_EXCEEDED"
    retryable = True


class SpApiServerError(SpApiError):
    code = "SPAPI_SERVER_ERROR"
    retryable = True


class SpApiTimeout(SpApiError):
    code = "SPAPI_TIMEOUT"
    retryable = True


class SpApiConnectionError(SpApiError):
    code = "SPAPI_CONNECTION_ERROR"
    retryable = True


class MalformedResponse(SpApiError):
    code = "SPAPI_MALFORMED_RESPONSE"


class LwaError(SpApiError):
    code = "LWA_ERROR"


class AuthorizationRevoked(LwaError):
    """The seller's refresh token no longer works: the seller must authorize the app again."""

    code = "LWA_AUTHORIZATION_REVOKED"


class AuthorizationCodeInvalid(LwaError):
    """The OAuth code expired (after 5 minutes) or was already exchanged."""

    code = "LWA_AUTHORIZATION_CODE_INVALID"


class ClientSecretInvalid(LwaError):
    """The app's LWA client id or secret is wrong or expired: an operator must rotate it."""

    code = "LWA_CLIENT_SECRET_INVALID"


class LwaUnavailable(LwaError):
    code = "LWA_UNAVAILABLE"
    retryable = True
