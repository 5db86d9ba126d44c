"""Public HTML pages (no login)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from hyoka.web.deps import TemplatesDep

router = APIRouter()


@router.get("/", name="index")
def index(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "index.html", {})
