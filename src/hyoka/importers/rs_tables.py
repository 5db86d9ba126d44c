"""Reading the RS system's CSV tables: which table a file is, and its rows by 予算事業ID.

The bulk download of 行政事業レビュー見える化サイト（RSシステム）(内閣官房行政改革推進本部
事務局) is one ZIP per table, each holding one UTF-8 CSV with a BOM. A table is told by its
header row (:data:`SIGNATURES`), never by its file name or values; columns are found by
name, compared after NFKC with every dash (ー, －, -) as one, so that the download's mixed
「点検・改善ー点検結果」「点検・改善－目標年度…」 and the two spellings of the first columns
(府省庁の建制順 / 建制順) are read alike.

:func:`grouped` streams one table as (予算事業ID, rows) in ascending id order, each row a
:class:`Line` with the physical line it starts on (a cell may hold line breaks). Every table
of the download is sorted by 予算事業ID; one that is not is spooled once through a temporary
SQLite file, so memory stays flat either way.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from hyoka.importers.limits import MAX_RECORD_BYTES

csv.field_size_limit(MAX_RECORD_BYTES)

ID_COLUMN = "予算事業ID"
COMMON_COLUMNS = (
    "シート種別",
    "事業年度",
    "予算事業ID",
    "事業名",
    "府省庁の建制順",
    "政策所管府省庁",
    "府省庁",
    "局・庁",
    "部",
    "課",
    "室",
    "班",
    "係",
)
"""The 13 columns every table starts with (the README of the download)."""

_ALIASES = {"建制順": "府省庁の建制順", "所管府省庁": "政策所管府省庁"}
_DASHES = str.maketrans({char: "-" for char in "ー－‐−–—―"})

# A column that only this table has, in the order tried (6-1's 備考 alone comes last).
SIGNATURES: tuple[tuple[str, str], ...] = (
    ("4-1", "事業所管部局による点検・改善-点検結果"),
    ("3-2", "派生元-アクティビティ・アウトプット・アウトカムの番号"),
    ("2-1", "当初予算(合計)"),
    ("2-2", "予算種別"),
    ("5-4", "契約先名(国庫債務負担行為等による契約)"),
    ("5-2", "支出元の支出先ブロック"),
    ("5-3", "費目"),
    ("1-5", "番号(関連事業)"),
    ("1-4", "番号(補助率等)"),
    ("1-3", "番号(政策・施策)"),
    ("1-2", "事業の目的"),
    ("1-1", "作成責任者"),
    ("6-1", "備考"),
)
TABLE_NAMES = {
    "1-1": "組織情報",
    "1-2": "事業概要等",
    "1-3": "政策・施策、法令等",
    "1-4": "補助率等",
    "1-5": "関連事業",
    "2-1": "予算・執行サマリ",
    "2-2": "予算種別・歳出予算項目",
    "3-2": "目標のつながり",
    "4-1": "点検・評価",
    "5-2": "支出ブロックのつながり",
    "5-3": "費目・使途",
    "5-4": "国庫債務負担行為等による契約",
    "6-1": "その他備考",
}


def column_key(name: str) -> str:
    """A header name as compared: NFKC, no spaces, every dash one ``-``, aliases resolved.

    >>> column_key("事業所管部局による点検・改善ー点検結果") == column_key("事業所管部局による点検・改善－点検結果")
    True
    """
    key = unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "")
    key = key.translate(_DASHES).strip()
    return _ALIASES.get(key, key)


class TableError(Exception):
    """A file that is not an RS table or cannot be read on (a bad header, a damaged zip)."""

    def __init__(self, file: str, line: int, column: str, reason: str) -> None:
        super().__init__(f"{file} {line}行目 {column}: {reason}")
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Line:
    """One CSV record: the physical line it starts on and its cells by column key."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Source:
    """One CSV of the download: where it is (a file, or a member of a ZIP) and its size."""

    path: Path
    member: str | None
    size: int  # bytes of CSV (uncompressed), for the progress bar

    @property
    def name(self) -> str:
        return self.member or self.path.name


def find_sources(paths: list[Path]) -> list[Source]:
    """The CSVs in these ZIPs, CSV files and folders (of either), in name order."""
    found: list[Source] = []
    for path in paths:
        if path.is_dir():
            inner = sorted(
                item for item in path.iterdir() if item.suffix.lower() in (".zip", ".csv")
            )
            found.extend(find_sources(inner))
        elif path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = [
                        item
                        for item in archive.infolist()
                        if item.filename.lower().endswith(".csv") and not item.is_dir()
                    ]
            except (zipfile.BadZipFile, OSError) as error:
                raise TableError(path.name, 0, "", f"ZIPとして読めません({error})") from None
            found.extend(Source(path, item.filename, item.file_size) for item in members)
        else:
            found.append(Source(path, None, path.stat().st_size))
    return found


def is_rs_path(path: Path) -> bool:
    """Whether ``hyoka import`` should read this path as RS tables: a folder or ZIP holding
    CSVs, or a CSV, whose header is one of an RS table."""
    if path.is_file() and path.suffix.lower() not in (".zip", ".csv"):
        return False
    try:
        sources = find_sources([path])
    except (TableError, OSError):
        return path.suffix.lower() == ".zip"
    if not sources:
        return False
    try:
        with _opened(sources[0], None) as stream:
            header = next(csv.reader(stream), [])
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, csv.Error):
        return False
    return table_of(header) is not None


def table_of(header: list[str]) -> str | None:
    """The table number (``"4-1"``) of a header row, or None when it is not an RS table."""
    keys = [column_key(name) for name in header]
    if keys[: len(COMMON_COLUMNS)] != [column_key(name) for name in COMMON_COLUMNS]:
        return None
    rest = set(keys[len(COMMON_COLUMNS) :])
    for table, signature in SIGNATURES:
        if signature in rest and (table != "6-1" or rest == {"備考"}):
            return table
    return None


class _Counting(io.RawIOBase):
    """A binary stream that reports the bytes read (the progress bar's unit)."""

    def __init__(self, raw: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if self._progress is not None and data:
            self._progress(len(data))
        return len(data)


@contextmanager
def _opened(source: Source, progress: Callable[[int], None] | None) -> Iterator[IO[str]]:
    with source.path.open("rb") as file:
        if source.member is None:
            raw: IO[bytes] = file
            archive = None
        else:
            archive = zipfile.ZipFile(file)
            raw = archive.open(source.member)
        try:
            counted = io.BufferedReader(_Counting(raw, progress), buffer_size=1 << 16)
            yield io.TextIOWrapper(counted, encoding="utf-8-sig", newline="")
        finally:
            raw.close()
            if archive is not None:
                archive.close()


@dataclass
class Table:
    """An opened RS table: its number, its column keys and a stream of its records."""

    number: str
    source: Source
    columns: list[str]


@contextmanager
def open_table(
    source: Source, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[Table, Iterator[Line]]]:
    """Open a table: (the table, a stream of its records), while the context is open.

    A header that is not an RS table's, or a file that cannot be read on, raises
    :class:`TableError` (while reading: from the stream, with the line reached).
    """
    try:
        with _opened(source, progress) as stream:
            reader = csv.reader(stream)
            header = next(reader, None)
            if header is None:
                raise TableError(source.name, 1, "", "空のファイルです")
            number = table_of(header)
            if number is None:
                raise TableError(
                    source.name,
                    1,
                    "",
                    "RSシステムの表の見出し行ではありません(先頭の13列と表の列名)",
                )
            columns = [column_key(name) for name in header]
            yield Table(number, source, columns), _lines(reader, columns, source.name)
    except UnicodeDecodeError as error:
        raise TableError(source.name, 1, "", f"UTF-8として読めません({error.reason})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise TableError(source.name, 0, "", f"読めません({error})") from None


def _lines(reader: Iterator[list[str]], columns: list[str], name: str) -> Iterator[Line]:
    width = len(columns)
    line = 2  # the header is line 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise TableError(name, line, "", f"CSVとして読めません({error})") from None
        except UnicodeDecodeError as error:
            raise TableError(name, line, "", f"UTF-8として読めません({error.reason})") from None
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise TableError(name, line, "", f"この行から先が読めません({error})") from None
        start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
        if not row:
            continue
        if len(row) != width:
            yield Line(start, {"": f"列の数が見出しと違います({len(row)}列、見出しは{width}列)"})
            continue
        yield Line(start, dict(zip(columns, row, strict=True)))


def row_id(line: Line) -> int | None:
    """The 予算事業ID of a record, or None when it has none that is a whole number."""
    text = unicodedata.normalize("NFKC", line.cells.get(ID_COLUMN, "")).strip()
    return int(text) if text.isdigit() else None


def is_sorted(source: Source) -> bool:
    """Whether the table's records come in ascending 予算事業ID (one quick pass)."""
    last = -1
    with open_table(source) as (_, lines):
        for line in lines:
            current = row_id(line)
            if current is None:
                continue
            if current < last:
                return False
            last = current
    return True


Grouped = Iterator[tuple[int | None, list[Line]]]


def grouped(table: Table, lines: Iterator[Line], *, sorted_ids: bool) -> Grouped:
    """The table's records as (予算事業ID, records) in ascending id order.

    A record without a usable id comes alone as (None, [record]), where it stood.
    ``sorted_ids=False``: the table is read once into a temporary SQLite file and given back
    in id order from there.
    """
    if not sorted_ids:
        yield from _spooled(lines)
        return
    current: int | None = None
    group: list[Line] = []
    for line in lines:
        number = row_id(line)
        if number is None:
            yield None, [line]
            continue
        if number != current and group:
            yield current, group
            group = []
        current = number
        group.append(line)
    if group:
        yield current, group


def _spooled(lines: Iterator[Line]) -> Grouped:
    handle, name = tempfile.mkstemp(suffix=".sqlite", prefix="hyoka-rs-")
    os.close(handle)
    try:
        with sqlite3.connect(name) as spool:
            spool.execute("CREATE TABLE line (id INTEGER, number INTEGER, cells BLOB)")
            for line in lines:
                number = row_id(line)
                if number is None:
                    yield None, [line]
                    continue
                spool.execute(
                    "INSERT INTO line VALUES (?, ?, ?)",
                    (number, line.number, orjson.dumps(line.cells)),
                )
            current: int | None = None
            group: list[Line] = []
            for number, start, cells in spool.execute(
                "SELECT id, number, cells FROM line ORDER BY id, number"
            ):
                if number != current and group:
                    yield current, group
                    group = []
                current = number
                group.append(Line(start, orjson.loads(cells)))
            if group:
                yield current, group
        spool.close()
    finally:
        Path(name).unlink(missing_ok=True)
