"""How much input an importer takes: sizes checked before any parsing starts.

Every limit is far above what a real sheet needs (the figures below are the largest
seen) and low enough that a hostile or broken file is refused in well under a second
instead of running for minutes or taking gigabytes. A file past a limit is refused with
:class:`~hyoka.importers.errors.ImportFailed` (or, for a JUDGIT! line, a skipped record)
naming the file, the limit and what was found.

>>> check_size("sheet.txt", 2 * MAX_TEXT_BYTES, MAX_TEXT_BYTES, "テキスト")
Traceback (most recent call last):
...
hyoka.importers.errors.ImportFailed: sheet.txt: 取り込めません (1件の問題)
  - sheet.txt: [ファイル] テキストが大きすぎます(2.0 MB、上限 1.0 MB)
"""

from __future__ import annotations

import zipfile
from typing import IO

from hyoka.importers.errors import ImportFailed, Problem

MAX_TEXT_BYTES = 1 << 20
"""A sheet's extracted text (.txt). The seeds are 13 and 18 kB; 1 MB is some fifty sheets."""

MAX_PDF_BYTES = 20 << 20
"""A sheet PDF. The published ones are 100–300 kB."""

MAX_WORKBOOK_BYTES = 10 << 20
"""A workbook file as uploaded or imported (.xlsx, compressed). hyoka writes ~30 kB."""

MAX_WORKBOOK_UNPACKED_BYTES = 50 << 20
"""A workbook's parts once unpacked, summed from the zip's central directory before
openpyxl reads any of it (zipfile stops each part at its declared size, so the directory
cannot understate it). hyoka's workbooks unpack to ~200 kB; a zip bomb of 2.6 MB that
unpacks to 764 MB of XML ran for minutes at 3 GB."""

MAX_WORKBOOK_PARTS = 1_000
"""Files inside a workbook's zip (hyoka's have about 20)."""

MAX_RECORD_BYTES = 8 << 20
"""One JUDGIT! line (one national sheet). The largest in 2019–2022 is 0.23 MB."""

MAX_COMPONENTS = 200
"""Components (or their descriptions) in a sheet's 細事業一覧. The seeds have 7 and 10;
matching them is cubic in their number."""


def megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"


def check_size(source: str, size: int, limit: int, what: str) -> None:
    """Refuse input of ``size`` bytes past ``limit`` (``what``: the kind, in Japanese)."""
    if size > limit:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ファイル", f"{what}が大きすぎます({megabytes(size)}、上限 {megabytes(limit)})"
                )
            ],
        )


def check_workbook_zip(source: str, file: IO[bytes]) -> None:
    """Refuse a workbook whose zip holds too many parts or unpacks past the limit.

    Reads only the central directory; ``file`` is left at its start. A file that is not a
    zip passes here and is refused by openpyxl with its own reason.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    finally:
        file.seek(0)
    if len(parts) > MAX_WORKBOOK_PARTS:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ファイル",
                    f"ブックの中のファイルが多すぎます({len(parts)}個、上限 {MAX_WORKBOOK_PARTS}個)",
                )
            ],
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ファイル",
                    f"ブックを展開すると大きすぎます({megabytes(unpacked)}、"
                    f"上限 {megabytes(MAX_WORKBOOK_UNPACKED_BYTES)})",
                )
            ],
        )
