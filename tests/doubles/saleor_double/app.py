"""The double's ASGI app: `POST /graphql/` and `GET /.well-known/jwks.json`, plus the transport that gives
in-process calls real HTTP failure semantics (timeouts, dropped connections)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import httpx
from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    get_operation_ast,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.doubles.saleor_double.auth import resolve_principal, token_from_headers
from tests.doubles.saleor_double.recording import RecordedRequest
from tests.doubles.saleor_double.resolvers.base import Context, default_resolver, permission_middleware
from tests.doubles.saleor_double.schemas import Violation

if TYPE_CHECKING:
    from tests.doubles.saleor_double.double import SaleorDouble

MUTATION_COUNT_LIMIT = 4


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    if error.original_error is not None and "extensions" not in formatted:
        formatted["extensions"] = {"exception": {"code": type(error.original_error).__name__}}
    return formatted


def _errors_response(errors: list[GraphQLError], status: int) -> JSONResponse:
    return JSONResponse({"errors": [format_error(e) for e in errors]}, status_code=status)


def create_double_app(double: SaleorDouble) -> Starlette:
    async def jwks(_request: Request) -> Response:
        return JSONResponse(double.keys.jwks())

    async def graphql_endpoint(request: Request) -> Response:
        body = await request.body()
        record = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        double.requests.append(record)
        response = await _handle(double, request, body, record)
        record.status = response.status_code
        return response

    return Starlette(
        routes=[
            Route("/graphql/", graphql_endpoint, methods=["POST"]),
            Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        ]
    )


async def _handle(double: SaleorDouble, request: Request, body: bytes, record: RecordedRequest) -> Response:
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return _errors_response([GraphQLError("Unable to parse query.")], 400)
    if not isinstance(payload, dict):
        return _errors_response([GraphQLError("Batched queries are disabled (GRAPHQL_BATCH_MAX_COUNT=1).")], 400)
    query, variables = payload.get("query"), payload.get("variables") or {}
    operation_name = payload.get("operationName")
    record.query, record.variables, record.operation_name = query, variables, operation_name
    if not isinstance(query, str) or not query:
        return _errors_response([GraphQLError("Must provide a query string.")], 400)

    fault = double.faults.take(operation_name)
    if fault is not None:
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            return JSONResponse({"errors": [{"message": "Injected fault"}]}, fault.status, headers=headers)
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_seconds)
        if fault.kind == "disconnect":
            raise ConnectionResetError("injected: connection dropped")

    document, rejected = double.checker.check(query)
    if document is None:
        return _errors_response(rejected[0][1], 400)
    if rejected:
        errors: list[GraphQLError] = []
        for label, schema_errors in rejected:
            double.violations.append(Violation(label, operation_name, tuple(e.message for e in schema_errors), query))
            errors.extend(GraphQLError(f"[{label}] {e.message}") for e in schema_errors)
        return _errors_response(errors, 400)
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return _errors_response([GraphQLError("Unknown operation named or no operation selected.")], 400)
    if _mutation_count(operation) > MUTATION_COUNT_LIMIT:
        message = f"Operation contains more than {MUTATION_COUNT_LIMIT} mutations."
        return _errors_response([GraphQLError(message)], 400)

    principal = resolve_principal(token_from_headers(dict(request.headers)), double.state, double.keys)
    context = Context(state=double.state, principal=principal, api_url=double.api_url)
    result = execute(
        double.schema,
        document,
        variable_values=variables,
        operation_name=operation_name,
        context_value=context,
        middleware=[permission_middleware],
        field_resolver=default_resolver,
    )
    assert isinstance(result, ExecutionResult)
    out: dict[str, Any] = {}
    if result.errors:
        out["errors"] = [format_error(e) for e in result.errors]
    if result.data is None and result.errors:
        return JSONResponse(out, status_code=400)
    out["data"] = result.data
    record.response = out
    return JSONResponse(out)


def _mutation_count(operation: OperationDefinitionNode) -> int:
    if operation.operation is not OperationType.MUTATION:
        return 0
    return sum(1 for selection in operation.selection_set.selections if isinstance(selection, FieldNode))


class DoubleTransport(httpx.AsyncBaseTransport):
    """ASGI transport to the double that honours the request's read timeout and injected disconnects."""

    def __init__(self, app: Starlette) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            if timeout is None:
                return await self._inner.handle_async_request(request)
            return await asyncio.wait_for(self._inner.handle_async_request(request), timeout)
        except TimeoutError:
            raise httpx.ReadTimeout("injected: Saleor did not answer in time", request=request) from None
        except ConnectionResetError:
            raise httpx.RemoteProtocolError("injected: server disconnected", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
