"""docs/analytics.md against the report specifications (hyoka.analytics.REPORTS): every
report has its section, names its filters and default limit, its tables by key and title,
and every column with its heading and kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hyoka.analytics import FILTERS, REPORTS, Report

DOCS = Path(__file__).parent.parent / "docs" / "analytics.md"
SHEET_ROW = "Columns of a sheet row"


def sections() -> dict[str, str]:
    """The text under each ``## `` heading, by heading."""
    found: dict[str, str] = {}
    heading = ""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line.removeprefix("## ").strip()
            found[heading] = ""
        elif heading:
            found[heading] += line + "\n"
    return found


def column_rows(text: str) -> dict[str, list[tuple[str, str]]]:
    """The rows ``| `key` | heading | kind | meaning |`` of a section: (heading, kind) by key."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`[^`]+`", cells[0]):
            found.setdefault(cells[0].strip("`"), []).append((cells[1], cells[2]))
    return found


def line_starting(text: str, prefix: str) -> str:
    """The paragraph that starts with ``prefix`` (lines joined)."""
    paragraph = next((part for part in text.split("\n\n") if part.startswith(prefix)), None)
    assert paragraph is not None, f"no {prefix!r} paragraph"
    return paragraph.replace("\n", " ")


@pytest.mark.parametrize("report", REPORTS.values(), ids=lambda report: report.slug)
def test_every_report_is_documented(report: Report[Any]) -> None:
    documented = sections()
    heading = f"{report.slug} — {report.title}"
    assert heading in documented, f"docs/analytics.md has no section '## {heading}'"
    text = documented[heading]

    filters = line_starting(text, "Filters:")
    assert set(re.findall(r"`(--[a-z-]+)`", filters)) == {
        FILTERS[name].option for name in report.filters
    }
    if report.default_limit is not None:
        assert f"default {report.default_limit}" in filters

    tables = line_starting(text, "Tables:")
    rows = column_rows(text) | {
        key: value
        for key, value in column_rows(documented[SHEET_ROW]).items()
        if key not in column_rows(text)
    }
    for table in report.tables:
        assert f"`{table.key}`" in tables, f"{report.slug}: table {table.key} not named"
        if isinstance(table.title, str):
            assert f"`{table.key}` {table.title}" in tables
        if table.more_columns is not None:
            assert f"`{table.more_doc}`" in text
        for column in table.columns:
            assert column.key in rows, f"{report.slug}: column {column.key} not documented"
            assert any(
                column.heading in heading and column.kind.value == kind
                for heading, kind in rows[column.key]
            ), f"{report.slug}: column {column.key} is {column.heading} ({column.kind.value})"


def test_only_reports_have_report_sections() -> None:
    titled = {heading.split(" — ")[0] for heading in sections() if " — " in heading}
    assert titled == set(REPORTS)


def test_every_filter_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for item in FILTERS.values():
        assert f"`{item.option}" in text
