"""Importer for sheet PDFs: the sheet a hyoka PDF attaches, else the layout reader.

A PDF that ``hyoka render`` wrote carries its sheet as ``sheet.json`` (see
:mod:`hyoka.importers._pdf_attachment`): that is read exactly, after checking it against
what the pages show (a 事業改善シート through the layout reader below, a national or a
municipality's sheet by its name, number and money figures); a PDF whose pages differ is
refused with the fields named.

A PDF without the attachment (another producer, an older hyoka) is read from its pages:
text positions and table rulings with pdfplumber. Everything is found by the
template's labels: the page header (事業番号, 事業名, 部局 …), the section headings
(１　現状と課題 … ９　今後の事業の方向性, 細事業一覧), and the tables' header cells, whose
ruled x ranges are the columns; rows come from the rulings below them. Sections and
tables may continue onto following pages (tables repeat their header there).

Every model field the layout prints comes back (tests/test_pdf_roundtrip.py): the target
note under an indicator's name, blank cells (no figure) apart from ー (a figure not known),
an estimate beside its actual, the notes with other years' figures and corrections.
A trend or achievement marked ＊ was computed by hyoka, not printed, and is not read.
Not carried: the order of one year's figures, and quantities apart from the output text
they are read from.

>>> parsed = parse_pdf_file(Path("sheet.pdf"))   # doctest: +SKIP
>>> parsed.sheet.header.program_number           # doctest: +SKIP
'07 01 01'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from hyoka.eras import parse_fiscal_year
from hyoka.importers._pdf_attachment import (
    attached_sheet,
    check_shown_text,
    printed_differences,
)
from hyoka.importers._pdf_layout import Page, join_lines, nfkc, read_page
from hyoka.importers._pdf_sections import (
    PageLines,
    parse_analysis,
    parse_bullets,
    parse_costs,
    parse_future,
    parse_indicators,
    parse_initiatives,
    parse_plan,
    parse_sub_projects,
)
from hyoka.importers.errors import ImportFailed, ImportNotes, Problem
from hyoka.importers.limits import MAX_PDF_BYTES, check_size
from hyoka.importers.sheet_text import ParsedSheet
from hyoka.model import FuturePlan, Header, Sheet, SheetKind, Stage

SECTIONS = {
    "1": "現状と課題",
    "2": "事業目的",
    "3": "事業目的を達成するための取組",
    "4": "成果指標",
    "5": "本事業が貢献する総合5か年計画",
    "6": "事業コスト",
    "7": "主な取組実績と成果",
    "8": "成果指標の達成状況に関する要因分析",
    "9": "今後の事業の方向性",
}
SUB_PROJECTS = "細事業一覧"
_HEADING = re.compile(r"^([1-9]) (\S+)")
_NUMBER = re.compile(r"^事業番号\s*(\d{2}(?:\s+\d{2})+)")
_TITLE_YEAR = re.compile(r"(令和|平成|昭和)(\d+|元)年度")
_BOX = re.compile(r"([■□])(当初要求|当初予算案|補正予算案|点検)")
_META = ("事業名", "部局", "課・室", "実施期間", "E-mail")
_PERIOD = re.compile(r"^(?P<start>[RHS]\d+|[RHS]元)?\s*〜\s*(?P<end>[RHS]\d+|[RHS]元)?$")
_FOOTER = re.compile(r"^\d+ / \d+$")


@dataclass
class _PageHeader:
    page: Page
    number: str
    title: str
    stages: list[tuple[str, bool]]
    meta: dict[str, str]
    bottom: float


def parse_pdf_file(path: Path) -> ParsedSheet:
    """Parse one sheet PDF; raise ImportFailed (naming page and section) when it is not one."""
    source = str(path)
    check_size(source, path.stat().st_size, MAX_PDF_BYTES, "PDF")
    pages = _read(path, source)
    attached = attached_sheet(path, source)
    if attached is None:
        return _layout_sheet(pages, source)
    if attached.header.kind is SheetKind.PREFECTURE:
        differences = printed_differences(attached, _layout_sheet(pages, source).sheet)
    else:
        text = "\n".join(line.text for page in pages for line in page.lines)
        differences = check_shown_text(attached, text)
    if differences:
        raise ImportFailed(
            source,
            [
                Problem("添付データ", f"ページの表示と添付データが違います: {item}")
                for item in differences
            ],
        )
    return ParsedSheet(sheet=attached, notes=ImportNotes(), source=source)


def _layout_sheet(pages: Sequence[Page], source: str) -> ParsedSheet:
    """The sheet as its pages show it: the layout reader."""
    headers = {page.number: found for page in pages if (found := _page_header(page))}
    if 1 not in headers:
        first = nfkc(pages[0].lines[0].text)[:30] if pages[0].lines else ""
        raise ImportFailed(
            source,
            [
                Problem(
                    "ヘッダー",
                    f"1ページ目: 「事業番号 … 事業改善シート」の見出しがありません(先頭: {first!r})",
                )
            ],
        )
    header = _header(headers, source)
    zones = _zones(pages, headers)
    missing = [
        Problem(f"{key} {title}", f"見出し「{key} {title}」がありません({len(pages)}ページ中)")
        for key, title in SECTIONS.items()
        if key not in zones
    ]
    if SUB_PROJECTS not in zones:
        missing.append(
            Problem(SUB_PROJECTS, f"「細事業一覧」のページがありません({len(pages)}ページ中)")
        )
    if missing:
        raise ImportFailed(source, missing)

    notes = ImportNotes()
    year = header.fiscal_year
    try:
        indicators = parse_indicators(zones["4"], year, notes)
        analysis = parse_analysis(zones["8"])
        for indicator in indicators:
            indicator.analysis = analysis.get(indicator.number, "")
        sheet = Sheet(
            header=header,
            situation=parse_bullets(zones["1"]),
            purpose=join_lines([line for _, line in zones["2"]]),
            initiatives=parse_initiatives(zones["3"]),
            indicators=indicators,
            plan_links=parse_plan(zones["5"], notes),
            costs=parse_costs(zones["6"], notes),
            results=parse_initiatives(zones["7"]),
            future=FuturePlan(**parse_future(zones["9"])),
            sub_projects=parse_sub_projects(zones[SUB_PROJECTS], notes),
        )
    except _Unreadable as error:
        raise ImportFailed(source, [error.problem]) from error
    return ParsedSheet(sheet=sheet, notes=notes, source=source)


class _Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.describe())


def _unreadable_reason(error: Exception) -> str:
    # pdfplumber wraps pdfminer's errors (PdfminerException(PDFPasswordIncorrect())),
    # whose messages are often empty: the reason is the inner error's kind.
    inner = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    if isinstance(inner, PDFEncryptionError):
        return "PDF がパスワードで保護(暗号化)されています。保護を外した PDF を取り込んでください"
    detail = str(inner) or type(inner).__name__
    return f"PDF として読めません(壊れているか途中で切れています: {detail})"


def _read(path: Path, source: str) -> list[Page]:
    try:
        with pdfplumber.open(path) as pdf:
            pages = [read_page(index + 1, page) for index, page in enumerate(pdf.pages)]
    except (
        PdfminerException,
        PDFSyntaxError,
        PSException,
        ValueError,
        KeyError,
        TypeError,
    ) as error:
        raise ImportFailed(source, [Problem("ファイル", _unreadable_reason(error))]) from error
    if not pages:
        raise ImportFailed(source, [Problem("ファイル", "ページがありません")])
    if not any(page.lines for page in pages):
        raise ImportFailed(
            source,
            [
                Problem(
                    "ファイル", f"{len(pages)}ページとも文字がありません(画像だけのPDFは読めません)"
                )
            ],
        )
    return pages


def _page_header(page: Page) -> _PageHeader | None:
    """The header strip a page of the sheet starts with, or None on a continuation page."""
    if not page.lines:
        return None
    number = next(
        (found for line in page.lines[:6] if (found := _NUMBER.match(nfkc(line.text)))), None
    )
    if number is None:
        return None
    labels = {nfkc(line.text): line for line in page.lines[:40] if nfkc(line.text) in _META}
    if "事業名" not in labels:
        return None
    boxes = [line for line in labels.values()]
    bottom = max(page.cell_around(line).bottom for line in boxes)
    strip = [line for line in page.lines if line.middle < bottom]
    meta_top = min(line.top for line in labels.values())
    title = " ".join(nfkc(line.text) for line in strip if line.bottom <= meta_top)
    stages = [(name, box == "■") for line in strip for box, name in _BOX.findall(nfkc(line.text))]
    meta = {}
    label_boxes = sorted(
        ((name, page.cell_around(line)) for name, line in labels.items()), key=lambda x: x[1].x0
    )
    for name, box in label_boxes:
        following = [
            other.x0
            for _, other in label_boxes
            if abs(other.top - box.top) < 1 and other.x0 > box.x0
        ]
        right = min(following, default=page.width)
        cell = [
            line
            for line in strip
            if box.x1 - 0.5 <= line.x0
            and line.x1 <= right + 0.5
            and box.top <= line.middle <= box.bottom
        ]
        meta[name] = join_lines(cell)
    return _PageHeader(page, " ".join(number[1].split()), title, stages, meta, bottom)


def _header(headers: dict[int, _PageHeader], source: str) -> Header:
    first = headers[1]
    numbers = {header.number for header in headers.values()}
    if len(numbers) > 1:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ヘッダー",
                    "ページごとに事業番号が異なります: "
                    + "、".join(f"{n}ページ {h.number}" for n, h in sorted(headers.items())),
                )
            ],
        )
    year = _TITLE_YEAR.search(first.title)
    if year is None or "事業改善シート" not in first.title:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ヘッダー",
                    f"1ページ目: 「事業改善シート（令和…年度実施事業分）」がありません: {first.title!r}",
                )
            ],
        )
    checked = [name for name, on in first.stages if on]
    if len(checked) != 1:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ヘッダー",
                    f"1ページ目: 段階のチェック(■)が{len(checked)}個です。1つだけ必要です",
                )
            ],
        )
    period = _PERIOD.match(first.meta.get("実施期間", "").strip())
    return Header(
        program_number=first.number,
        program_name=first.meta.get("事業名", ""),
        department=first.meta.get("部局", ""),
        section=first.meta.get("課・室", ""),
        start_year=parse_fiscal_year(period["start"]) if period and period["start"] else None,
        end_year=parse_fiscal_year(period["end"]) if period and period["end"] else None,
        email=first.meta.get("E-mail", ""),
        fiscal_year=parse_fiscal_year(year[0]),
        stage=Stage(checked[0]),
    )


def _zones(pages: Sequence[Page], headers: dict[int, _PageHeader]) -> dict[str, PageLines]:
    """The lines of each section, in reading order across pages, without page furniture."""
    zones: dict[str, PageLines] = {}
    current: str | None = None
    for page in pages:
        header = headers.get(page.number)
        if header is not None and SUB_PROJECTS in header.title:
            current = SUB_PROJECTS
            zones.setdefault(current, [])
        for line in page.lines:
            if header is not None and line.middle < header.bottom:
                continue
            text = nfkc(line.text)
            if _FOOTER.match(text) and line.top > page.height * 0.9:
                continue
            heading = _HEADING.match(text)
            if current != SUB_PROJECTS and heading and _is_heading(heading[1], text):
                current = heading[1]
                zones[current] = []
                continue
            if current is not None:
                zones[current].append((page, line))
    return zones


def _is_heading(key: str, text: str) -> bool:
    return text.startswith(f"{key} {SECTIONS[key]}")
