"""The package layout keeps its direction: imports go one way, never in a circle, and no
module reaches into another's private names.

    cli, web  →  importers, render, analytics, reviews, accounts, logins  →  store  →  rows
    →  rules
    →  model (model, eras, stages, settings, display, numbers, fonts, revisions, corrections,
    samples)

A module may import modules of its own layer or of the layers to its right. Every import
counts, also one inside a function (a lazy import still ties the two modules together).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).parent.parent / "src"
LAYERS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "model",
            "eras",
            "stages",
            "settings",
            "display",
            "numbers",
            "fonts",
            "revisions",
            "corrections",
            "samples",
        }
    ),
    frozenset({"rules"}),
    frozenset({"rows"}),
    frozenset({"store"}),
    frozenset({"importers", "render", "analytics", "reviews", "accounts", "logins"}),
    frozenset({"cli", "web"}),
)


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the module imported (a name imported from a module resolves to it)
    name: str | None  # the name taken with ``from … import name``
    line: int


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SOURCE / "hyoka").rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Alembic loads them by path; they import nothing of ours but the store
        name = ".".join(path.with_suffix("").relative_to(SOURCE).parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports() -> Iterator[Import]:
    for module, path in MODULES.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}".rstrip(".")
                if not base.startswith("hyoka"):
                    continue
                for alias in node.names:
                    whole = f"{base}.{alias.name}"
                    if whole in MODULES:
                        yield Import(module, whole, None, node.lineno)
                    else:
                        yield Import(module, _resolve(base), alias.name, node.lineno)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("hyoka"):
                        yield Import(module, _resolve(alias.name), None, node.lineno)


IMPORTS = [item for item in _imports() if item.target != item.importer]


def _layer(module: str) -> int:
    parts = module.split(".")
    area = parts[1] if len(parts) > 1 else "model"
    for rank, names in enumerate(LAYERS):
        if area in names:
            return rank
    raise AssertionError(f"{module}: its area {area!r} is in no layer of tests/test_layout.py")


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def test_imports_go_one_way() -> None:
    against = [
        f"{item.importer}:{item.line} imports {item.target}"
        for item in IMPORTS
        if _layer(item.target) > _layer(item.importer)
    ]
    assert against == []


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [
        f"{item.importer}:{item.line} imports {item.name} from {item.target}"
        for item in IMPORTS
        if item.name is not None and item.name.startswith("_") and item.name != "__version__"
    ]
    assert private == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for item in IMPORTS:
        # A package's __init__ re-exporting its modules is not a cycle with them.
        if (
            item.importer.startswith(item.target + ".")
            and MODULES[item.target].name == "__init__.py"
        ):
            continue
        graph[item.importer].add(item.target)
    return graph


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert _cycles(graph) == expected
