"""The public JSON API under /api (read-only)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["公開API"])
