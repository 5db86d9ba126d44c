"""The ``hyoka`` group loads a command's module only when that command runs.

Importing every area (the store, SQLAlchemy, the web stack, WeasyPrint) cost 1.5–2.5 s
before any command started; ``hyoka --help`` and ``hyoka parse`` need none of it. The
group lists the commands from :data:`COMMANDS` (name, module, one-line help) and imports
the module when the command is resolved, which registers it on the one Typer ``app``.
``tests/test_cli_startup.py`` checks that this table matches the real commands.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import TYPE_CHECKING, NamedTuple

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    # Typer's own copy of Click, whose classes TyperGroup extends.
    from typer import _click as click


# What `hyoka --help` and `hyoka parse` must not load (tests/test_cli_startup.py checks,
# bench/cli_startup.py reports): the store, the web stack, the renderers and their libraries.
HEAVY_MODULES = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "typst",
    "pypdf",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "openpyxl",
    "pdfplumber",
    "argon2",
    "pydantic_settings",
    "hyoka.store",
    "hyoka.web",
    "hyoka.render",
    "hyoka.analytics",
)


class LazyCommand(NamedTuple):
    module: str
    help: str  # the first paragraph of the command's help, shown in ``hyoka --help``


# In the order of ``hyoka --help``.
COMMANDS: dict[str, LazyCommand] = {
    "parse": LazyCommand(
        "hyoka.cli.sheets", "Parse one sheet and print it as JSON on stdout (no database needed)."
    ),
    "import": LazyCommand(
        "hyoka.cli.sheets", "Import sheets into the store, each file in one transaction."
    ),
    "check": LazyCommand(
        "hyoka.cli.sheets", "Print the findings of the rules for every stored sheet."
    ),
    "export": LazyCommand(
        "hyoka.cli.sheets",
        "Write what is stored as JSON, CSV, per-sheet workbooks or the open-data tables.",
    ),
    "schema": LazyCommand(
        "hyoka.cli.sheets",
        "Print the JSON Schema of a sheet (docs/sheet.schema.json is generated with this).",
    ),
    "template": LazyCommand(
        "hyoka.cli.workbook",
        "Write a blank workbook for a new sheet (fill it in, then `hyoka import` it).",
    ),
    "render": LazyCommand(
        "hyoka.cli.render",
        "Render sheets as PDF (A4 landscape, official layout) or standalone HTML.",
    ),
    "report": LazyCommand(
        "hyoka.cli.reports",
        "複数のシートにまたがる分析レポート（達成率・執行率・単位コスト・目標未達のおそれ・推移・品質）",
    ),
    "serve": LazyCommand(
        "hyoka.cli.web", "Serve the web portal (public pages, API, staff pages) over the store."
    ),
    "demo": LazyCommand(
        "hyoka.cli.web",
        "Serve a SQLite store with the sample sheets and three accounts whose passwords it prints.",
    ),
    "user": LazyCommand(
        "hyoka.cli.users", "職員アカウントの追加・一覧・役割変更・無効化・パスワード変更"
    ),
    "cycle": LazyCommand("hyoka.cli.cycles", "評価サイクルの期限（年度・段階ごと）の設定と一覧"),
}


def load_all() -> None:
    """Import every command's module (for the documentation checks and the tests)."""
    for entry in COMMANDS.values():
        importlib.import_module(entry.module)


class LazyGroup(TyperGroup):
    """Lists :data:`COMMANDS` without importing them; imports one when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        loaded = [name for name in self.commands if name not in COMMANDS]
        return [*COMMANDS, *loaded]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # For listing: a stand-in carrying the help line, unless the module is loaded.
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name].help)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.commands[args[0]] = load_command(args[0])
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            # Typer suggests among the loaded commands only; suggest among all of them.
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if self.suggest_commands and matches and "Did you mean" not in error.message:
                suggestions = ", ".join(f"{match!r}" for match in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


def load_command(name: str) -> click.Command:
    """The real command ``name``: its module imported, its Click command built by Typer."""
    import typer.main

    importlib.import_module(COMMANDS[name].module)
    return typer.main.get_group(app).commands[name]


# The one ``hyoka`` app: area modules register their commands on it (via cli._common).
app = typer.Typer(
    name="hyoka",
    help="hyoka (評価): 事業改善シートの取り込み・点検・保存・書き出し",
    no_args_is_help=True,
    add_completion=False,
    cls=LazyGroup,
)


@app.callback()
def _hyoka() -> None:
    # A group even while only some command modules are loaded (see cli/_lazy.py).
    pass
