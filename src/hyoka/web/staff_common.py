"""What the staff page modules share: loading a sheet reference, rendering a page."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from hyoka.display import SEVERITY_LABELS
from hyoka.store import transaction
from hyoka.store.staff.accounts import list_users
from hyoka.store.staff.refs import SheetNotFound, SheetRef, sheet_ref
from hyoka.web.deps import SessionDep, TemplatesDep


def display_names(session: Session) -> dict[str, str]:
    """Every account's display name by login, looked up once for a page that names people."""
    return {user.login: user.display_name or user.login for user in list_users(session=session)}


def person(request: Request, login: str) -> str:
    """The display name of the account ``login`` (the login if there is none), for templates.

    The accounts are read once per request, on the first name a page shows.
    """
    names: dict[str, str] | None = getattr(request.state, "display_names", None)
    if names is None:
        with transaction(request.app.state.engine) as session:
            names = display_names(session)
        request.state.display_names = names
    return names.get(login) or login


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
