"""The national 行政事業レビューシート as published by JUDGIT! (gzip NDJSON, one sheet a line).

Source: GitHub judgit/data, restructured from 内閣官房「行政事業レビューシートの主要事項の
データベース」, licence CC BY 4.0 — credit 「JUDGIT! / 内閣官房 行政事業レビュー」.

Each line becomes one :class:`hyoka.model.Sheet` (``kind = national``, stage 点検: the sheet
published in 公開年度 reviews the execution of the year before — 執行額, 成果実績 — and
shows the current budget and the next request; it is the review version of the yearly
cycle). Keys are read by name, never by position, and every shape seen across years is
accepted: missing keys, nulls, numbers as text (``"1,234"``, ``"－"`` for none, ``△`` for
minus), a scalar where a list is expected. Money (百万円, with yen fractions such as
47.966256) is turned into ``Decimal`` through the shortest repr of the float, so that no
binary rounding enters. A record that cannot be read is reported with file, line, field and
reason, and skipped.

Storing the sheets of whole files is :mod:`hyoka.importers.judgit_import`.
"""

from __future__ import annotations

import gzip
import math
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import ValidationError

from hyoka.importers.limits import MAX_RECORD_BYTES
from hyoka.model import (
    MoneyUnit,
    Sheet,
    SheetKind,
    Stage,
    ValueKind,
)
from hyoka.numbers import FigureError, figure, from_number
from hyoka.store.sheets.lineage import national_program_number

PLAUSIBLE_YEARS = range(1868, 2101)
"""Years a program's start, end or final target can be in (明治 onwards, this century)."""
_SUFFIXES = (".ndjson.gz", ".jsonl.gz", ".ndjson", ".jsonl")
_NONE_MARKS = {"", "-", "ー", "―", "‐", "—", "…", "・", "*", "なし", "null", "None"}
_BUDGET_FIELDS = {
    "initial_budget": "当初予算",
    "supplementary": "補正予算",
    "carried_over": "前年度から繰越し",
    "carried_forward": "翌年度へ繰越し",
    "reserve": "予備費等",
    "total": "予算計",
    "executed": "執行額",
    "requested": "要求額",
}


class RecordError(ValueError):
    """A field of a record that cannot be read."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def is_judgit_file(path: Path) -> bool:
    """Whether the file is JUDGIT! NDJSON: by its name, or by the keys of its first record."""
    name = path.name.lower()
    if not name.endswith(_SUFFIXES):
        return False
    try:
        with path.open("rb") as raw:
            stream: IO[bytes] = (
                gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
                if name.endswith(".gz")
                else raw
            )
            first = next((line for line in stream if line.strip()), b"")
        record = orjson.loads(first)
    except (OSError, EOFError, zlib.error):
        # Named as JUDGIT! but damaged: read_lines reports where, with the reason.
        return name.endswith(".gz") and path.is_file()
    except orjson.JSONDecodeError:
        return False
    return isinstance(record, dict) and "府省庁" in record and "事業名" in record


class UnreadableFile(Exception):
    """A file that cannot be read on from a line: a corrupt or cut gzip, a read error.

    The lines before it were read; ``line`` is the first that could not be.
    """

    def __init__(self, file: str, line: int, reason: str) -> None:
        super().__init__(f"{file} {line}行目: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


def read_lines(
    path: Path, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, bytes | None]]:
    """(line number, text) of each non-empty line, streaming; text None for a line past
    :data:`~hyoka.importers.limits.MAX_RECORD_BYTES` (its bytes are skipped, not kept).

    ``progress`` receives how many bytes of the file (compressed) were read since its last
    call. A gzip that is corrupt or cut short raises :class:`UnreadableFile` after the
    lines before the damage.
    """
    number = 0
    try:
        with path.open("rb") as raw:
            stream: IO[bytes] = (
                gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
                if path.name.lower().endswith(".gz")
                else raw
            )
            done = 0
            while line := stream.readline(MAX_RECORD_BYTES + 1):
                number += 1
                if progress is not None and number % 200 == 0:
                    position = raw.tell()
                    progress(position - done)
                    done = position
                if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                    # Read past the rest of the line in bounded pieces.
                    while (rest := stream.readline(MAX_RECORD_BYTES)) and not rest.endswith(b"\n"):
                        pass
                    yield number, None
                elif line.strip():
                    yield number, line
            if progress is not None:
                progress(raw.tell() - done)
    except EOFError:
        raise UnreadableFile(
            path.name, number + 1, "gzip が途中で切れています(それより後は読めません)"
        ) from None
    except (OSError, zlib.error) as error:
        # gzip.BadGzipFile is an OSError: not a gzip, or its data is damaged.
        raise UnreadableFile(
            path.name,
            number + 1,
            f"gzip として読めません(壊れています: {error}); それより後は読めません",
        ) from None


def sheet_from_record(record: Any, warnings: list[RecordError] | None = None) -> Sheet:
    """One JUDGIT! record as a national sheet; :class:`RecordError` names a bad field.

    A year outside :data:`PLAUSIBLE_YEARS` in 開始年度, 終了年度 or 目標最終年度 (the data has
    開始年度 2 and 目標最終年度 4048) is kept as unknown and reported in ``warnings``.
    """
    found: list[RecordError] = [] if warnings is None else warnings
    if not isinstance(record, dict):
        raise RecordError("", f"JSONオブジェクトではありません({type(record).__name__})")
    year = _int(record.get("公開年度"), "公開年度")
    if year is None:
        raise RecordError("公開年度", "ありません")
    if year not in PLAUSIBLE_YEARS:
        raise RecordError(
            "公開年度",
            f"ありえない年度です({_shown(record.get('公開年度'))}; "
            f"{PLAUSIBLE_YEARS.start}〜{PLAUSIBLE_YEARS.stop - 1})",
        )
    ministry = _text(record.get("府省庁"), "府省庁")
    if not ministry:
        raise RecordError("府省庁", "ありません")
    name = _text(record.get("事業名"), "事業名")
    if not name:
        raise RecordError("事業名", "ありません")
    printed = _text(record.get("事業番号"), "事業番号") or "-".join(
        _text(record.get(f"事業番号{part}"), f"事業番号{part}")
        for part in range(1, 6)
        if record.get(f"事業番号{part}") not in (None, "")
    )
    if not printed:
        raise RecordError("事業番号", "ありません")
    try:
        # One model_validate of plain data: pydantic-core checks it all at once, several
        # times faster than building each nested model in Python.
        return Sheet.model_validate(
            dict(
                header=dict(
                    kind=SheetKind.NATIONAL,
                    program_number=national_program_number(year, ministry, printed),
                    program_name=name,
                    department=ministry,
                    bureau=_text(record.get("担当部局庁"), "担当部局庁"),
                    section=_text(record.get("担当課室"), "担当課室"),
                    start_year=_year_or_unknown(record.get("開始年度"), "開始年度", found),
                    end_year=_year_or_unknown(record.get("終了年度"), "終了年度", found),
                    fiscal_year=year,
                    stage=Stage.REVIEW,
                ),
                purpose=_text(record.get("事業目的"), "事業目的"),
                summary=_text(record.get("事業概要"), "事業概要"),
                methods=_texts(record.get("実施方法"), "実施方法"),
                accounts=_texts(record.get("会計区分"), "会計区分"),
                policies=_texts(record.get("主要施策"), "主要施策"),
                responsible=_text(record.get("作成責任者"), "作成責任者"),
                no_target_reason=_text(
                    record.get("定量的な目標が設定できない理由"), "定量的な目標が設定できない理由"
                ),
                money_unit=MoneyUnit.MILLION_YEN,
                budgets=[_budget(item, path) for path, item in _items(record, "予算")],
                indicators=[
                    _outcome(number, item, path, found)
                    for number, (path, item) in enumerate(_items(record, "アウトカム"), start=1)
                ],
                outputs=[
                    _output(number, item, path)
                    for number, (path, item) in enumerate(_items(record, "アウトプット"), start=1)
                ],
                recipients=[_recipient(item, path) for path, item in _items(record, "支出先")],
                predecessors=[
                    _link(item, path)
                    for path, item in _items(record, "関連する過去のレビューシート")
                ],
                source_url=_text(record.get("url"), "url"),
            )
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise RecordError(".".join(str(part) for part in first["loc"]), first["msg"]) from None


def _items(record: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    value = record.get(key)
    if value is None:
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items, start=1):
        path = f"{key}[{index}]"
        if item is None:
            continue
        if not isinstance(item, dict):
            raise RecordError(path, f"オブジェクトではありません({type(item).__name__})")
        yield path, item


def _at(path: str, key: str) -> str:
    # The field's path, built only when it is reported: these readers run ~150 times a
    # sheet, so they take the parent's path and the key apart.
    return f"{path}.{key}" if key else path


def _text(value: Any, path: str, key: str = "") -> str:
    if type(value) is str:  # the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        raise RecordError(_at(path, key), f"文字列ではありません({value!r})")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        where = _at(path, key)
        return "\n".join(_text(item, where) for item in value if item is not None)
    raise RecordError(_at(path, key), f"文字列ではありません({type(value).__name__})")


def _texts(value: Any, path: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    texts = [_text(item, f"{path}[{index}]") for index, item in enumerate(items, start=1)]
    return [text for text in texts if text]


def _decimal(value: Any, path: str, key: str = "") -> Decimal | None:
    """An exact number from a JSON number or text; None for null and printed blanks."""
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise FigureError("数値ではありません")
        if isinstance(value, int | float):
            # Bounded before any arithmetic: 1e300 or a 5,000-digit int stop here. A float
            # becomes the Decimal of its repr, the shortest text that reads back as the
            # same float: 47.966256, not the binary expansion 47.96625599999999….
            return from_number(value)
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
            if text in _NONE_MARKS:
                return None
            if text[0] in "△▲":
                text = "-" + text[1:]
            return figure(text)
    except FigureError as error:
        reason = str(error)
        if reason == "数値ではありません":
            raise RecordError(_at(path, key), f"数値ではありません({_shown(value)})") from None
        raise RecordError(_at(path, key), f"{reason}({_shown(value)})") from None
    raise RecordError(_at(path, key), f"数値ではありません({type(value).__name__})")


_INT_MAX = (1 << 63) - 1  # what a store's integer column holds (SQLite, PostgreSQL BIGINT)


def _shown(value: Any) -> str:
    """A value as a message quotes it: at most 40 characters (numbers can be very long)."""
    if isinstance(value, int) and value.bit_length() > 128:
        # str() of an int past 4,300 digits raises; the length is what matters here.
        return f"約{round(value.bit_length() * 0.30103)}桁の整数"
    text = repr(value) if not isinstance(value, int) else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)}文字)"


def _int(value: Any, path: str, key: str = "") -> int | None:
    if type(value) is int:
        number: int | Decimal = value
    elif type(value) is float and math.isfinite(value) and abs(value) > _INT_MAX:
        raise RecordError(_at(path, key), f"整数として大きすぎます({_shown(value)})")
    else:
        found = _decimal(value, path, key)
        if found is None:
            return None
        if found != found.to_integral_value():
            raise RecordError(_at(path, key), f"整数ではありません({_shown(value)})")
        number = found
    if not -_INT_MAX <= number <= _INT_MAX:
        raise RecordError(_at(path, key), f"整数として大きすぎます({_shown(value)})")
    return int(number)


def _year_or_unknown(value: Any, path: str, warnings: list[RecordError]) -> int | None:
    year = _int(value, path)
    if year is None or year in PLAUSIBLE_YEARS:
        return year
    warnings.append(
        RecordError(path, f"ありえない年度です({_shown(value)}): 不明として取り込みました")
    )
    return None


def _year(item: dict[str, Any], path: str) -> int:
    year = _int(item.get("年度"), path, "年度")
    if year is None:
        raise RecordError(f"{path}.年度", "ありません")
    if year not in PLAUSIBLE_YEARS:
        raise RecordError(f"{path}.年度", f"ありえない年度です({year})")
    return year


def _budget(item: dict[str, Any], path: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        name: _decimal(item.get(key), path, key) for name, key in _BUDGET_FIELDS.items()
    }
    row["fiscal_year"] = _year(item, path)
    return row


def _outcome(
    number: int, item: dict[str, Any], path: str, warnings: list[RecordError]
) -> dict[str, Any]:
    values: list[dict[str, Any]] = []
    for year_path, year_item in _items(item, "成果実績"):
        where = f"{path}.{year_path}"
        year = _year(year_item, where)
        target = _decimal(year_item.get("目標値"), where, "目標値")
        actual = _decimal(year_item.get("成果実績"), where, "成果実績")
        if target is not None:
            values.append(_value(year, ValueKind.TARGET, target))
        if actual is not None:
            values.append(_value(year, ValueKind.ACTUAL, actual))
    final_year = _year_or_unknown(item.get("目標最終年度"), f"{path}.目標最終年度", warnings)
    printed = _text(item.get("目標値"), path, "目標値")
    try:
        final = _decimal(item.get("目標値"), path, "目標値")
    except RecordError:
        final = None  # 精査中, ±10％以内 …: kept as printed in target_text
    target_text = printed if printed and final is None else ""
    if final is not None:
        same_year = [
            value["value"]
            for value in values
            if value["kind"] is ValueKind.TARGET and value["fiscal_year"] == final_year
        ]
        if final_year is not None and not same_year:
            values.append(_value(final_year, ValueKind.TARGET, final))
        elif final_year is None or same_year != [final]:
            target_text = printed  # no year to place it in, or differing from that year's
    return {
        "number": str(number),
        "name": _text(item.get("成果指標"), path, "成果指標"),
        "goal": _text(item.get("成果目標"), path, "成果目標"),
        "unit": _text(item.get("単位"), path, "単位"),
        "target": {"end_year": final_year},
        "target_text": target_text,
        "values": values,
    }


def _output(number: int, item: dict[str, Any], path: str) -> dict[str, Any]:
    values: list[dict[str, Any]] = []
    for year_path, year_item in _items(item, "活動実績"):
        where = f"{path}.{year_path}"
        year = _year(year_item, where)
        estimate = _decimal(year_item.get("当初見込み"), where, "当初見込み")
        actual = _decimal(year_item.get("活動実績"), where, "活動実績")
        if estimate is not None:
            values.append(_value(year, ValueKind.ESTIMATE, estimate))
        if actual is not None:
            values.append(_value(year, ValueKind.ACTUAL, actual))
    return {
        "number": str(number),
        "name": _text(item.get("活動指標"), path, "活動指標"),
        "unit": _text(item.get("単位"), path, "単位"),
        "values": values,
    }


def _recipient(item: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "fiscal_year": _int(item.get("年度"), path, "年度"),
        "group": _text(item.get("グループ"), path, "グループ"),
        "number": _int(item.get("番号"), path, "番号"),
        "name": _text(item.get("支出先名"), path, "支出先名"),
        "corporate_number": _text(item.get("法人番号"), path, "法人番号"),
        "description": _text(item.get("業務概要"), path, "業務概要"),
        "amount": _decimal(item.get("支出額"), path, "支出額"),
    }


def _link(item: dict[str, Any], path: str) -> dict[str, Any]:
    parts = [_text(item.get(f"事業番号{part}"), f"{path}.事業番号{part}") for part in range(1, 6)]
    return {
        "fiscal_year": _int(item.get("年度"), path, "年度"),
        "ministry": _text(item.get("府省庁"), path, "府省庁"),
        "program_number": _text(item.get("事業番号"), path, "事業番号")
        or "-".join(part for part in parts if part),
    }


def _value(year: int, kind: ValueKind, value: Decimal) -> dict[str, Any]:
    return {"fiscal_year": year, "kind": kind, "value": value}
