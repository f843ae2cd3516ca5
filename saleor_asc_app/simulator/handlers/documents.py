"""The pre-signed document URLs: feed uploads (PUT) and result/report downloads (GET)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from saleor_asc_app.simulator.handlers.feeds import DOCUMENT_URL_LIFETIME
from saleor_asc_app.simulator.state import SimulatorState


def _state(request: Request) -> SimulatorState:
    state: SimulatorState = request.app.state.simulator
    return state


async def upload_document(request: Request) -> Response:
    state = _state(request)
    document = state.documents.get(request.path_params["document_id"])
    if document is None or document.compression is not None:
        return PlainTextResponse("NoSuchKey", status_code=404)
    if state.now() > document.created + DOCUMENT_URL_LIFETIME:
        return PlainTextResponse("AccessDenied: Request has expired", status_code=403)
    if request.headers.get("content-type") != document.content_type:
        # The signature of the pre-signed URL covers the Content-Type given to createFeedDocument.
        return PlainTextResponse("SignatureDoesNotMatch", status_code=403)
    document.content = await request.body()
    return Response(status_code=200)


async def download_document(request: Request) -> Response:
    state = _state(request)
    document = state.documents.get(request.path_params["document_id"])
    if document is None or document.content is None:
        return PlainTextResponse("NoSuchKey", status_code=404)
    return Response(document.content, media_type=document.content_type)
