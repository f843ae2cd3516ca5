"""The error root of the app. Each error carries the HTTP status it maps to and a safe message.

Messages never contain secrets or buyer data: they are shown to staff and written to logs.
"""

from __future__ import annotations


class AppError(Exception):
    status_code = 500
    code = "INTERNAL"

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code


class BadRequest(AppError):
    status_code = 400
    code = "BAD_REQUEST"


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"


class UpstreamError(AppError):
    """A dependency (Saleor, Amazon, SMTP) failed in a way worth retrying."""

    status_code = 502
    code = "UPSTREAM"
