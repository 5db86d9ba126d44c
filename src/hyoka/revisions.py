"""Comparing two versions of a sheet field by field, with the sheet's own Japanese labels.

:func:`compare` lists what differs between two :class:`hyoka.model.Sheet` — two revisions
of one stage, or one program's sheet at two stages (当初予算案 and 点検) — as
:class:`FieldChange` items such as ``成果指標②-1 令和5年度 実績: 473 → 493``. Items of a
list are matched by what the sheet calls them (an indicator by its number, a figure by
its fiscal year and kind, a cost row by its year, a 細事業 by its number), not by position,
so inserting an indicator does not make every later one look changed.

Pure: used by the staff compare page and by the store's conflict message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hyoka.display import (
    COMPARISON_LABELS,
    COST_LABELS_LONG,
    DIRECTION_LABELS,
    TREND_LABELS,
    VALUE_KIND_LABELS,
    number,
)
from hyoka.eras import era_label
from hyoka.model import CostRow, Indicator, PlanLink, Sheet, SubProject

Path = tuple[str | int, ...]
Scalar = str | int | Decimal | bool | None

_HEADER_LABELS = {
    "program_number": "事業番号",
    "program_name": "事業名",
    "department": "部局",
    "bureau": "担当部局庁",
    "section": "課・室",
    "start_year": "実施期間（開始年度）",
    "end_year": "実施期間（終了年度）",
    "email": "E-mail",
    "fiscal_year": "年度",
    "stage": "段階",
}
_YEAR_FIELDS = {"start_year", "end_year", "fiscal_year"}
_INDICATOR_LABELS = {
    "name": "名称",
    "goal": "成果目標",
    "unit": "単位",
    "direction": "改善の方向",
    "target_reason": "目標値設定理由",
    "analysis": "要因分析",
    "printed_achievement": "達成状況",
}
_TARGET_LABELS = {
    "comparison": "目標の種類",
    "cumulative": "累計目標",
    "start_year": "累計の開始年度",
    "end_year": "累計の終了年度",
}
# Fields holding a code of the model, shown with its Japanese label (the last path part).
_VALUE_LABELS = {"direction": DIRECTION_LABELS, "comparison": COMPARISON_LABELS}
_TREND_SHOWN = {arrow: f"{arrow}（{label}）" for arrow, label in TREND_LABELS.items()}
# Sections compared field by field below; the national parts are compared as a whole.
_DETAILED = {
    "header",
    "situation",
    "purpose",
    "initiatives",
    "indicators",
    "outputs",
    "plan_links",
    "costs",
    "results",
    "future",
    "sub_projects",
}


@dataclass(frozen=True)
class FieldChange:
    """One field that differs. ``before``/``after`` are None where the field is absent."""

    path: Path
    label: str
    before: Scalar
    after: Scalar

    @property
    def before_text(self) -> str:
        return show(self.before, self._labels)

    @property
    def after_text(self) -> str:
        return show(self.after, self._labels)

    @property
    def _labels(self) -> dict[str, str] | None:
        """The label table of a coded field (direction, comparison, trend), else None."""
        if len(self.path) >= 2 and self.path[-2] == "trends":
            return _TREND_SHOWN
        return _VALUE_LABELS.get(self.path[-1]) if isinstance(self.path[-1], str) else None

    def __str__(self) -> str:
        return f"{self.label}: {self.before_text} → {self.after_text}"


@dataclass(frozen=True)
class _Field:
    label: str
    value: Scalar


class _Fields(dict[Path, _Field]):
    def put(self, path: Path, label: str, value: Any) -> None:
        self[path] = _Field(label, _scalar(value))


_Put = Callable[[Path, str, Any], None]


def show(value: Scalar, labels: dict[str, str] | None = None) -> str:
    """A value as the sheet prints it; （なし） for an absent or empty one.

    ``labels`` names the codes of an enum field (``{"higher": "高いほど良い"}``).
    """
    if value is None or value == "":
        return "（なし）"
    if labels is not None and isinstance(value, str) and value in labels:
        return labels[value]
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, Decimal | int):
        return number(value)
    return value


def compare(before: Sheet, after: Sheet) -> list[FieldChange]:
    """Every field whose value differs, in the order of the newer sheet (removed fields last).

    A field present on one side only is a change from or to None; an empty text and an
    absent one both show as （なし）; texts that differ only in line ends (CRLF, CR, LF)
    are equal, and are shown with LF.
    """
    old, new = flatten(before), flatten(after)
    changes = []
    for path in [*new, *(path for path in old if path not in new)]:
        was, now = old.get(path), new.get(path)
        if (_empty(was) and _empty(now)) or (was and now and was.value == now.value):
            continue
        shown = now if now is not None else was
        assert shown is not None
        changes.append(
            FieldChange(
                path=path,
                label=shown.label,
                before=None if was is None else was.value,
                after=None if now is None else now.value,
            )
        )
    return changes


def flatten(sheet: Sheet) -> dict[Path, _Field]:
    """Every field of the sheet under a path that names items as the sheet does."""
    fields = _Fields()
    put = fields.put

    header = sheet.header
    for name, label in _HEADER_LABELS.items():
        value = getattr(header, name)
        put(("header", name), label, _year(value) if name in _YEAR_FIELDS else value)
    for index, text in enumerate(sheet.situation, start=1):
        put(("situation", index), f"1 現状と課題 ({index})", text)
    put(("purpose",), "2 事業目的", sheet.purpose)
    for section, items, title in ((3, sheet.initiatives, "3 取組"), (7, sheet.results, "7 実績")):
        key = "initiatives" if section == 3 else "results"
        for item in items:
            put((key, item.number, "title"), f"{title}{item.number}", item.title)
            for index, text in enumerate(item.bullets, start=1):
                put((key, item.number, "bullets", index), f"{title}{item.number} ({index})", text)
    for key, title in (("indicators", "成果指標"), ("outputs", "活動指標")):
        for indicator in getattr(sheet, key):
            _indicator(put, (key,), f"{title}{indicator.number}", indicator)
    for link in sheet.plan_links:
        _plan_link(put, link)
    for row in sheet.costs:
        _cost(put, row)
    for index, text in enumerate(sheet.future.issues, start=1):
        put(("future", "issues", index), f"9(1) 課題 ({index})", text)
    for index, text in enumerate(sheet.future.measures, start=1):
        put(("future", "measures", index), f"9(2) 改善策 ({index})", text)
    for sub_project in sheet.sub_projects:
        _sub_project(put, sub_project)
    for name, info in Sheet.model_fields.items():
        if name not in _DETAILED:
            value = getattr(sheet, name)
            dumped = value if isinstance(value, str) else str(_dump(value))
            put((name,), info.description or name, dumped)
    return fields


def _indicator(put: _Put, base: Path, title: str, indicator: Indicator) -> None:
    path = (*base, indicator.number)
    for name, label in _INDICATOR_LABELS.items():
        put((*path, name), f"{title} {label}", getattr(indicator, name))
    for name, label in _TARGET_LABELS.items():
        value = getattr(indicator.target, name)
        put(
            (*path, "target", name),
            f"{title} {label}",
            _year(value) if name in _YEAR_FIELDS else value,
        )
    for value in indicator.values:
        where = f"{title} {era_label(value.fiscal_year)} {VALUE_KIND_LABELS[value.kind]}"
        value_path = (*path, "values", value.fiscal_year, value.kind.value)
        put((*value_path, "value"), where, value.value)
        if value.upper is not None:
            put((*value_path, "upper"), f"{where}（上限）", value.upper)
    for fiscal_year, arrow in indicator.printed_trends.items():
        put((*path, "trends", fiscal_year), f"{title} {era_label(fiscal_year)} 推移", arrow)


def _plan_link(put: _Put, link: PlanLink) -> None:
    title = f"総合５か年計画 {link.policy_code}"
    put(("plan_links", link.policy_code, "name"), f"{title} 施策名", link.policy_name)
    for index, goal in enumerate(link.goals, start=1):
        path = ("plan_links", link.policy_code, "goals", index)
        where = f"{title} 達成目標{index}"
        put((*path, "name"), f"{where} 名称", goal.name)
        put((*path, "main"), f"{where} ★", goal.main)
        put((*path, "unit"), f"{where} 単位", goal.unit)
        for number_, item in enumerate(goal.recent, start=1):
            put(
                (*path, "recent", number_, "year"),
                f"{where} 直近{number_} 年度",
                _year(item.fiscal_year),
            )
            put((*path, "recent", number_, "value"), f"{where} 直近{number_} 値", item.value)
        if goal.target is not None:
            put((*path, "target", "year"), f"{where} 目標年度", _year(goal.target.fiscal_year))
            put((*path, "target", "value"), f"{where} 目標値", goal.target.value)


def _cost(put: _Put, row: CostRow) -> None:
    for name, label in COST_LABELS_LONG.items():
        put(
            ("costs", row.fiscal_year, name),
            f"事業コスト {era_label(row.fiscal_year)} {label}",
            getattr(row, name),
        )


def _sub_project(put: _Put, sub_project: SubProject) -> None:
    path: Path = ("sub_projects", sub_project.number)
    title = f"細事業{sub_project.number}"
    put((*path, "name"), f"{title} 名称", sub_project.name)
    for fiscal_year, amount in sub_project.settlements.items():
        put(
            (*path, "settlements", fiscal_year),
            f"{title} {era_label(fiscal_year)} 決算額",
            amount,
        )
    for component in sub_project.components:
        where = f"{title} 取組{component.number}"
        part = (*path, "components", component.number)
        put((*part, "name"), f"{where} 名称", component.name)
        put((*part, "methods"), f"{where} 実施方法", "・".join(m.value for m in component.methods))
        put((*part, "description"), f"{where} 内容", component.description)
        put((*part, "output"), f"{where} 成果", component.output)


def _empty(field: _Field | None) -> bool:
    return field is None or field.value is None or field.value == ""


def _year(value: int | None) -> str | None:
    return None if value is None else era_label(value)


def _line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _scalar(value: Any) -> Scalar:
    if isinstance(value, str):  # a text differing only in line ends (CRLF, CR) is the same
        return _line_ends(value)
    if value is None or isinstance(value, int | Decimal | bool):
        return value
    if hasattr(value, "value"):  # enums
        return str(value.value)
    return str(value)


def _dump(value: Any) -> Any:
    if isinstance(value, str):
        return _line_ends(value)
    if isinstance(value, list):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    if hasattr(value, "model_dump"):
        return _dump(value.model_dump(mode="json"))
    return value
