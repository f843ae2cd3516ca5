"""Fault injection: the next N requests (optionally of one operation) fail the way an overloaded Saleor does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    kind: str  # "status" (answer with `status`), "delay" (answer late), "disconnect" (drop the connection)
    status: int = 503
    delay_seconds: float = 0.0
    retry_after: str | None = None


@dataclass
class _Planned:
    operation: str | None
    fault: Fault
    remaining: int


class FaultPlan:
    def __init__(self) -> None:
        self._planned: list[_Planned] = []

    def add(self, fault: Fault, *, operation: str | None = None, times: int = 1) -> None:
        if times > 0:
            self._planned.append(_Planned(operation, fault, times))

    def take(self, operation_name: str | None) -> Fault | None:
        """The fault for this request, if one is planned; each use counts down its plan."""
        for planned in self._planned:
            if planned.operation is None or planned.operation == operation_name:
                planned.remaining -= 1
                if planned.remaining <= 0:
                    self._planned.remove(planned)
                return planned.fault
        return None

    def clear(self) -> None:
        self._planned.clear()
