"""What one sheet puts in the listing and search index, made without a database: the
summary row, the normalised name and text, the 1–2 character tokens and the 施策分野 rows
(:func:`search_rows`); :mod:`hyoka.store.search.index` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyoka.model import Sheet
from hyoka.rows.grams import gram_tokens, grams
from hyoka.rules.summaries import normalize, sheet_text, summarize

# The sheet_summaries columns after sheet_id, in the order of SearchRows.summary.
SUMMARY_COLUMNS = (
    "kind",
    "program_number",
    "fiscal_year",
    "stage",
    "program_name",
    "department",
    "section",
    "achievement",
    "at_risk",
    "indicator_count",
)


@dataclass(frozen=True)
class SearchRows:
    """What one sheet puts in the index, as plain values: cheap to pickle, so that worker
    processes can compute them (:func:`search_rows`) and one writer store them
    (:func:`write_search_rows`)."""

    summary: tuple[Any, ...]  # the columns of SUMMARY_COLUMNS
    program_name: str  # normalised
    body: str  # sheet_text(sheet)
    name_grams: str | None  # SQLite's tokens; None when computed without them
    body_grams: str | None
    body_tokens: list[str] | None  # PostgreSQL's (gram_tokens); None when computed without
    policies: tuple[tuple[Any, ...], ...]  # (position, policy_code, policy_name)


def search_rows(sheet: Sheet, *, with_grams: bool = True, with_tokens: bool = False) -> SearchRows:
    """The index rows of one sheet; pure. ``with_grams``: with SQLite's 1–2 character
    tokens, ``with_tokens``: with PostgreSQL's; tokens left out are computed by the
    writer, for the database it writes to."""
    header = sheet.header
    summary = summarize(sheet)
    name = normalize(header.program_name)
    body = sheet_text(sheet)
    status = None if summary.achievement is None else summary.achievement.value
    return SearchRows(
        summary=(
            header.kind.value,
            header.program_number,
            header.fiscal_year,
            header.stage.value,
            name,
            header.department,
            header.section,
            status,
            summary.at_risk,
            summary.indicator_count,
        ),
        program_name=name,
        body=body,
        name_grams=grams(name) if with_grams else None,
        body_grams=grams(body) if with_grams else None,
        body_tokens=gram_tokens(body) if with_tokens else None,
        policies=tuple(
            (position, link.policy_code, link.policy_name)
            for position, link in enumerate(sheet.plan_links)
        ),
    )
