"""Sample sheets shipped with hyoka (``hyoka demo``, tests): see README.md in this folder.

- ``seeds/*.txt``: the text of two 事業改善シート PDFs published by 長野県;
- ``national.ndjson``: seven 行政事業レビューシート records from JUDGIT! (CC BY 4.0).

Example::

    for path in seed_files():
        parsed = parse_file(path)
"""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
SEEDS = SAMPLES / "seeds"
NATIONAL = SAMPLES / "national.ndjson"


def seed_files(folder: Path = SEEDS) -> list[Path]:
    """The prefecture's sample sheet texts, sorted; an error naming the folder when none."""
    found = sorted(folder.glob("*.txt"))
    if not found:
        raise FileNotFoundError(f"見本のシートが見つかりません: {folder}")
    return found


def national_files(folder: Path = SAMPLES) -> list[Path]:
    """The national sample records (JUDGIT! NDJSON files), sorted; possibly none."""
    return sorted(folder.glob("*.ndjson"))
