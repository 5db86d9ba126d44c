"""The demo store: a fresh SQLite file holding the sample sheets of both kinds.

The samples ship with the package (:mod:`hyoka.samples`): two 長野県「事業改善シート」 texts
and a few national 行政事業レビューシート records from JUDGIT!. ``hyoka demo`` and the
browser tests both build their store with :func:`create_demo_database`.
"""

from __future__ import annotations

from pathlib import Path

from hyoka.importers import parse_file
from hyoka.importers.judgit_import import import_files
from hyoka.samples import SAMPLES, national_files, seed_files
from hyoka.store import create_engine_for, migrate, save_sheet, transaction


def sample_files(folder: Path = SAMPLES) -> list[Path]:
    """Every sample file: the prefecture's texts (required), then the national records."""
    return [*seed_files(folder / "seeds"), *national_files(folder)]


def create_demo_database(path: Path, *, samples: Path = SAMPLES) -> str:
    """Replace ``path`` by a new SQLite store holding the sample sheets; return its URL.

    ``samples`` is a folder laid out like :mod:`hyoka.samples` (``seeds/*.txt``, and
    ``*.ndjson`` of national records).
    """
    texts, national = seed_files(samples / "seeds"), national_files(samples)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = create_engine_for(url)
    try:
        migrate(engine)
        for file in texts:
            parsed = parse_file(file)
            with transaction(engine) as session:
                save_sheet(session=session, sheet=parsed.sheet, source=file.name)
        if national:
            summary = import_files(engine=engine, paths=national)
            if summary.problems:
                raise ValueError(
                    "見本の国のシートを取り込めません: " + summary.problems[0].describe()
                )
    finally:
        engine.dispose()
    return url
