"""Make the RS fixture: every row of a few programs from each of the 13 tables.

Run from the repository: ``uv run python tests/data/rs/make_fixture.py``. Reads the ZIPs of
``../shared/data/rs/2024`` and writes ``tests/data/rs/2024/*.csv`` (UTF-8 with BOM, as in
the ZIPs, whole records copied unchanged) and ``judgit-predecessors.ndjson.gz`` (the
JUDGIT! lines of 2021 and 2022 of the programs picked for their predecessors).

The programs are picked by what they hold, so that the fixture has each case:
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import orjson

csv.field_size_limit(1 << 30)
HERE = Path(__file__).parent
SOURCE = HERE.parents[2].parent / "shared" / "data" / "rs" / "2024"
JUDGIT = HERE.parents[2].parent / "shared" / "data" / "judgit"


def tables() -> dict[str, tuple[list[str], list[list[str]]]]:
    found = {}
    for path in sorted(SOURCE.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            member = archive.infolist()[0]
            with archive.open(member) as raw:
                reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
                header = next(reader)
                found[member.filename] = (header, list(reader))
    return found


def first_id(rows: list[list[str]], header: list[str], column: str, test) -> str:
    index = header.index(column)
    return next(row[2] for row in rows if test(row[index]))


def main() -> None:
    found = tables()
    by_table = {name[:3]: (name, *value) for name, value in found.items()}

    def pick(table: str, column: str, test) -> str:
        _, header, rows = by_table[table]
        return first_id(rows, header, column, test)

    picked = {
        "1": "the first program (no その他担当組織, 4-1 without findings)",
        "4": "その他担当組織 with their 作成責任者; several 実施方法",
        "46": "1-2 repeated with two 主要経費",
        "111": "1-5 関連事業: 分割先 (three programs)",
        "645": "4-1 その他の指摘事項 over three years (会計検査院)",
        "648": "4-1 過去に受けた指摘事項 (公開プロセス) and その他の指摘事項",
        pick("4-1", "反映額（一般会計）", bool): "4-1 反映額（一般会計）",
        pick(
            "4-1", "反映額（特別会計）－反映額", bool
        ): "4-1 反映額（特別会計） with 会計 and 勘定",
        pick("1-5", "関連性", lambda value: value == "統合元"): "1-5 関連事業: 統合元",
        pick("2-1", "第1次補正予算", lambda value: value not in ("", "0")): "2-1 補正予算",
        pick("5-4", "契約額（国庫債務負担行為等による契約）", bool): "5-4 a contract",
        pick("1-2", "旧事業番号", lambda value: value.startswith("2023")): "1-2 旧事業番号",
        pick("1-4", "補助率", bool): "1-4 補助率",
    }
    ids = set(picked)
    target = HERE / "2024"
    target.mkdir(exist_ok=True)
    for name, (header, rows) in found.items():
        kept = [row for row in rows if row[2] in ids]
        with (target / name).open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(kept)
    # The JUDGIT! sheets of 2021 and 2022 with the 府省庁 and 事業名 of a picked program.
    names = {(row[6], row[3]) for row in by_table["1-2"][2] if row[2] in ids}
    lines = []
    for year in (2021, 2022):
        with gzip.open(JUDGIT / f"{year}.ndjson.gz", "rb") as stream:
            for line in stream:
                record = orjson.loads(line)
                if (record.get("府省庁"), record.get("事業名")) in names:
                    lines.append(line)
    path = HERE / "judgit-predecessors.ndjson.gz"
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
        stream.writelines(lines)
    for number, why in sorted(picked.items(), key=lambda item: int(item[0])):
        print(number, why)
    print(len(lines), "JUDGIT! lines")


if __name__ == "__main__":
    main()
