"""``hyoka --help`` and ``hyoka parse`` start without the heavy libraries.

The command modules are imported when their command runs (``cli/_lazy.py``); these tests
run the real entry point in a fresh interpreter and read what it imported. They time
nothing: ``bench/cli_startup.py`` prints the figures.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer.main

from hyoka.cli import COMMANDS, app, load_all
from hyoka.cli._lazy import HEAVY_MODULES as HEAVY

if TYPE_CHECKING:
    from typer._click import Command

SEED = Path(__file__).parent / "data" / "seeds" / "000_8759d722d40dd0bd.txt"

# Runs ``hyoka ARGS…`` as the console script does, then prints the modules it imported.
TRACE = """
import atexit, json, sys
atexit.register(lambda: print("\\nMODULES " + json.dumps(sorted(sys.modules))))
sys.argv = ["hyoka", *sys.argv[1:]]
from hyoka.cli import app
app()
"""


def imported_by(*args: str) -> tuple[int, set[str]]:
    """The exit code of ``hyoka ARGS`` and the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", TRACE, *args], capture_output=True, text=True, check=False
    )
    line = done.stdout.rpartition("\nMODULES ")[2]
    return done.returncode, set(json.loads(line))


def heavy(modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if any(name == prefix or name.startswith(prefix + ".") for prefix in HEAVY)
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param([], id="no-arguments"),
        pytest.param(["parse", str(SEED)], id="parse"),
        pytest.param(["parse", "--help"], id="parse-help"),
    ],
)
def test_command_imports_no_heavy_library(args: list[str]) -> None:
    code, modules = imported_by(*args)
    assert code in (0, 2)  # no arguments: the help, with exit code 2
    assert heavy(modules) == []
    if args[:1] == ["parse"]:
        assert "hyoka.cli.sheets" in modules
    else:
        assert "hyoka.cli.sheets" not in modules


def test_a_command_loads_only_its_own_area() -> None:
    code, modules = imported_by("schema")
    assert code == 0
    loaded = {name for name in modules if name.startswith("hyoka.cli.")}
    assert loaded == {"hyoka.cli._common", "hyoka.cli._lazy", "hyoka.cli.sheets"}


def real_commands() -> dict[str, Command]:
    load_all()
    return dict(typer.main.get_group(app).commands)


def test_lazy_table_names_every_command() -> None:
    assert sorted(real_commands()) == sorted(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_lazy_entry_matches_the_command(name: str) -> None:
    """Its module defines the command; its help line is the command's first paragraph."""
    command = real_commands()[name]
    callbacks = [
        command.callback,
        *(sub.callback for sub in getattr(command, "commands", {}).values()),
    ]
    modules = {inspect.unwrap(callback).__module__ for callback in callbacks if callback}
    assert COMMANDS[name].module in modules
    first_paragraph = (command.help or "").split("\n\n")[0].strip()
    assert COMMANDS[name].help == first_paragraph
