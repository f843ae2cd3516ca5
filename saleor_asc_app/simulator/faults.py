"""Faults injected on request, per seller (or for everyone) and optionally per operation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    SERVER_ERROR = "server_error"  # 500 InternalFailure
    SERVICE_UNAVAILABLE = "service_unavailable"  # 503 ServiceUnavailable
    TIMEOUT = "timeout"  # no answer for `SimulatorState.timeout_seconds`, then a 503
    MALFORMED_BODY = "malformed_body"  # 200 with a truncated JSON body
    THROTTLE = "throttle"  # 429 QuotaExceeded whatever the bucket holds
    INVALID_GRANT = "invalid_grant"  # the seller's authorization is revoked (until re-authorized)
    INVALID_CLIENT = "invalid_client"  # LWA rejects the app's client secret
    LWA_SERVER_ERROR = "lwa_server_error"  # LWA answers 500 server_error
    LWA_TEMPORARILY_UNAVAILABLE = "lwa_temporarily_unavailable"  # LWA answers 503

    @property
    def at_lwa(self) -> bool:
        return self in (
            FaultKind.INVALID_CLIENT,
            FaultKind.LWA_SERVER_ERROR,
            FaultKind.LWA_TEMPORARILY_UNAVAILABLE,
        )


@dataclass
class FaultRule:
    kind: FaultKind
    seller_id: str | None = None  # None: every seller (and grantless LWA calls)
    operation: str | None = None  # None: every SP-API operation
    remaining: int | None = 1  # None: until cleared
    fired: int = 0

    def applies(self, seller_id: str | None, operation: str | None, lwa: bool) -> bool:
        if self.kind.at_lwa != lwa or self.remaining == 0:
            return False
        if self.seller_id is not None and self.seller_id != seller_id:
            return False
        return lwa or self.operation is None or self.operation == operation


class FaultBook:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule

    def clear(self, seller_id: str | None = None) -> None:
        self.rules = [r for r in self.rules if seller_id is not None and r.seller_id != seller_id]

    def take(self, seller_id: str | None, operation: str | None, *, lwa: bool) -> FaultKind | None:
        for rule in self.rules:
            if rule.applies(seller_id, operation, lwa):
                if rule.remaining is not None:
                    rule.remaining -= 1
                rule.fired += 1
                return rule.kind
        return None
