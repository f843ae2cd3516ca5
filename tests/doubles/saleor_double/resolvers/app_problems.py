"""appProblemCreate / appProblemDismiss (Saleor 3.22+): aggregation by key, critical threshold, 100 per app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.ids import pk_of
from tests.doubles.saleor_double.models import AppProblem
from tests.doubles.saleor_double.resolvers.base import ctx, resolver

MAX_PROBLEMS_PER_APP = 100
MAX_MESSAGE = 2048


def _error(field: str | None, code: str, message: str) -> list[dict[str, Any]]:
    return [{"field": field, "code": code, "message": message}]


@resolver("Mutation", "appProblemCreate")
def resolve_app_problem_create(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    app = context.principal.app
    assert app is not None  # AUTHENTICATED_APP is enforced from the schema description
    message, key = str(input["message"]), str(input["key"])
    if len(message) < 3:
        return {
            "appProblem": None,
            "errors": _error("message", "INVALID", "Ensure this value has at least 3 characters."),
        }
    if not 3 <= len(key) <= 128:
        return {"appProblem": None, "errors": _error("key", "INVALID", "Key must be between 3 and 128 characters.")}
    message = message[:MAX_MESSAGE]
    raw_period = input.get("aggregationPeriod")
    period = 60 if raw_period is None else int(raw_period)
    threshold = input.get("criticalThreshold")
    now = state.clock.now()
    mine = sorted(
        (p for p in state.app_problems.values() if p.app_pk == app.pk), key=lambda p: (p.created_at, int(p.pk))
    )
    latest = next(
        (p for p in reversed(mine) if p.key == key and not p.dismissed_by_app),
        None,
    )
    if latest is not None and period > 0 and now - latest.updated_at < timedelta(minutes=period):
        latest.count += 1
        latest.message = message
        latest.updated_at = now
        if threshold is not None:
            latest.critical_threshold = int(threshold)
        return {"appProblem": latest, "errors": []}
    problem = AppProblem(
        pk=state.next_pk(),
        app_pk=app.pk,
        key=key,
        message=message,
        created_at=now,
        updated_at=now,
        critical_threshold=int(threshold) if threshold is not None else None,
        aggregation_period=period,
    )
    state.app_problems[problem.pk] = problem
    for old in mine[: max(0, len(mine) + 1 - MAX_PROBLEMS_PER_APP)]:
        del state.app_problems[old.pk]
    return {"appProblem": problem, "errors": []}


@resolver("Mutation", "appProblemDismiss")
def resolve_app_problem_dismiss(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    given = [k for k in ("byApp", "byStaffWithIds", "byStaffWithKeys") if input.get(k)]
    if len(given) != 1:
        return {"errors": _error(None, "INVALID", "Exactly one of byApp, byStaffWithIds, byStaffWithKeys is required.")}
    app = context.principal.app
    if given[0] != "byApp" or app is None:
        # Staff dismissal (MANAGE_APPS) is not something this app does; the double only models the app side.
        return {"errors": _error(given[0], "INVALID", "Only apps can use byApp; staff dismissal is not modelled.")}
    by_app = input["byApp"]
    ids, keys = by_app.get("ids"), by_app.get("keys")
    if bool(ids) == bool(keys):
        return {"errors": _error("byApp", "INVALID", "Provide either ids or keys, not both.")}
    if ids:
        pks = [pk_of(i, "AppProblem") for i in ids]
        problems = [state.app_problems.get(pk or "") for pk in pks]
        if any(p is None for p in problems):
            return {"errors": _error("ids", "NOT_FOUND", "App problem not found.")}
        if any(p is not None and p.app_pk != app.pk for p in problems):
            return {"errors": _error("ids", "OUT_OF_SCOPE_APP", "Cannot dismiss problems of another app.")}
        targets = [p for p in problems if p is not None]
    else:
        targets = [p for p in state.app_problems.values() if p.app_pk == app.pk and p.key in (keys or [])]
    for problem in targets:
        problem.dismissed_by_app = True
    return {"errors": []}


@resolver("App", "problems")
def resolve_app_problems(app: Any, info: GraphQLResolveInfo, limit: int | None = None) -> list[AppProblem]:
    problems = sorted(
        (p for p in ctx(info).state.app_problems.values() if p.app_pk == app.pk),
        key=lambda p: p.created_at,
        reverse=True,
    )
    return problems[:limit] if limit else problems
