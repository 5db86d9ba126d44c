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
from typing import Any

import pdfplumber
import pytest
import typst
from pypdf import PdfReader
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.fonts import font_files
from hyoka.importers import parse_file
from hyoka.model import Sheet
from hyoka.render.pdf import TEMPLATE, render_pdf
from hyoka.render.view import document_title
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
    assert any("NOTOSANSCJK" in line.upper().replace("-", "") for line in listing)


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


def test_a_name_with_line_breaks_gives_a_one_line_title() -> None:
    sheet = national_sheet()
    sheet.header.program_name = (
        "社会資本総合整備事業に必要な経費\n（社会資本整備総合交付金）\u3000\u3000"
    )
    reader = PdfReader(io.BytesIO(render_pdf(sheet)))
    assert reader.metadata is not None
    title = reader.metadata.title
    assert isinstance(title, str) and "\n" not in title and "\u3000" not in title
    number = sheet.header.program_number
    assert title.startswith(
        f"{number} 社会資本総合整備事業に必要な経費 （社会資本整備総合交付金） （"
    )


def test_the_template_reads_nothing_but_its_inputs() -> None:
    """Offline by default: no package import (Typst would download it), no file read, no
    image; the fonts come from the packaged folders only (ignore_system_fonts)."""
    source = TEMPLATE.read_text(encoding="utf-8")
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    for call in ("#import", "#include", "read(", "image(", "csv(", "yaml(", "@preview"):
        assert call not in code, call
    assert "json(bytes(sys.inputs.view))" in code


# --- PDF/UA: the structure tree -----------------------------------------------------------


def _structure(pdf: bytes) -> list[tuple[str, list[str]]]:
    """Every structure element as (type, types of its element children), depth first."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    found: list[tuple[str, list[str]]] = []

    def kids(node: object) -> list[object]:
        value = node.get("/K") if hasattr(node, "get") else None  # type: ignore[union-attr]
        if value is None:
            return []
        value = value.get_object() if hasattr(value, "get_object") else value
        items = list(value) if isinstance(value, list) else [value]
        return [item.get_object() if hasattr(item, "get_object") else item for item in items]

    def walk(node: object) -> list[str]:
        children = [kid for kid in kids(node) if hasattr(kid, "get") and "/S" in kid]  # type: ignore[operator]
        for kid in children:
            found.append((str(kid["/S"]), walk(kid)))  # type: ignore[index]
        return [str(kid["/S"]) for kid in children]  # type: ignore[index]

    walk(root)
    return found


def _descendant_types(pdf: bytes, kind: str) -> list[set[str]]:
    """For each element of ``kind``, the types of everything below it."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    result: list[set[str]] = []

    def below(node: Any) -> set[str]:
        value = node.get("/K")
        value = value.get_object() if hasattr(value, "get_object") else value
        items = value if isinstance(value, list) else [value] if value is not None else []
        types: set[str] = set()
        for item in items:
            item = item.get_object() if hasattr(item, "get_object") else item
            if hasattr(item, "get") and "/S" in item:
                inner = below(item)
                if str(item["/S"]) == kind:
                    result.append(inner)
                types |= {str(item["/S"])} | inner
        return types

    below(root)
    return result


def test_every_table_is_tagged_with_header_cells(seed: Rendered) -> None:
    tables = _descendant_types(seed.pdf, "/Table")
    # header strip, indicators, plan, costs, and two tables per sub-project at most
    assert len(tables) >= 4 + len(seed.sheet.sub_projects)
    untagged = [types for types in tables if "/TH" not in types or "/TD" not in types]
    assert not untagged, f"{len(untagged)} of {len(tables)} tables have no header or data cells"


def test_pdf_ua_with_title_language_author_and_section_bookmarks(seed: Rendered) -> None:
    reader = PdfReader(io.BytesIO(seed.pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None and b"pdfuaid" in xmp.stream.get_data()
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata is not None
    assert reader.metadata.title == document_title(seed.sheet)
    assert reader.metadata.author == seed.sheet.header.section

    def titles(items: list[Any]) -> list[str]:
        out: list[str] = []
        for item in items:
            out += titles(item) if isinstance(item, list) else [item.title]
        return out

    bookmarks = [squeeze(title) for title in titles(reader.outline)]
    for heading in (
        "１現状と課題",
        "４成果指標",
        "６事業コスト",
        "９今後の事業の方向性",
        "細事業一覧",
    ):
        assert any(title.startswith(heading) for title in bookmarks), (heading, bookmarks)
    headings = [kind for kind, _ in _structure(seed.pdf) if kind in ("/H1", "/H2", "/H3")]
    assert headings.count("/H1") == 1 and headings.count("/H2") >= 10


def test_the_structure_test_fails_on_an_untagged_table(tmp_path: Path) -> None:
    """The check above can fail: a table drawn as a grid (not a table) has no TH."""
    fonts = sorted({str(font.parent) for font in font_files().values()})
    markup = (
        '#set document(title: "x")\n#set text(lang: "ja", font: "Noto Sans CJK JP")\n'
        "#table(columns: 2, [a], [b])\n"
    )
    pdf = typst.compile(markup.encode(), font_paths=fonts, ignore_system_fonts=True)
    tables = _descendant_types(pdf, "/Table")
    assert tables and all("/TH" not in types for types in tables)


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
