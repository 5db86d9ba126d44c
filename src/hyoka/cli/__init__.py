"""The ``hyoka`` command.

Each area registers its commands on the one Typer ``app`` in its own module; a command
parses its options, calls one library function and formats the result. A module is
imported only when one of its commands runs (``cli/_lazy.py`` lists them), so that
``hyoka --help`` and ``hyoka parse`` start without the store, the web or the renderers.
"""

from __future__ import annotations

from hyoka.cli._common import app
from hyoka.cli._lazy import COMMANDS, load_all

__all__ = ["COMMANDS", "app", "load_all", "main"]


def main() -> None:  # pragma: no cover - console entry point
    app()
