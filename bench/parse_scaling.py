"""Benchmark: parse time of a seed sheet's text repeated 1, 2, 4 and 10 times.

    uv run python bench/parse_scaling.py [--copies 1 2 4 10] [--seed tests/data/seeds/…]

Each copy follows the last after two blank lines (a page break), as a file holding the
same sheet several times would. Prints, per count, the wall time of ``parse_sheet_text``
and its outcome: the number of sub-projects read, or the refusal (a text past
``importers.limits.MAX_COMPONENTS`` components is refused before the matching, which is
cubic in their number). Issue 12: before the placement search was bounded, 2 copies took
13.8–41 s, 4 copies more than 60 s and 10 copies more than 170 s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hyoka.importers import ImportFailed
from hyoka.importers.sheet_text import parse_sheet_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4, 10])
    parser.add_argument("--seed", type=Path, action="append", help="default: every seed")
    options = parser.parse_args()
    for seed in options.seed or SEEDS:
        text = seed.read_text(encoding="utf-8")
        for copies in options.copies:
            raw = "\n\n\n".join([text] * copies)
            started = time.perf_counter()
            try:
                parsed = parse_sheet_text(raw, source=seed.name)
                outcome = f"{len(parsed.sheet.sub_projects)} sub-projects"
            except ImportFailed as error:
                outcome = f"refused: {error.problems[0].message}"
            elapsed = time.perf_counter() - started
            print(
                f"{seed.name[:3]} ×{copies:<3} {len(raw.encode()) / 1000:7.0f} kB {elapsed:7.2f} s  {outcome}"
            )


if __name__ == "__main__":
    main()
