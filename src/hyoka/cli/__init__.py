"""The ``hyoka`` command.

Each area registers its commands on the one Typer ``app`` in its own module; a command
parses its options, calls one library function and formats the result.
"""

from __future__ import annotations

from hyoka.cli import (
    cycles,  # noqa: F401  (registers its commands)
    render,  # noqa: F401  (registers its commands)
    reports,  # noqa: F401  (registers its commands)
    sheets,  # noqa: F401  (registers its commands)
    users,  # noqa: F401  (registers its commands)
    web,  # noqa: F401  (registers its commands)
    workbook,  # noqa: F401  (registers its commands)
)
from hyoka.cli._common import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry point
    app()
