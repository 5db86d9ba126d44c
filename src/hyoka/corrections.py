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

    @property
    def note(self) -> str:
        """The sheet's note: ※事業コスト 令和5年度 決算額：理由（修正前：…、修正後：…）."""
        reason = self.reason or f"{self.noted_in}に記載した数値を修正しました"
        return f"※{self.section} {self.item}：{reason}（{self.text}）"

    @property
    def text(self) -> str:
        """修正前：1,234、修正後：1,300 (ー where there was or is no figure)."""
        return f"修正前：{_shown(self.before)}、修正後：{_shown(self.after)}"


def corrected_figures(before: Sheet, after: Sheet, *, reason: str) -> list[FigureCorrection]:
    """The cost, settlement and quantity figures that differ between the two versions."""
    noted_in = f"{year_short(after.header.fiscal_year)}{after.header.stage.value}のシート"
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


def _shown(value: Decimal | None) -> str:
    return "ー" if value is None else number(value)


def with_value_corrections(sheet: Sheet, changes: list[FieldChange], reason: str) -> Sheet:
    """The sheet with a :class:`~hyoka.model.Correction` on every indicator figure that
    ``changes`` (the comparison of the published version with the corrected one) changed
    from one value to another: the policy of a correction of a published sheet (pure)."""
    sheet = sheet.model_copy(deep=True)
    noted_in = f"{year_short(sheet.header.fiscal_year)}{sheet.header.stage.value}のシート"
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
                if value.fiscal_year == fiscal_year and value.kind == ValueKind(str(kind)):
                    value.corrections = [
                        *value.corrections,
                        Correction(
                            before=change.before,
                            after=change.after,
                            reason=reason,
                            noted_in=noted_in,
                        ),
                    ]
    return sheet
