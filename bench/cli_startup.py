"""Benchmark: how long the ``hyoka`` command takes to start, and what it imports.

    uv run python bench/cli_startup.py [--runs 10]

Prints the best wall time of --runs subprocess runs of ``hyoka --help``, ``hyoka parse``
of a sample sheet and ``python -c "import hyoka.cli"``, the CPU time (user + system) of
that best run, and the modules of the heavy libraries each one loads (SQLAlchemy,
Typst, FastAPI, Starlette, uvicorn, openpyxl, pdfplumber, …): none for the first
three. The best run is the figure to compare: the machine is shared, and slower runs
measure the other work on it. Bytecode matters: where PYTHONDONTWRITEBYTECODE is set,
sources without a compiled ``__pycache__`` are compiled again on every start (``make
setup`` compiles the installed packages and ``src``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hyoka.cli._lazy import HEAVY_MODULES as HEAVY

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seeds" / "000_8759d722d40dd0bd.txt"

# Runs the real entry point and writes the top-level packages it loaded to a file.
TRACE = """
import atexit, json, sys
listing = sys.argv[1]
def dump():
    with open(listing, "w") as f:
        json.dump(sorted(sys.modules), f)
atexit.register(dump)
sys.argv = ["hyoka", *sys.argv[2:]]
if sys.argv[1:] == ["--import-only"]:
    import hyoka.cli
else:
    from hyoka.cli import main
    main()
"""


def hyoka_script() -> str:
    found = Path(sys.executable).parent / "hyoka"
    return str(found) if found.exists() else (shutil.which("hyoka") or "hyoka")


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """The best wall time of ``runs`` runs, and the CPU time of the child in that run."""
    best = (float("inf"), 0.0)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def heavy_modules(args: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "modules.json"
        subprocess.run(
            [sys.executable, "-c", TRACE, str(listing), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "COLUMNS": "80"},
        )
        loaded: list[str] = json.loads(listing.read_text())
    # "sqlalchemy (212)": the package and how many of its modules were imported.
    counts = {
        prefix: sum(1 for name in loaded if name == prefix or name.startswith(prefix + "."))
        for prefix in HEAVY
    }
    return [f"{prefix} ({count})" for prefix, count in counts.items() if count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    hyoka = hyoka_script()
    cases = [
        ("hyoka --help", [hyoka, "--help"], ["--help"]),
        (f"hyoka parse {SEED.name}", [hyoka, "parse", str(SEED)], ["parse", str(SEED)]),
        (
            'python -c "import hyoka.cli"',
            [sys.executable, "-c", "import hyoka.cli"],
            ["--import-only"],
        ),
        ('python -c "pass"', [sys.executable, "-c", "pass"], None),
    ]
    compiled = any((ROOT / "src" / "hyoka" / "__pycache__").glob("*.pyc"))
    print(f"best of {options.runs} runs; src/hyoka compiled to bytecode: {compiled}")
    print(f"{'command':42} {'wall s':>7} {'cpu s':>6}  heavy modules loaded")
    for label, command, trace in cases:
        wall, cpu = timed(command, options.runs)
        loaded = "" if trace is None else (", ".join(heavy_modules(trace)) or "none")
        print(f"{label:42} {wall:7.3f} {cpu:6.3f}  {loaded}")


if __name__ == "__main__":
    main()
