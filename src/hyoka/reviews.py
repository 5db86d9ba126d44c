"""One program's review across its years: each finding (指摘) followed through the sheets
that list it (対応状況 year by year) beside the 反映額 of each year.

A national sheet lists the findings of earlier reviews and audits (RS 4-1 過去に受けた指摘事項,
その他の指摘事項) with the year each was made, and repeats them on later sheets with what
has been done since. :func:`finding_trail` reads every sheet of the program (the lineage
of :mod:`hyoka.store.sheets.lineage`: 予算事業ID, 関連事業, 府省庁+事業名 across JUDGIT! and
RS) and groups the findings by who made them, the year and the text, so one finding
appears once with its response on each sheet. 反映額 are summed per sheet in yen (the
sheets of a program may be in 百万円 and 円).

Example::

    trail = finding_trail(session=session, sheet_id=42)
    for item in trail.findings:
        print(item.origin, item.fiscal_year, [step.response for step in item.steps])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.display import money
from hyoka.model import FindingKind, MoneyUnit, review_of
from hyoka.rules.findings import to_yen
from hyoka.store.sheets.lineage import program_sheet_ids
from hyoka.store.sheets.reader import load_sheets

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TrailSheet:
    """A sheet of the program, as the trail names it."""

    sheet_id: int
    fiscal_year: int
    program_number: str
    program_name: str
    money_unit: MoneyUnit


@dataclass(frozen=True)
class FindingStep:
    """What one sheet says was done about a finding (対応状況)."""

    sheet_id: int
    fiscal_year: int  # the sheet's year
    response: str


@dataclass(frozen=True)
class TrackedFinding:
    """One finding, as made (``fiscal_year`` 指摘年度), with each sheet that lists it."""

    kind: FindingKind
    origin: str
    fiscal_year: int | None
    finding: str
    steps: list[FindingStep] = field(default_factory=list)  # oldest sheet first

    @property
    def latest_response(self) -> str:
        return next((step.response for step in reversed(self.steps) if step.response), "")


@dataclass(frozen=True)
class ReflectedYear:
    """One sheet's 反映状況 and 反映額 (per 会計 in the sheet's unit; total in yen)."""

    sheet_id: int
    fiscal_year: int
    reflection: str
    money_unit: MoneyUnit
    amounts: list[tuple[str, Decimal | None]]  # (会計 勘定, amount in the sheet's unit)
    total_yen: Decimal | None

    @property
    def total_label(self) -> str:
        """The total in yen as the sheets print money (``△`` for a cut)."""
        return "" if self.total_yen is None else money(self.total_yen)


@dataclass(frozen=True)
class FindingTrail:
    """A program's findings and 反映額 across its linked sheets."""

    sheets: list[TrailSheet]
    findings: list[TrackedFinding]
    reflected: list[ReflectedYear]

    @property
    def is_empty(self) -> bool:
        return not self.findings and not self.reflected

    def __bool__(self) -> bool:
        # Worth showing: more than the one sheet, or anything reviewed.
        return len(self.sheets) > 1 or not self.is_empty


def _key(kind: FindingKind, origin: str, year: int | None, text: str) -> tuple[object, ...]:
    # The same finding printed on two sheets may differ in width and line breaks.
    def norm(value: str) -> str:
        return _SPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()

    return (kind.value, norm(origin), year, norm(text))


def finding_trail(*, session: Session, sheet_id: int, public: bool = True) -> FindingTrail:
    """The findings and 反映額 of the program of ``sheet_id`` over its sheets, oldest year
    first (only published sheets when ``public``). A sheet outside any lineage gives its own."""
    ids = program_sheet_ids(session=session, sheet_id=sheet_id)
    stored = load_sheets(session=session, sheet_ids=ids, public=public)
    stored.sort(key=lambda item: (item.sheet.header.fiscal_year, item.sheet_id))
    sheets: list[TrailSheet] = []
    tracked: dict[tuple[object, ...], TrackedFinding] = {}
    reflected: list[ReflectedYear] = []
    for item in stored:
        sheet = item.sheet
        year = sheet.header.fiscal_year
        sheets.append(
            TrailSheet(
                item.sheet_id,
                year,
                sheet.header.program_number,
                sheet.header.program_name,
                sheet.money_unit,
            )
        )
        review = review_of(sheet)
        if review is None:
            continue
        for finding in review.findings:
            key = _key(finding.kind, finding.origin, finding.fiscal_year, finding.finding)
            entry = tracked.setdefault(
                key,
                TrackedFinding(finding.kind, finding.origin, finding.fiscal_year, finding.finding),
            )
            entry.steps.append(FindingStep(item.sheet_id, year, finding.response))
        if review.reflected or review.reflection:
            total = review.reflected_total()
            reflected.append(
                ReflectedYear(
                    sheet_id=item.sheet_id,
                    fiscal_year=year,
                    reflection=review.reflection,
                    money_unit=sheet.money_unit,
                    amounts=[
                        (
                            " ".join(p for p in (amount.account, amount.subaccount) if p),
                            amount.amount,
                        )
                        for amount in review.reflected
                    ],
                    total_yen=None if total is None else to_yen(total, sheet.money_unit),
                )
            )
    findings = sorted(
        tracked.values(),
        key=lambda entry: (entry.fiscal_year or 0, entry.kind.value, entry.origin),
    )
    return FindingTrail(sheets=sheets, findings=findings, reflected=reflected)
