"""What the staff page modules share: loading a sheet reference, rendering a page."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from starlette.responses import Response

from hyoka.display import SEVERITY_LABELS
from hyoka.store.staff.workflow import SheetNotFound, SheetRef, sheet_ref
from hyoka.web.deps import SessionDep, TemplatesDep


def load_ref(session: SessionDep, sheet_id: int) -> SheetRef:
    try:
        return sheet_ref(session=session, sheet_id=sheet_id)
    except SheetNotFound:
        raise HTTPException(status_code=404) from None


def render(
    request: Request, templates: TemplatesDep, name: str, page: Any, status_code: int = 200
) -> Response:
    response = templates.TemplateResponse(
        request,
        name,
        {"page": page, "severity_labels": SEVERITY_LABELS},
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"  # drafts and forms stay off caches
    return response
