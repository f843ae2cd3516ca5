"""``POST /api/graphql``: the dashboard API over HTTP.

The dashboard token is verified before anything is parsed or executed: a request without a valid token of this
app gets a GraphQL-shaped error and a 401/403 status, and nothing runs. Queries only travel by POST with a JSON
body (no GET queries, so no cross-site request can read or change data). GraphiQL is served on GET only in debug.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from saleor_asc_app.dashboard.auth import authenticate
from saleor_asc_app.dashboard.context import DashboardContext
from saleor_asc_app.dashboard.store_directory import SaleorStoreDirectory
from saleor_asc_app.errors import AppError
from saleor_asc_app.logging import get_logger
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState

if TYPE_CHECKING:
    from strawberry import Schema

log = get_logger(__name__)

API_PATH = "/api/graphql"
TOKEN_HEADER = "authorization-bearer"
SALEOR_API_URL_HEADER = "saleor-api-url"
MAX_BODY_BYTES = 256 * 1024
INTERNAL_ERROR = "Something went wrong on the app's side; the error was logged. Try again in a moment."


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}, status)


def _format(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | AppError):
        formatted: dict[str, Any] = dict(error.formatted)
        if isinstance(original, AppError):
            formatted["extensions"] = {"code": original.code}
        return formatted
    log.error("dashboard API resolver failed", error_type=type(original).__name__, path=error.path)
    return {"message": INTERNAL_ERROR, "path": error.path, "extensions": {"code": "INTERNAL"}}


class DashboardApi:
    def __init__(self, settings: Settings) -> None:
        self._debug = settings.debug
        self._built: Schema | None = None

    def _schema(self) -> Schema:
        """Built on the first request: strawberry and the schema (about 6 MiB) stay out of a process whose
        dashboard is never opened, such as a worker importing orders."""
        if self._built is None:
            from saleor_asc_app.dashboard.schema import build_schema  # on first use, for memory (see above)

            self._built = build_schema(debug=self._debug)
        return self._built

    async def handle(self, request: Request) -> Response:
        if request.method == "GET":
            if self._debug:
                from strawberry.http.ides import get_graphql_ide_html  # debug only, for memory (see _schema)

                return HTMLResponse(get_graphql_ide_html(graphql_ide="graphiql"))
            return _error("Send GraphQL queries as POST requests.", "METHOD_NOT_ALLOWED", 405)
        state: AppState = request.app.state.asc
        try:
            user = await authenticate(
                state, request.headers.get(TOKEN_HEADER), request.headers.get(SALEOR_API_URL_HEADER)
            )
        except AppError as exc:
            return _error(exc.message, exc.code, exc.status_code)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _error("Send the query as JSON (Content-Type: application/json).", "BAD_REQUEST", 415)
        try:
            body = await request.body()
        except ClientDisconnect:  # the page went away mid-request: nobody to answer, nothing to run
            return Response(status_code=400)
        if len(body) > MAX_BODY_BYTES:
            return _error("The request is too large.", "BAD_REQUEST", 413)
        try:
            payload = json.loads(body)
            query = payload["query"]
            variables = payload.get("variables") or {}
            operation_name = payload.get("operationName")
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            return _error("The body must be a JSON object with a “query” string.", "BAD_REQUEST", 400)
        context = DashboardContext(
            user=user,
            settings=state.settings,
            sessionmaker=state.sessionmaker,
            secret_box=state.secret_box,
            clock=state.clock,
            store=SaleorStoreDirectory(state.http_client, state.secret_box),
            app_state=state,
        )
        result = await self._schema().execute(
            query, variable_values=variables, context_value=context, operation_name=operation_name
        )
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [_format(e) for e in result.errors]
        return JSONResponse(response, headers={"cache-control": "no-store"})


def routes(settings: Settings) -> list[Route]:
    return [Route(API_PATH, DashboardApi(settings).handle, methods=["GET", "POST"])]
