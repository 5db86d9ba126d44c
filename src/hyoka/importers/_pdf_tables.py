"""Ruled tables of a sheet PDF read by their header labels: columns from the header cells'
x ranges, rows from the rulings below them. Nothing here knows a sheet's values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from hyoka.importers._pdf_layout import Box, Page, TextLine, join_lines


@dataclass(frozen=True)
class Column:
    label: str
    x0: float
    x1: float

    def holds(self, line: TextLine) -> bool:
        center = (line.x0 + line.x1) / 2
        return self.x0 <= center <= self.x1


@dataclass
class Row:
    """One body row: the lines of each column inside the row's band."""

    page: Page
    top: float
    bottom: float
    cells: dict[str, list[TextLine]]

    def text(self, label: str) -> str:
        return join_lines(self.cells.get(label, []))

    def lines(self, label: str) -> list[TextLine]:
        return self.cells.get(label, [])


def column_of(page: Page, line: TextLine, label: str) -> Column:
    box = page.cell_around(line)
    return Column(label, box.x0, box.x1)


def header_bottom(page: Page, header_lines: Sequence[TextLine]) -> float:
    return max(page.cell_around(line).bottom for line in header_lines)


def body_rows(
    page: Page,
    zone: Sequence[TextLine],
    columns: Sequence[Column],
    key: str,
    top: float,
    bottom: float,
) -> list[Row]:
    """Rows below ``top``: one per ruled cell of the ``key`` column that holds text."""
    key_column = next(column for column in columns if column.label == key)
    body = [line for line in zone if top < line.middle < bottom]
    rows: list[Row] = []
    for line in body:
        if not key_column.holds(line):
            continue
        box = page.cell_around(line)
        if rows and rows[-1].top <= line.middle <= rows[-1].bottom:
            continue  # a wrapped key cell: same row
        rows.append(Row(page, box.top, box.bottom, {}))
    for row in rows:
        band = Box(0, row.top, page.width, row.bottom)
        for line in body:
            if not band.holds(line):
                continue
            for column in columns:
                if column.holds(line):
                    row.cells.setdefault(column.label, []).append(line)
                    break
    return rows


def split_by_rulings(
    page: Page, lines: Sequence[TextLine], column: Column, row: Row
) -> list[list[TextLine]]:
    """The lines of one column of a row, split into the ruled cells inside the row."""
    cuts = [
        row.top,
        *page.rulings_across(column.x0, column.x1, row.top + 1, row.bottom - 1),
        row.bottom,
    ]
    cells: list[list[TextLine]] = []
    for upper, lower in pairwise(cuts):
        if lower - upper < 3:
            continue  # the two edges of one ruling
        cells.append([line for line in lines if upper <= line.middle <= lower])
    return cells
