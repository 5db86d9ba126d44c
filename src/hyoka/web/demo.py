"""The demo store: a fresh SQLite file holding the two sample sheets.

The samples are the seed texts in ``tests/data/seeds`` (長野県「事業改善シート」, see the
README there); ``hyoka demo`` and the browser tests both build their store with
:func:`create_demo_database`.
"""

from __future__ import annotations

from pathlib import Path

from hyoka.importers import parse_file
from hyoka.store import create_engine_for, migrate, save_sheet, transaction

SAMPLES = Path(__file__).resolve().parents[3] / "tests" / "data" / "seeds"


def sample_files(folder: Path = SAMPLES) -> list[Path]:
    """The sample sheet texts, sorted; an error naming the folder when there are none."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"見本のシートが見つかりません: {folder}")
    return files


def create_demo_database(path: Path, *, samples: Path = SAMPLES) -> str:
    """Replace ``path`` by a new SQLite store holding the sample sheets; return its URL."""
    files = sample_files(samples)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = create_engine_for(url)
    try:
        migrate(engine)
        for file in files:
            parsed = parse_file(file)
            with transaction(engine) as session:
                save_sheet(session=session, sheet=parsed.sheet, source=file.name)
    finally:
        engine.dispose()
    return url
