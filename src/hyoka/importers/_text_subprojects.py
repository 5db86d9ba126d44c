"""The 細事業一覧 pages of the sheet's PDF text.

This is the least ordered part of the extracted text: settlement rows, sub-project
headings and component boxes come out far apart. The parser anchors on what the template
fixes — sub-projects are numbered 1..K with one 決算額 row each, components are
numbered from 1 inside a sub-project, the methods are four fixed words — and places the
rest by proximity and arithmetic, recording every such placement in the import notes.

The work is split by job: ``_text_subheads`` reads rows and headings,
``_text_components`` ties a component's name, description, method and output, and
``_text_placement`` gives the components to the sub-projects.
"""

from __future__ import annotations

from collections.abc import Sequence

from hyoka.importers._layout import Line
from hyoka.importers._text_components import (
    Draft,
    Part,
    component_of,
    component_parts,
    parse_quantities,
    recover_head_names,
    tie_descriptions,
    tie_methods,
    tie_outputs,
)
from hyoka.importers._text_placement import beside_rows, place
from hyoka.importers._text_subheads import (
    LONE_NUMBER,
    METHOD_WORDS,
    NUMBERED,
    SECTION,
    Anchor,
    SettlementRow,
    assign_rows,
    is_label,
    looks_like_name,
    orient_rows,
    settlement_row,
    sub_project_heads,
)
from hyoka.importers.errors import ImportFailed, ImportNotes, Problem
from hyoka.importers.limits import MAX_COMPONENTS
from hyoka.model import CostRow, SubProject

__all__ = ["parse_quantities", "parse_sub_projects"]


def parse_sub_projects(
    pages: Sequence[Sequence[Line]],
    fiscal_year: int,
    costs: Sequence[CostRow],
    notes: ImportNotes,
) -> list[SubProject]:
    rows: list[SettlementRow] = []
    numbered: list[Anchor] = []
    lone_numbers: list[Anchor] = []
    lone_names: list[Anchor] = []
    all_lines: list[tuple[int, Line]] = []
    for page_index, page in enumerate(pages):
        for line in page:
            if not line.text:
                continue
            all_lines.append((page_index, line))
            row = settlement_row(line)
            if row is not None:
                rows.append(row)
                continue
            if is_label(line.text):
                continue
            if match := NUMBERED.match(line.text):
                if match[2] not in METHOD_WORDS:
                    numbered.append(Anchor(int(match[1]), match[2], line, page_index))
            elif match := LONE_NUMBER.match(line.text):
                lone_numbers.append(Anchor(int(match[1]), "", line, page_index))
            elif looks_like_name(line.text):
                lone_names.append(Anchor(0, line.text, line, page_index))
    count = len(rows)
    if count == 0:
        notes.missing_in(SECTION, "細事業の決算額の行が見つかりません")
        return []
    years = [fiscal_year - 2, fiscal_year - 1, fiscal_year]
    heads = sub_project_heads(count, numbered, lone_numbers, lone_names, all_lines, notes)
    assignment = assign_rows(rows, heads, all_lines, notes)
    readings = orient_rows(rows, assignment, years, costs, notes)
    sub_projects = []
    for index, head in enumerate(heads):
        settlement = readings[index]
        sub_projects.append(
            SubProject(
                number=head.number,
                name=head.name,
                settlements=dict(zip(years, settlement, strict=True)),
            )
        )
    page_of = {id(line): page for page, line in all_lines}
    head_pages = [
        {head.page, page_of[id(rows[assignment[index]].line)]} for index, head in enumerate(heads)
    ]
    skip = {row.line.number for row in rows}
    for head in heads:
        if head.found:
            skip |= {head.line.number, *(line.number for line in head.extra_lines)}
    row_lines = [rows[assignment[index]].line for index in range(len(heads))]
    _attach_components(pages, skip, sub_projects, heads, head_pages, row_lines, notes)
    return sub_projects


def _attach_components(
    pages: Sequence[Sequence[Line]],
    skip: set[int],
    sub_projects: list[SubProject],
    heads: Sequence[Anchor],
    head_pages: Sequence[set[int]],
    row_lines: Sequence[Line],
    notes: ImportNotes,
) -> None:
    parts = component_parts(pages, skip)
    _check_count(parts)
    drafts = [Draft(part, number=part.number) for part in parts if part.kind == "name"]
    leftovers = tie_descriptions(parts, drafts, notes)
    leftovers += tie_outputs(parts, drafts, notes)
    drafts = recover_head_names(drafts, sub_projects, heads, notes)
    leftovers += tie_methods(parts, drafts, notes)
    for part in leftovers:
        notes.missing_in(
            SECTION, f"「{part.text}」をどの取組にも対応させられませんでした", part.first
        )
    if not drafts:
        notes.missing_in(SECTION, "細事業を構成する主な取組が見つかりません")
        return
    lone = [part.number or 0 for part in parts if part.kind == "number"]
    beside = beside_rows(pages, row_lines, drafts)
    place(drafts, heads, head_pages, lone, notes, beside)
    for index, project in enumerate(sub_projects):
        mine = sorted((d for d in drafts if d.home == index), key=lambda d: d.number or 0)
        project.components = [component_of(d, project.number, notes) for d in mine]


def _check_count(parts: Sequence[Part]) -> None:
    """Refuse more components than a sheet has before matching them (cubic in the count).

    Raised without a source; ``parse_sheet_text`` names the file.
    """
    for kind, what in (("name", "取組"), ("desc", "事業概要"), ("output", "アウトプット")):
        of_kind = [part for part in parts if part.kind == kind]
        if len(of_kind) > MAX_COMPONENTS:
            raise ImportFailed(
                "",
                [
                    Problem(
                        SECTION,
                        f"細事業一覧の{what}が多すぎます({len(of_kind)}個、上限 "
                        f"{MAX_COMPONENTS}個): 1つのファイルに1つのシートだけを入れてください",
                        of_kind[MAX_COMPONENTS].first,
                    )
                ],
            )
