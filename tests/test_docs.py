"""The README and CHANGES.md cannot drift from the code.

- every ``hyoka`` command and subcommand appears in the README's section "Using the
  ``hyoka`` command", and every ``hyoka X …`` line there names real commands and options;
- the Layout section names every module and package under ``src/hyoka`` and nothing that
  does not exist;
- CHANGES.md starts with an "Unreleased" section.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer.main

from hyoka.cli import app, load_all

if TYPE_CHECKING:
    from typer._click import Command

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "src" / "hyoka"


def section(title: str) -> str:
    """The text of the README's ``## title`` section, up to the next ``## ``."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def code_lines(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


# --- the command list ----------------------------------------------------------------------


def commands() -> dict[str, Command]:
    """Every command by its path (``parse``, ``user add`` …); groups too (``user``)."""
    load_all()
    found: dict[str, Command] = {}

    def walk(prefix: str, command: Command) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            found[path] = sub
            walk(path, sub)

    walk("", typer.main.get_group(app))
    return found


@dataclass
class Usage:
    """One ``hyoka X [Y|Z]`` of the README, with the long options written after it."""

    line: str
    paths: list[str]
    options: set[str] = field(default_factory=set)


COMMAND_WORD = re.compile(r"\bhyoka ((?:[a-z][a-z-]*)(?: [a-z][a-z|-]*)?)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def usages() -> list[Usage]:
    """The ``hyoka …`` commands of the section's code blocks (one or more a line).

    ``hyoka report achievement|execution`` names two subcommands; the options after a
    command on its line (``--program/--year`` too) must be options of those commands.
    """
    known = commands()
    groups = {path for path, command in known.items() if hasattr(command, "commands")}
    found = []
    for line in code_lines(section("Using the `hyoka` command")):
        matches = list(COMMAND_WORD.finditer(line))
        for index, match in enumerate(matches):
            first, _, second = match.group(1).partition(" ")
            if first in groups and second:
                paths = [f"{first} {sub}" for sub in second.split("|")]
            else:
                paths = [first]  # a second word is an argument (``hyoka user add admin``)
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
            options = set(OPTION.findall(line[match.end() : end]))
            found.append(Usage(line, paths, options))
    return found


def test_section_has_commands() -> None:
    assert len(usages()) > 10


def test_every_command_is_in_the_readme() -> None:
    documented = {path for usage in usages() for path in usage.paths}
    # A group (``hyoka user``) is documented by its subcommands.
    leaves = {path for path, command in commands().items() if not hasattr(command, "commands")}
    missing = sorted(leaves - documented)
    assert not missing, f"add a `uv run hyoka …` line to the README for: {missing}"


def test_every_readme_command_exists() -> None:
    known = commands()
    unknown = [
        (usage.line, path) for usage in usages() for path in usage.paths if path not in known
    ]
    assert not unknown
    groups = [
        usage.line for usage in usages() for path in usage.paths if hasattr(known[path], "commands")
    ]
    assert not groups, "name the subcommand of a group: `hyoka user add`, not `hyoka user`"


def test_every_readme_option_exists() -> None:
    known = commands()
    wrong = []
    for usage in usages():
        for path in usage.paths:
            options = {
                option for param in known[path].params for option in getattr(param, "opts", [])
            } | {"--help"}
            wrong += [(path, option) for option in sorted(usage.options - options)]
    assert not wrong, f"options the README gives but the command does not have: {wrong}"


# --- the layout ------------------------------------------------------------------------------


# ``model.py``, ``staff*.py``, ``migrations/`` (not ``table/CSV``, nor 目標/見込).
NAME = re.compile(r"(?<![\w./*-])([A-Za-z0-9_*]+\.py|[A-Za-z0-9_*]+/(?![A-Za-z0-9]))")


@dataclass
class Entry:
    """What the Layout says of one package: the file names it gives, and its text."""

    names: set[str] = field(default_factory=set)
    text: str = ""

    def mentions(self, name: str) -> bool:
        """By file name (``pdf.py``, ``staff*.py``, ``migrations/``) or, for a module of
        a subpackage, at least by its bare name (``achievement`` for achievement.py)."""
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.names):
            return True
        stem = name.removesuffix(".py")
        return (
            name.endswith(".py") and re.search(rf"(?<![\w.]){stem}(?![\w])", self.text) is not None
        )


def layout() -> dict[str, Entry]:
    """The Layout block by package: ``""`` for ``src/hyoka`` itself, ``"store"``,
    ``"store/schema"`` …

    A line indented by two spaces starts with a top-level entry; the names after it on
    the line (and on the deeper-indented lines that follow) belong to that entry's package,
    or to the top level when the entry is a module (``model.py … eras.py …``). A line
    indented by four spaces that starts with a folder (``schema/``) is a subpackage of the
    top-level package above it, named in that package, with its own names after it.
    """
    block = code_lines(section("Layout"))
    assert block[0] == "src/hyoka/", "the Layout block starts with src/hyoka/"
    entries: dict[str, Entry] = {"": Entry()}
    current = top = ""
    for line in block[1:]:
        if not line.startswith(" "):
            break  # tests/, bench/: outside the package
        names = NAME.findall(line)
        indent = len(line) - len(line.lstrip(" "))
        if indent == 2 and names:
            first = names.pop(0)
            entries[""].names.add(first)
            current = top = first.removesuffix("/") if first.endswith("/") else ""
            entries.setdefault(current, Entry())
        elif indent == 4 and top and names and names[0].endswith("/"):
            first = names.pop(0)
            entries[top].names.add(first)
            current = f"{top}/{first.removesuffix('/')}"
            entries.setdefault(current, Entry())
        entries[current].names.update(names)
        entries[current].text += line + "\n"
    return entries


def _exists(folder: Path, name: str) -> bool:
    if name.endswith("/"):
        return any(path.is_dir() for path in folder.glob(name.removesuffix("/")))
    return any(path.is_file() for path in folder.glob(name))


def _contents(folder: Path) -> list[str]:
    """The modules (``x.py``) and packages (``x/``) of a package, but ``__init__.py``."""
    modules = [path.name for path in folder.glob("*.py") if path.name != "__init__.py"]
    packages = [
        f"{path.name}/"
        for path in folder.iterdir()
        if path.is_dir() and (path / "__init__.py").exists()
    ]
    return sorted(modules + packages)


def test_layout_names_every_module_and_package() -> None:
    entries = layout()
    top = entries[""]
    missing = [
        name
        for name in _contents(PACKAGE)
        if name not in top.names
        and not any(fnmatch.fnmatchcase(name, pattern) for pattern in top.names)
    ]
    packages = [name.removesuffix("/") for name in top.names if name.endswith("/")]
    while packages:
        package = packages.pop(0)
        entry = entries.get(package, Entry())
        for name in _contents(PACKAGE / package):
            if not entry.mentions(name):
                missing.append(f"{package}/{name}")
            elif f"{package}/{name.removesuffix('/')}" in entries:
                # A subpackage on a line of its own: its modules are checked too.
                packages.append(f"{package}/{name.removesuffix('/')}")
    assert not missing, f"the README's Layout does not name: {missing}"


@pytest.mark.parametrize("package", sorted(layout()))
def test_layout_names_only_what_exists(package: str) -> None:
    folder = PACKAGE / package
    absent = sorted(name for name in layout()[package].names if not _exists(folder, name))
    assert not absent, f"the README's Layout names, in src/hyoka/{package}, what is not there"


# --- the changelog ---------------------------------------------------------------------------


def test_changes_start_with_unreleased() -> None:
    text = (ROOT / "CHANGES.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings, "CHANGES.md has ## sections"
    assert headings[0] == "## Unreleased"
    first = text.index("## Unreleased")
    entries = text[first : text.find("\n## ", first + 1)]
    assert re.search(r"^- ", entries, re.MULTILINE), "the Unreleased section lists changes"


def test_readme_links_the_changelog() -> None:
    assert "CHANGES.md" in README
