"""Input the importers refuse quickly and clearly, and damage they report by file and line.

Issue 12 findings 2 and 3: limits on input size and unpacked size checked before parsing
(importers/limits.py), a placement search that stays fast on long input, and a Japanese
error naming file, line and field instead of a traceback, with the other records kept.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import struct
import time
import zipfile
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.importers import ImportFailed, parse_file
from hyoka.importers.judgit import RecordError, sheet_from_record
from hyoka.importers.judgit_import import import_files
from hyoka.importers.limits import (
    MAX_RECORD_BYTES,
    MAX_TEXT_BYTES,
    MAX_WORKBOOK_UNPACKED_BYTES,
)
from hyoka.importers.sheet_text import parse_sheet_text
from hyoka.render.workbook import sheet_workbook
from hyoka.store import list_sheets, transaction
from sheets import sample_sheet

DATA = Path(__file__).parent / "data"
SEED_000 = DATA / "seeds" / "000_8759d722d40dd0bd.txt"
SEED_003 = DATA / "seeds" / "003_2d038c51f7766a6a.txt"
NATIONAL = Path(__file__).parents[1] / "src" / "hyoka" / "samples" / "national.ndjson"
runner = CliRunner()


def _records(count: int) -> list[dict[str, object]]:
    """``count`` distinct national records (the first sample, renumbered)."""
    first = orjson.loads(NATIONAL.read_bytes().splitlines()[0])
    return [{**first, "事業番号": f"9{index:04d}"} for index in range(count)]


def _ndjson(records: list[dict[str, object]]) -> bytes:
    # json, not orjson: it writes integers past 64 bits (10**30) as they are.
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()


# ---------------------------------------------------------------- sheet text


def test_a_text_past_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(SEED_000.read_text() + "\n" * (MAX_TEXT_BYTES + 1))
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failed:
        parse_file(big)
    assert time.perf_counter() - started < 1
    assert "big.txt" in failed.value.describe()
    assert "テキストが大きすぎます" in failed.value.describe()


def test_two_copies_of_a_seed_parse_in_seconds_not_minutes() -> None:
    # Before: 41 s (the placement search's score and bound were quadratic per visit).
    raw = "\n\n\n".join([SEED_003.read_text()] * 2)
    started = time.perf_counter()
    parsed = parse_sheet_text(raw, source="twice.txt")
    assert time.perf_counter() - started < 10
    assert len(parsed.sheet.sub_projects) == 6


def test_ten_copies_of_a_seed_are_refused_by_their_count_of_components() -> None:
    # Before: more than 170 s.
    raw = "\n\n\n".join([SEED_000.read_text()] * 10)
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failed:
        parse_sheet_text(raw, source="ten.txt")
    assert time.perf_counter() - started < 5
    (problem,) = failed.value.problems
    assert problem.section == "細事業一覧" and "多すぎます" in problem.message
    assert problem.line is not None and failed.value.source == "ten.txt"


@pytest.mark.parametrize(
    ("old", "new", "section"),
    [
        (
            "0 213,739 △ 4,000 209,739 202,004 206,709",
            "0 ,739 △ 4,000 209,739 202,004 206,709",
            "6 事業コスト",
        ),
    ],
)
def test_a_figure_that_is_not_a_number_is_named_by_section_and_line(
    old: str, new: str, section: str
) -> None:
    raw = SEED_000.read_text()
    assert old in raw
    with pytest.raises(ImportFailed) as failed:
        parse_sheet_text(raw.replace(old, new), source="bad.txt")
    (problem,) = failed.value.problems
    assert problem.section == section and ",739" in problem.message
    line = raw.splitlines().index(old) + 1
    assert problem.line == line
    assert f"bad.txt:{line}: [{section}]" in failed.value.describe()


def test_a_first_page_without_its_title_line_is_still_read() -> None:
    # Before: StopIteration out of _parse_sections_1_to_3.
    raw = SEED_000.read_text()
    title = next(line for line in raw.splitlines() if "事業改善シート" in line)
    # Moved to the second page: the first one lacks it, the file still has it.
    moved = raw.replace(title + "\n", "", 1)
    at = moved.index("７　主な取組実績と成果")
    moved = moved[:at] + title + "\n" + moved[at:]
    parsed = parse_sheet_text(moved, source="moved.txt")
    assert parsed.sheet.header.program_number == "07 01 01"


def test_a_settlement_row_of_glued_digits_is_not_split_every_way() -> None:
    # A 決算額 row glued without spaces is read by trying every cut: quadratic in its
    # length (before: ~18 million cuts for this one, half a minute).
    raw = SEED_000.read_text()
    assert "\n2,2722,2261,466\n" in raw
    raw = raw.replace("\n2,2722,2261,466\n", "\n" + "1," * 3_000 + "1\n")
    started = time.perf_counter()
    with contextlib.suppress(ImportFailed):
        parse_sheet_text(raw, source="glued.txt")
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------- workbooks


def _bomb(path: Path) -> None:
    """A real workbook with one more part that unpacks past the limit (compresses ~1000:1)."""
    path.write_bytes(sheet_workbook(sample_sheet()))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("customXml/item1.xml", b" " * (MAX_WORKBOOK_UNPACKED_BYTES + 1))


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_openpyxl(
    tmp_path: Path,
) -> None:
    bomb = tmp_path / "bomb.xlsx"
    _bomb(bomb)
    assert bomb.stat().st_size < 1 << 20
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failed:
        parse_file(bomb)
    assert time.perf_counter() - started < 1
    assert "展開すると大きすぎます" in failed.value.describe()
    assert "bomb.xlsx" in failed.value.describe()


def test_a_workbook_upload_is_checked_the_same(tmp_path: Path) -> None:
    from hyoka.importers.workbook import parse_workbook

    bomb = tmp_path / "bomb.xlsx"
    _bomb(bomb)
    with pytest.raises(ImportFailed, match="展開すると大きすぎます"):
        parse_workbook(io.BytesIO(bomb.read_bytes()), source="upload.xlsx")


# ---------------------------------------------------------------- PDFs

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    box, j = list(range(256)), 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def _encrypted_pdf(user: bytes = b"secret", owner: bytes = b"owner") -> bytes:
    """A one-page PDF protected by a user password (standard security handler, RC4 40-bit,
    PDF 1.7 algorithms 3.2–3.4): a reader must ask for the password."""

    def padded(password: bytes) -> bytes:
        return (password + _PAD)[:32]

    o_entry = _rc4(hashlib.md5(padded(owner)).digest()[:5], padded(user))
    permissions, ident = -4, b"0123456789abcdef"
    key = hashlib.md5(padded(user) + o_entry + struct.pack("<i", permissions) + ident).digest()[:5]
    u_entry = _rc4(key, _PAD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_entry.hex().encode(), u_entry.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        ident.hex().encode(),
        ident.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_an_encrypted_pdf_is_called_encrypted(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_encrypted_pdf())
    with pytest.raises(ImportFailed) as failed:
        parse_file(locked)
    (problem,) = failed.value.problems
    assert "パスワード" in problem.message and "暗号化" in problem.message
    assert not problem.message.endswith(": )")


# ---------------------------------------------------------------- JUDGIT!


@pytest.mark.parametrize("year", [10**30, -2019, 0, "10000000000000000000000"])
def test_an_impossible_publication_year_is_a_record_error(year: object) -> None:
    record = {**_records(1)[0], "公開年度": year}
    with pytest.raises(RecordError) as failed:
        sheet_from_record(record, [])
    assert failed.value.field == "公開年度"
    assert len(failed.value.reason) < 80  # a 31-digit number is not quoted in full


def test_a_huge_year_skips_its_record_and_keeps_the_rest(
    tmp_path: Path, sqlite_url: str, engine: Engine
) -> None:
    # Before: OverflowError in the store aborted the file at the batch holding it.
    records = _records(12)
    records[7] = {**records[7], "公開年度": 10**30}
    path = tmp_path / "years.ndjson"
    path.write_bytes(_ndjson(records))
    problems: list[str] = []
    summary = import_files(
        engine=engine,
        paths=[path],
        batch=5,
        jobs=1,
        on_problem=lambda bad: problems.append(bad.describe()),
    )
    assert summary.read == 12 and summary.skipped == 1 and summary.new == 11
    assert problems == ["years.ndjson 8行目 公開年度: 整数として大きすぎます(1e+30)"]
    with transaction(engine) as session:
        assert len(list_sheets(session=session)) == 11


def test_a_line_past_the_limit_is_a_bad_record(tmp_path: Path, engine: Engine) -> None:
    records = _records(3)
    long = orjson.dumps({**records[1], "事業概要": "あ" * (MAX_RECORD_BYTES // 3 + 10)})
    path = tmp_path / "long.ndjson"
    path.write_bytes(
        orjson.dumps(records[0]) + b"\n" + long + b"\n" + orjson.dumps(records[2]) + b"\n"
    )
    problems: list[str] = []
    summary = import_files(
        engine=engine, paths=[path], jobs=1, on_problem=lambda bad: problems.append(bad.describe())
    )
    assert summary.new == 2 and summary.skipped == 1
    assert problems == ["long.ndjson 2行目: 行が長すぎます(上限 8.0 MB): 1行に1シートです"]


def _gzip_files(folder: Path) -> dict[str, Path]:
    data = gzip.compress(_ndjson(_records(300)))
    cut = folder / "cut.ndjson.gz"
    cut.write_bytes(data[: len(data) // 2])
    damaged = folder / "damaged.ndjson.gz"
    damaged.write_bytes(data[:20] + bytes(byte ^ 0x55 for byte in data[20:400]) + data[400:])
    not_gzip = folder / "plain.ndjson.gz"
    not_gzip.write_bytes(_ndjson(_records(2)))
    return {"cut": cut, "damaged": damaged, "plain": not_gzip}


@pytest.mark.parametrize("kind", ["cut", "damaged", "plain"])
def test_a_damaged_gzip_is_reported_by_file_and_line(tmp_path: Path, kind: str) -> None:
    # Before: 「Aborted.」 (EOFError), BadGzipFile or zlib.error as a traceback.
    path = _gzip_files(tmp_path)[kind]
    result = runner.invoke(app, ["import", "--db", str(tmp_path / "store.sqlite"), str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Aborted" not in result.output and "Traceback" not in result.output
    assert f"エラー {path.name} " in result.output and "行目" in result.output
    assert "gzip" in result.output
    assert "件のファイル" not in result.output
    if kind == "cut":
        # The records before the cut are stored.
        stored = int(result.output.split("新規 ")[1].split(",")[0])
        assert stored > 0


def test_the_summary_counts_records_of_a_national_file_not_files(tmp_path: Path) -> None:
    records = _records(12)
    for index in range(12):
        records[index] = {**records[index], "公開年度": "不明"}
    path = tmp_path / "bad.ndjson"
    path.write_bytes(_ndjson(records))
    result = runner.invoke(app, ["import", "--db", str(tmp_path / "store.sqlite"), str(path)])
    assert result.exit_code == 1
    assert "12件のファイル" not in result.output
    assert "12件のレコード(国)を取り込めませんでした" in result.output
