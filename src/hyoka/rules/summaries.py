"""What one sheet contributes to the search index, from the model alone (pure).

:func:`sheet_text` is every text of the sheet, normalised (:func:`normalize`, NFKC) like
the queries; :func:`summarize` is the listing's achievement and 目標未達のおそれ, judged with
:mod:`hyoka.rules` (pure functions over the model) so that every way of saving a sheet
leaves the filters right; 目標未達のおそれ is :func:`hyoka.rules.facts.behind_pace`, the
definition the at-risk report lists, so the list and the dashboard count the same.
:mod:`hyoka.store.search.index` writes both.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hyoka.model import Achievement, Indicator, Sheet
from hyoka.rules import achievement
from hyoka.rules.facts import behind_pace, closed_year
from hyoka.rules.findings import as_of_year
from hyoka.rules.indicators import latest_figure_year


def sheet_text(sheet: Sheet) -> str:
    """Every text of the sheet, one passage a line, normalised (NFKC) like the queries."""
    header = sheet.header
    parts: list[str] = [
        header.program_number,
        header.program_name,
        header.department,
        header.bureau,
        header.section,
        *sheet.situation,
        sheet.purpose,
        sheet.summary,
        *sheet.methods,
        *sheet.policies,
        sheet.no_target_reason,
    ]
    for initiative in (*sheet.initiatives, *sheet.results):
        parts += [initiative.title, *initiative.bullets]
    for indicator in (*sheet.indicators, *sheet.outputs):
        parts += [indicator.name, indicator.goal, indicator.target_reason, indicator.analysis]
        parts += [c.reason for value in indicator.values for c in value.corrections]
    for link in sheet.plan_links:
        parts += [f"{link.policy_code} {link.policy_name}", *(goal.name for goal in link.goals)]
    parts += [*sheet.future.issues, *sheet.future.measures]
    for sub_project in sheet.sub_projects:
        parts.append(sub_project.name)
        for component in sub_project.components:
            parts += [component.name, component.description, component.output]
    for recipient in sheet.recipients:
        parts += [recipient.name, recipient.description]
    text = "\n".join(part for part in parts if part and part.strip())
    # Line by line (a newline never combines, so the result is the same): NFKC takes its
    # slow path only for the lines that need it, not for the whole text when one does.
    return "\n".join(map(_normalized_line, text.split("\n")))


def normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def _normalized_line(line: str) -> str:
    return line if unicodedata.is_normalized("NFKC", line) else normalize(line)


def indicator_status(indicator: Indicator, *, as_of: int) -> Achievement | None:
    """The latest 達成/未達成 the rules can compute up to ``as_of``, else the printed one."""
    year = latest_figure_year(indicator, up_to=as_of)
    while year is not None and year >= as_of - 5:
        computed = achievement(indicator, year)
        if computed is not None:
            return computed
        year -= 1
    return indicator.printed_achievement


@dataclass(frozen=True)
class Summary:
    achievement: Achievement | None
    at_risk: bool
    indicator_count: int


def summarize(sheet: Sheet) -> Summary:
    """未達成 when any indicator's latest status is 未達成, 達成 when all with a status are."""
    as_of, last = as_of_year(sheet), closed_year(sheet)
    statuses = [indicator_status(item, as_of=as_of) for item in sheet.indicators]
    known = [status for status in statuses if status is not None]
    overall = None
    if known:
        achieved = all(status is Achievement.ACHIEVED for status in known)
        overall = Achievement.ACHIEVED if achieved else Achievement.NOT_ACHIEVED
    return Summary(
        achievement=overall,
        # 目標未達のおそれ as the at-risk report lists it: one definition, one count.
        at_risk=any(behind_pace(item, closed=last) is not None for item in sheet.indicators),
        indicator_count=len(sheet.indicators),
    )
