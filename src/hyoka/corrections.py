"""Corrections of published figures other than indicator values: 事業コスト (決算額 etc.),
細事業 settlements and output quantities.

An indicator value carries its own :class:`hyoka.model.Correction`; the other figures have
no place for one in the model, so their corrections are read off the two versions a
correction saved (the one before and the one after, see
:func:`hyoka.store.staff.corrections.correction_versions`) and shown like the indicators' note:
「修正前：1,234、修正後：1,300」.

Pure: compares two sheets.

Example::

    corrected_figures(published, corrected, reason="集計誤りのため")
    # [FigureCorrection(section="事業コスト", item="令和5年度 決算額", before=1234, after=1300, …)]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from hyoka.display import COST_LABELS_LONG, number, year_short
from hyoka.eras import era_label
from hyoka.model import Component, Correction, Sheet, ValueKind
from hyoka.revisions import FieldChange, compare


@dataclass(frozen=True)
class FigureCorrection:
    """One corrected figure: what it is, its two values, the reason and where it was wrong."""

    section: str  # 事業コスト / 細事業一覧
    item: str  # 令和5年度 決算額 / 細事業1 令和5年度 決算額 / 細事業1 取組2 新規登録者数
    fiscal_year: int
    before: Decimal | None
    after: Decimal | None
    unit: str
    reason: str
    noted_in: str
    # When the correction was approved (set by the store; None: not known here).
    corrected_at: datetime | None = None

    @property
    def note(self) -> str:
        """The sheet's note: ※事業コスト 令和5年度 決算額：理由（修正前：…、修正後：…）."""
        reason = self.reason or f"{self.noted_in}に記載した数値を修正しました"
        return f"※{self.section} {self.item}：{reason}（{self.text}）"

    @property
    def text(self) -> str:
        """修正前：1,234、修正後：1,300 (ー where there was or is no figure)."""
        return f"修正前：{shown_figure(self.before)}、修正後：{shown_figure(self.after)}"


def corrected_figures(before: Sheet, after: Sheet, *, reason: str) -> list[FigureCorrection]:
    """The cost, settlement and quantity figures that differ between the two versions."""
    noted_in = sheet_label(after)
    found = []
    for change in compare(before, after):
        path = change.path
        old, new = _decimal(change.before), _decimal(change.after)
        if old is None and new is None:
            continue
        if path[0] == "costs" and len(path) == 3 and isinstance(path[1], int):
            name = str(path[2])
            found.append(
                FigureCorrection(
                    section="事業コスト",
                    item=f"{era_label(path[1])} {COST_LABELS_LONG.get(name, name)}",
                    fiscal_year=path[1],
                    before=old,
                    after=new,
                    unit="人" if name == "staff" else "千円",
                    reason=reason,
                    noted_in=noted_in,
                )
            )
        elif path[0] == "sub_projects" and len(path) == 4 and path[2] == "settlements":
            fiscal_year = path[3]
            assert isinstance(fiscal_year, int)
            found.append(
                FigureCorrection(
                    section="細事業一覧",
                    item=f"細事業{path[1]} {era_label(fiscal_year)} 決算額",
                    fiscal_year=fiscal_year,
                    before=old,
                    after=new,
                    unit="千円",
                    reason=reason,
                    noted_in=noted_in,
                )
            )
    found.extend(_quantities(before, after, reason=reason, noted_in=noted_in))
    return found


def _quantities(
    before: Sheet, after: Sheet, *, reason: str, noted_in: str
) -> list[FigureCorrection]:
    """Quantities of an output (新規登録者数407者) whose figure changed.

    The staff form keeps a component's quantities only while its output text is unchanged;
    after an edit the new figure is read from the new text, right after the same label.
    """
    newer = {
        (sub.number, component.number): component
        for sub in after.sub_projects
        for component in sub.components
    }
    found = []
    for sub in before.sub_projects:
        for component in sub.components:
            now = newer.get((sub.number, component.number))
            if now is None:
                continue
            for quantity in component.quantities:
                value = _quantity_after(now, quantity.label)
                if value is None or value == quantity.value:
                    continue
                found.append(
                    FigureCorrection(
                        section="細事業一覧",
                        item=f"細事業{sub.number} 取組{component.number} {quantity.label}",
                        fiscal_year=after.header.fiscal_year,  # the sheet's year's output
                        before=quantity.value,
                        after=value,
                        unit=quantity.unit,
                        reason=reason,
                        noted_in=noted_in,
                    )
                )
    return found


def _quantity_after(component: Component, label: str) -> Decimal | None:
    for quantity in component.quantities:
        if quantity.label == label:
            return quantity.value
    # NFKC: the sheets print figures in full width as often as not (２回).
    text, label = (
        unicodedata.normalize("NFKC", component.output),
        unicodedata.normalize("NFKC", label),
    )
    match = re.search(re.escape(label) + r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)", text)
    if match is None:
        return None
    try:
        return Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        return None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def shown_figure(value: Decimal | None) -> str:
    """A figure as the notes show it: 1,234, or ー where there is none."""
    return "ー" if value is None else number(value)


def with_value_corrections(
    sheet: Sheet, changes: list[FieldChange], reason: str, *, noted_in: str = ""
) -> Sheet:
    """The sheet with a :class:`~hyoka.model.Correction` on every indicator figure that
    ``changes`` (the comparison of the published version with the corrected one) changed
    from one value to another: the policy of a correction of a published sheet (pure).

    ``noted_in`` is where the wrong figure was published (default: this sheet's year and
    stage); a figure that already carries the same correction gets no second one.
    """
    sheet = sheet.model_copy(deep=True)
    noted_in = noted_in or sheet_label(sheet)
    for change in changes:
        path = change.path
        if len(path) != 6 or path[0] not in ("indicators", "outputs") or path[5] != "value":
            continue
        if not isinstance(change.before, Decimal) or not isinstance(change.after, Decimal):
            continue
        _, number, _, fiscal_year, kind, _ = path
        for indicator in getattr(sheet, str(path[0])):
            if indicator.number != number:
                continue
            for value in indicator.values:
                if value.fiscal_year != fiscal_year or value.kind != ValueKind(str(kind)):
                    continue
                correction = Correction(
                    before=change.before, after=change.after, reason=reason, noted_in=noted_in
                )
                if correction not in value.corrections:
                    value.corrections = [*value.corrections, correction]
    return sheet


def sheet_label(sheet: Sheet) -> str:
    """Where a figure was published, as the notes say it: 「R5年度点検のシート」."""
    return f"{year_short(sheet.header.fiscal_year)}{sheet.header.stage.value}のシート"


def prior_year_changes(published: Sheet, draft: Sheet) -> list[FieldChange]:
    """The figures of years before ``draft``'s fiscal year that ``published`` (an earlier
    published sheet of the same program) printed and ``draft`` changes: costs, indicator
    values and 細事業 決算額. A figure the published sheet left blank is filled in, not
    corrected, and is not listed."""
    year = draft.header.fiscal_year
    found = []
    for change in compare(published, draft):
        when = figure_year(change.path)
        if when is None or when >= year or _decimal(change.before) is None:
            continue
        found.append(change)
    return found


def with_figures(sheet: Sheet, changes: list[FieldChange]) -> Sheet:
    """A copy of ``sheet`` with the figures of ``changes`` (costs, indicator values, 細事業
    決算額; see :func:`prior_year_changes`) set to their ``after`` values (pure)."""
    sheet = sheet.model_copy(deep=True)
    for change in changes:
        path, after = change.path, _decimal(change.after)
        if _is_cost(path):
            # Money is whole 千円 (int); 職員数 may be fractional (Decimal).
            exact = after if after is None or path[2] == "staff" else int(after)
            for row in sheet.costs:
                if row.fiscal_year == path[1]:
                    setattr(row, str(path[2]), exact)
        elif _is_value(path):
            for indicator in getattr(sheet, str(path[0])):
                for value in indicator.values if indicator.number == path[1] else ():
                    if value.fiscal_year == path[3] and value.kind == ValueKind(str(path[4])):
                        value.value = after
        elif _is_settlement(path):
            for sub in sheet.sub_projects:
                if sub.number == path[1] and isinstance(path[3], int):
                    if after is None:
                        sub.settlements.pop(path[3], None)
                    else:
                        sub.settlements[path[3]] = int(after)
    return sheet


def figure_year(path: tuple[str | int, ...]) -> int | None:
    """The fiscal year of a figure's path (costs, indicator values, settlements) as
    :func:`hyoka.revisions.compare` names it, or None for any other field."""
    year: str | int | None = None
    if _is_cost(path):
        year = path[1]
    elif _is_value(path) or _is_settlement(path):
        year = path[3]
    return year if isinstance(year, int) else None


def _is_cost(path: tuple[str | int, ...]) -> bool:
    return path[0] == "costs" and len(path) == 3


def _is_value(path: tuple[str | int, ...]) -> bool:
    return path[0] in ("indicators", "outputs") and len(path) == 6 and path[5] == "value"


def _is_settlement(path: tuple[str | int, ...]) -> bool:
    return path[0] == "sub_projects" and len(path) == 4 and path[2] == "settlements"
