"""PDF import by the layout reader: seed text → model → PDF → model is lossless; figures
come from their pages; bad PDFs are refused with file, page and section; ``hyoka import
FILE.pdf`` stores the sheet.

The PDFs here carry no attached sheet (``attach=False``), like PDFs of another producer, so
that what is read comes from the pages alone (tests/test_pdf_attachment.py reads the
attachment). Every PDF is rendered once per module.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
import typst
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.display import figure
from hyoka.fonts import font_files
from hyoka.importers import ImportFailed, parse_file
from hyoka.model import Indicator, Initiative, Sheet, SubProject
from hyoka.render.pdf import render_pdf
from hyoka.store.database import create_engine_for, transaction
from hyoka.store.sheets.reader import list_sheets

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt"))
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
runner = CliRunner()


def _write(folder: Path, sheet: Sheet, name: str) -> Path:
    path = folder / name
    path.write_bytes(render_pdf(sheet, attach=False))
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def seeds(folder: Path) -> list[tuple[Sheet, Path]]:
    """Each seed as the text importer reads it, and its rendered PDF."""
    pairs = []
    for seed in SEEDS:
        sheet = parse_file(seed).sheet
        pairs.append((sheet, _write(folder, sheet, f"{seed.stem}.pdf")))
    return pairs


def _mutated(sheet: Sheet) -> Sheet:
    """A copy with scaled numbers, renamed names, long texts that wrap and continue onto
    the next page, and enough indicators and sub-projects for tables to continue too."""
    big = sheet.model_copy(deep=True)
    big.header.program_name = "改称後の" + big.header.program_name + "（再編）"
    big.header.section = "新設" + big.header.section
    big.situation = [item * 6 for item in big.situation]
    big.purpose = big.purpose * 6
    for initiative in [*big.initiatives, *big.results]:
        initiative.bullets = [item * 5 for item in initiative.bullets]
    for row in big.costs:
        for name in ("carried_over", "initial_budget", "supplementary", "total", "general_revenue"):
            value = getattr(row, name)
            setattr(row, name, None if value is None else value * 7)
        row.settlement = None if row.settlement is None else -row.settlement * 13
    template = big.indicators
    indicators: list[Indicator] = []
    for index in range(12):
        copy = template[index % len(template)].model_copy(deep=True)
        copy.number = CIRCLED[index]
        copy.name = f"{copy.name}（指標{index + 1}）"
        copy.analysis = copy.analysis * 2
        for value in copy.values:
            if value.value is not None:
                value.value = value.value * 3 + Decimal("0.5") * index
        indicators.append(copy)
    big.indicators = indicators
    subs: list[SubProject] = []
    for index in range(10):
        copy = big.sub_projects[index % len(big.sub_projects)].model_copy(deep=True)
        copy.number = index + 1
        copy.name = f"{copy.name}その{index + 1}"
        copy.settlements = {
            year: None if value is None else value * 11 + index
            for year, value in copy.settlements.items()
        }
        subs.append(copy)
    big.sub_projects = subs
    big.results = [*big.results, Initiative(number="⑨", title="追加の取組", bullets=["成果"])]
    big.initiatives = [*big.initiatives, Initiative(number="⑨", title="追加の取組", bullets=[])]
    return big


@pytest.fixture(scope="module")
def big(seeds: list[tuple[Sheet, Path]], folder: Path) -> tuple[Sheet, Path]:
    sheet = _mutated(seeds[0][0])
    return sheet, _write(folder, sheet, "big.pdf")


def _page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(SEEDS)), ids=[seed.stem for seed in SEEDS])
def test_seed_round_trip_is_lossless(seeds: list[tuple[Sheet, Path]], index: int) -> None:
    sheet, path = seeds[index]
    parsed = parse_file(path)
    assert parsed.sheet == sheet
    assert parsed.notes.complete, [problem.describe() for problem in parsed.notes.missing]


def test_mutated_sheet_round_trip_across_pages(big: tuple[Sheet, Path]) -> None:
    sheet, path = big
    pages = _page_texts(path)
    # The mutation is meant to push tables and texts onto following pages.
    assert len(pages) >= 5
    assert parse_file(path).sheet == sheet


# --- figures from the page they belong on ----------------------------------------------


def test_each_figure_is_on_its_page(big: tuple[Sheet, Path]) -> None:
    """Costs on page 1, settlements on the 細事業一覧 pages, analysis on the 7–9 pages:
    what the importer read is where the layout puts it."""
    sheet, path = big
    parsed = parse_file(path).sheet
    pages = _page_texts(path)
    cost_pages = [i for i, text in enumerate(pages) if "事業コスト" in text]
    sub_pages = [i for i, text in enumerate(pages) if "細事業一覧" in text.split("\n")[0]]
    analysis_pages = [i for i, text in enumerate(pages) if "要因分析" in text]
    assert cost_pages and sub_pages and analysis_pages
    assert cost_pages[0] < analysis_pages[0] < sub_pages[0]
    for row in parsed.costs:
        assert figure(row.total) in pages[cost_pages[0]]
        assert figure(row.settlement) in pages[cost_pages[0]]
    sub_text = "\n".join(pages[sub_pages[0] :])
    for sub in parsed.sub_projects:
        for value in sub.settlements.values():
            if value is not None:
                assert f"{figure(value)}千円" in sub_text
                assert f"{figure(value)}千円" not in "\n".join(pages[: sub_pages[0]])
    assert parsed.costs == sheet.costs
    assert parsed.sub_projects == sheet.sub_projects


# --- bad PDFs ----------------------------------------------------------------------------


def _typst_pdf(markup: str, path: Path) -> Path:
    """Any Typst document with the sheet's fonts (a PDF that is not a sheet)."""
    fonts = sorted({str(font.parent) for font in font_files().values()})
    path.write_bytes(typst.compile(markup.encode(), font_paths=fonts, ignore_system_fonts=True))
    return path


def _other_pdf(folder: Path) -> Path:
    return _typst_pdf(
        '#set text(font: "Noto Sans CJK JP")\nお知らせ：会議は来週です。', folder / "letter.pdf"
    )


def _image_pdf(folder: Path) -> Path:
    # Only drawing, no text: what a scanned sheet looks like to a text reader.
    return _typst_pdf("#rect(width: 100pt, height: 60pt, fill: gray)", folder / "image.pdf")


@pytest.fixture(scope="module")
def bad_pdfs(folder: Path, seeds: list[tuple[Sheet, Path]]) -> dict[str, Path]:
    whole = seeds[0][1].read_bytes()
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(whole[: len(whole) // 3])
    garbage = folder / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n this is not a PDF body")
    return {
        "other": _other_pdf(folder),
        "image": _image_pdf(folder),
        "truncated": truncated,
        "garbage": garbage,
    }


@pytest.mark.parametrize(
    ("name", "section", "where"),
    [
        ("other", "ヘッダー", "1ページ目"),
        ("image", "ファイル", "文字がありません"),
        ("truncated", "ファイル", "PDF"),
        ("garbage", "ファイル", "PDF"),
    ],
)
def test_bad_pdf_is_refused_with_file_page_and_section(
    bad_pdfs: dict[str, Path], name: str, section: str, where: str
) -> None:
    path = bad_pdfs[name]
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    message = caught.value.describe()
    assert str(path) in message
    assert f"[{section}]" in message
    assert where in message


def test_sheet_without_its_last_pages_names_the_missing_sections(
    seeds: list[tuple[Sheet, Path]], folder: Path
) -> None:
    """A sheet PDF cut after page 1 (sections 7–9 and 細事業一覧 missing)."""
    # The sheet's PDF with its first page alone.
    writer = PdfWriter()
    writer.add_page(PdfReader(seeds[0][1]).pages[0])
    path = folder / "first_page_only.pdf"
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    message = caught.value.describe()
    for section in ("7 主な取組実績と成果", "9 今後の事業の方向性", "細事業一覧"):
        assert f"[{section}]" in message
    assert "[1 現状と課題]" not in message


# --- the CLI and the store ---------------------------------------------------------------


@pytest.fixture
def quiet() -> Iterator[None]:
    # The import command leaves its engine to the garbage collector (see test_workbook).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
        gc.collect()


def test_cli_imports_a_pdf_into_the_store(
    db_url: str, seeds: list[tuple[Sheet, Path]], quiet: None
) -> None:
    sheet, path = seeds[1]
    result = runner.invoke(app, ["import", "--db", db_url, str(path)])
    code, stderr = result.exit_code, result.stderr
    del result
    assert code == 0, stderr
    engine = create_engine_for(db_url)
    try:
        with transaction(engine) as session:
            assert list_sheets(session=session) == [sheet]
    finally:
        engine.dispose()


def test_cli_parse_of_a_pdf_prints_the_sheet(seeds: list[tuple[Sheet, Path]]) -> None:
    sheet, path = seeds[0]
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 0, result.stderr
    assert Sheet.model_validate_json(result.stdout) == sheet


def test_cli_refuses_a_bad_pdf_and_stores_nothing(
    db_url: str, bad_pdfs: dict[str, Path], quiet: None
) -> None:
    result = runner.invoke(app, ["import", "--db", db_url, str(bad_pdfs["other"])])
    code, stderr = result.exit_code, result.stderr
    del result
    assert code != 0
    assert "取り込めません" in stderr and "1ページ目" in stderr
    engine = create_engine_for(db_url)
    try:
        with transaction(engine) as session:
            assert list_sheets(session=session) == []
    finally:
        engine.dispose()
