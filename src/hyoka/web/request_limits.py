"""How much a request may carry: the whole body, and the fields of a form.

Every body is bounded before anything reads it (:class:`BodyLimit`, a plain ASGI
middleware): a declared ``Content-Length`` over :data:`MAX_BODY_BYTES` is refused at once,
and a body sent without one is counted as it arrives. Both answer the Japanese 413 page of
:mod:`hyoka.web.app`. Forms are parsed with :data:`MAX_FORM_FIELDS` (Starlette's default of
1,000 is less than the edit form of a long sheet has).

Starlette's own ``RequestBodyLimitMiddleware`` (FastAPI's ``max_body_size``) answers a
declared oversize body with a plain English "Content Too Large"; this one raises the 413
inside the app, so that the Japanese page (and the API's JSON) answer it.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 8 * 1024 * 1024
"""A workbook upload (5 MB, ``staff_workbooks.MAX_UPLOAD_BYTES``) with room to spare."""

MAX_FORM_FIELDS = 10_000
"""Fields one form may post: a long sheet's edit form has a few thousand."""

TOO_LARGE = "Request body too large"
"""The detail of the 413 (the app's error page words it in Japanese)."""


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` (413) before the app reads them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            receive = _refusing(receive)  # the app's error handler answers, as for any 413
        else:
            receive = _counting(receive, self.max_bytes)
        await self.app(scope, receive, send)


def _refusing(receive: Receive) -> Receive:
    async def refuse() -> Message:
        raise HTTPException(status_code=413, detail=TOO_LARGE)

    return refuse


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(status_code=413, detail=TOO_LARGE)
        return message

    return counted
