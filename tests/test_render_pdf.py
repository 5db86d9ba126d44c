"""The sheet as PDF: figures on their pages, fonts embedded, tagged, nothing lost or fetched.

PDF renders cost a fraction of a second each: every sheet is rendered once per module and
read with pdfplumber by several tests. A PNG of each page goes to var/test-output/.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.importers import parse_file
from hyoka.model import Sheet
from hyoka.render.pdf import local_fetcher, render_pdf
from hyoka.store import create_engine_for, migrate, save_sheet, transaction
from render_sheets import lengthen, national_sheet

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt"))
OUTPUT = Path(__file__).parent.parent / "var" / "test-output"
runner = CliRunner()


class Rendered:
    """A sheet, its PDF and the text of each page (whitespace removed)."""

    def __init__(self, sheet: Sheet, name: str) -> None:
        self.sheet = sheet
        self.name = name
        self.pdf = render_pdf(sheet)
        with pdfplumber.open(io.BytesIO(self.pdf)) as document:
            # Only what lies on the page counts: text pushed off a page is lost to readers.
            self.pages = [
                squeeze(page.within_bbox(page.bbox).extract_text()) for page in document.pages
            ]
            self.metadata = dict(document.metadata)
            catalog = document.doc.catalog
            self.tagged = "StructTreeRoot" in catalog
            self.lang = catalog.get("Lang")

    @property
    def text(self) -> str:
        return "".join(self.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def printed(value: int) -> str:
    return f"△{-value:,}" if value < 0 else f"{value:,}"


@pytest.fixture(scope="module", params=SEEDS, ids=lambda p: p.name[:3])
def seed(request: pytest.FixtureRequest) -> Rendered:
    path: Path = request.param
    return Rendered(parse_file(path).sheet, path.stem[:3])


def test_three_pages_each_with_its_parts(seed: Rendered) -> None:
    assert len(seed.pages) == 3
    first, second, third = seed.pages
    header = seed.sheet.header
    for page in seed.pages:
        assert f"事業番号{squeeze(header.program_number)}" in page
        assert squeeze(header.program_name) in page
    # Page 1: header, sections 1-6 in order, each heading before its content.
    order = ["事業改善シート", "１現状と課題", squeeze(seed.sheet.situation[0]), "２事業目的"]
    order += ["３事業目的を達成するための取組", "４成果指標", "↗：改善", "５本事業が貢献する"]
    order += ["６事業コスト", "（単位：千円、人）"]
    positions = [first.index(item) for item in order]
    assert positions == sorted(positions)
    for row in seed.sheet.costs:
        figures = [row.carried_over, row.initial_budget, row.supplementary, row.total]
        figures += [row.general_revenue, row.settlement]
        assert all(value is not None and printed(value) in first for value in figures)
    # Page 2: sections 7-9 with the 要因分析 of every indicator.
    assert second.index("７主な取組実績と成果") < second.index("８成果指標の達成状況")
    assert second.index("８成果指標の達成状況") < second.index("９今後の事業の方向性")
    for indicator in seed.sheet.indicators:
        assert f"指標{indicator.number}" in second
        assert squeeze(indicator.analysis) in second
        assert squeeze(indicator.analysis) not in first + third
    for item in seed.sheet.future.measures:
        assert squeeze(item) in second
    # Page 3: the 細事業一覧 with the settlements of every sub-project.
    assert "細事業一覧" in third and "細事業一覧" not in first + second
    for sub in seed.sheet.sub_projects:
        for value in sub.settlements.values():
            if value is not None:
                assert f"{printed(value)}千円" in third


def test_the_stage_box_is_filled_for_the_sheets_stage(seed: Rendered) -> None:
    stage = seed.sheet.header.stage
    for page in seed.pages:
        assert f"■{stage.value}" in page
        assert page.count("■") == 1 and page.count("□") == 3


def test_fonts_are_embedded(seed: Rendered, tmp_path: Path) -> None:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(seed.pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "the PDF has no fonts"
    for line in listing:
        # name type [type] encoding emb sub uni object ID: emb is the 5th column from the end
        assert line.split()[-5] == "yes", line
    assert any("Noto-Sans-CJK-JP" in line for line in listing)


def test_tagged_with_language_and_metadata(seed: Rendered) -> None:
    assert seed.tagged
    assert seed.lang in (b"ja", "ja")
    header = seed.sheet.header
    title = seed.metadata.get("Title")
    assert isinstance(title, str) and header.program_name in title
    assert seed.metadata.get("Author")


def test_png_of_each_page_for_people_to_look_at(seed: Rendered, tmp_path: Path) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT / f"sheet-{seed.name}.pdf"
    pdf.write_bytes(seed.pdf)
    for old in OUTPUT.glob(f"sheet-{seed.name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(OUTPUT / f"sheet-{seed.name}")],
        check=True,
    )
    pngs = sorted(OUTPUT.glob(f"sheet-{seed.name}-*.png"))
    assert len(pngs) == len(seed.pages)
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in pngs)


def test_a_ten_times_longer_sheet_wraps_and_continues_without_loss() -> None:
    long, words = lengthen(parse_file(SEEDS[0]).sheet)
    rendered = Rendered(long, "long")
    assert len(rendered.pages) > 3
    missing = [word for word in words if word not in rendered.text]
    assert not missing
    # Continued tables repeat their header on the next page.
    continued = [page for page in rendered.pages[1:] if "目標値設定理由" in page]
    assert continued or "目標値設定理由" not in rendered.pages[0]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "sheet-long.pdf").write_bytes(rendered.pdf)


def test_a_national_sheet_renders() -> None:
    rendered = Rendered(national_sheet(), "national")
    text = rendered.text
    assert "行政事業レビューシート" in text and "（単位：百万円）" in text
    assert "3,962.995652" in text and "△12.5" in text
    assert rendered.tagged


def test_the_renderer_refuses_the_network() -> None:
    fetcher = local_fetcher()
    for url in ("https://example.com/font.otf", "http://example.com/a.css"):
        with pytest.raises(ValueError, match="disallowed"):
            fetcher(url)


def test_render_command_from_a_source_file(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(app, ["render", str(SEEDS[0]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as document:
        assert len(document.pages) == 3
        assert "事業改善シート" in document.pages[0].extract_text()


def test_render_command_over_the_store(db_url: str, tmp_path: Path) -> None:
    engine = create_engine_for(db_url)
    migrate(engine)
    sheets = [parse_file(path).sheet for path in SEEDS]
    with transaction(engine) as session:
        for sheet in sheets:
            save_sheet(session=session, sheet=sheet)
    engine.dispose()
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", "--db", db_url, "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = {
        f"{sheet.header.program_number.replace(' ', '-')}_{sheet.header.fiscal_year}_点検.html"
        for sheet in sheets
    }
    assert {path.name for path in out.iterdir()} == expected
    one = tmp_path / "one"
    number = sheets[1].header.program_number
    chosen = ["--program", number, "--year", "2023", "--stage", "点検"]
    result = runner.invoke(
        app, ["render", "--db", db_url, *chosen, "--format", "html", "-o", str(one)]
    )
    assert result.exit_code == 0, result.output
    [page] = one.iterdir()
    assert sheets[1].header.program_name in page.read_text(encoding="utf-8")
    missing = runner.invoke(
        app, ["render", "--db", db_url, "--program", "99 99 99", "-o", str(tmp_path / "none")]
    )
    assert missing.exit_code == 1 and "保存されていません" in missing.stderr


def test_render_command_renders_pdfs_in_a_pool_of_processes(tmp_path: Path) -> None:
    # Once, on SQLite: starting the workers costs seconds, the store is not what is tested.
    db_url = f"sqlite:///{tmp_path / 'hyoka.sqlite'}"
    engine = create_engine_for(db_url)
    migrate(engine)
    sheets = [parse_file(path).sheet for path in SEEDS]
    with transaction(engine) as session:
        for sheet in sheets:
            save_sheet(session=session, sheet=sheet)
    engine.dispose()
    pdfs = tmp_path / "pdfs"
    result = runner.invoke(app, ["render", "--db", db_url, "--jobs", "2", "-o", str(pdfs)])
    assert result.exit_code == 0, result.output
    for sheet in sheets:
        number = sheet.header.program_number.replace(" ", "-")
        with pdfplumber.open(pdfs / f"{number}_{sheet.header.fiscal_year}_点検.pdf") as pdf:
            # each file is its own sheet's, in the order the pool gave them back
            assert sheet.header.program_name in squeeze(pdf.pages[0].extract_text())


def test_pdftoppm_and_pdffonts_are_installed() -> None:
    assert shutil.which("pdftoppm") and shutil.which("pdffonts")
