"""Reading the posted sheet edit form back into a sheet, with Japanese errors per field.

The counterpart of :func:`hyoka.web.staff_form_data.form_from_sheet` (field names are
described there). Numbers accept separators, full-width digits and △ for minus; years
accept 西暦 (2024) or 和暦 (R6, 令和6年度).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from hyoka.eras import parse_fiscal_year
from hyoka.model import (
    Achievement,
    Comparison,
    Component,
    CostRow,
    Direction,
    FuturePlan,
    Indicator,
    IndicatorValue,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    Sheet,
    SubProject,
    TargetSpec,
    Trend,
    ValueKind,
    YearValue,
)
from hyoka.numbers import FigureError, figure, whole
from hyoka.rules.indicators import computed_printing, printed_trend_years, year_trend
from hyoka.web.staff_form_data import COST_FIELDS, HEADER_FIELDS, KEEP_PRINTED, row_count


@dataclass
class ParsedForm:
    """A sheet, or the errors (field name → Japanese message) that kept it from being one."""

    sheet: Sheet | None
    errors: dict[str, str] = field(default_factory=dict)


class _Reader:
    """Reads typed values out of the posted fields, collecting errors by field name."""

    def __init__(self, form: Mapping[str, str]) -> None:
        # Browsers post every newline of a text area as CRLF: one line end for every field
        # here, so that saving an unchanged form changes nothing.
        self.form = {name: line_ends(value) for name, value in form.items()}
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        return self.form.get(name, "").strip()

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in self.text(name).splitlines() if line.strip()]

    def count(self, name: str) -> int:
        return row_count(self.form.get(name))

    def flag(self, name: str) -> bool:
        return bool(self.text(name))

    def year(self, name: str) -> int | None:
        raw = _normal(self.text(name))
        if not raw:
            return None
        try:
            found = int(raw) if raw.isdigit() else parse_fiscal_year(raw)
        except ValueError:
            found = 0
        if not 1868 <= found <= 2200:
            self.errors[name] = "年度は西暦（例: 2024）または和暦（例: R6）で入力してください"
            return None
        return found

    def decimal(self, name: str) -> Decimal | None:
        raw = _number_text(self.text(name))
        if not raw:
            return None
        try:
            # Bounded before any arithmetic: 1e99999999 once kept a worker busy for minutes.
            return figure(raw)
        except FigureError as error:
            reason = str(error)
            if reason == "数値ではありません":
                reason = "数値で入力してください（例: 1,234 や 50.1、負の数は △ または -）"
            self.errors[name] = reason
            return None

    def integer(self, name: str) -> int | None:
        value = self.decimal(name)
        if value is None:
            return None
        try:
            return whole(value)
        except FigureError:
            self.errors[name] = "千円単位の整数で入力してください"
            return None

    def choice(self, name: str, allowed: type[Any], default: Any) -> Any:
        raw = self.text(name)
        try:
            return allowed(raw) if raw else default
        except ValueError:
            self.errors[name] = "選択肢から選んでください"
            return default


def line_ends(text: str) -> str:
    """``text`` with each CRLF and lone CR as LF, the line end the store keeps."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _number_text(text: str) -> str:
    text = _normal(text).replace(",", "").replace(" ", "")
    if text in {"ー", "-", "―", "—"}:
        return ""
    return re.sub(r"^[△▲]", "-", text)


def sheet_from_form(form: Mapping[str, str], base: Sheet) -> ParsedForm:
    """The sheet the posted fields describe, on top of ``base`` (the version being edited).

    The key (事業番号, fiscal year, stage) and what the form does not show come from
    ``base``. Nothing is returned when any field is invalid.
    """
    read = _Reader(form)
    header = base.header.model_dump()
    for name in HEADER_FIELDS:
        header[name] = read.text(name)
    header["start_year"] = read.year("start_year")
    header["end_year"] = read.year("end_year")
    for name in ("program_name", "department", "section"):
        if not header[name]:
            read.errors[name] = "入力してください"
    parts: dict[str, Any] = {
        "situation": read.lines("situation"),
        "purpose": read.text("purpose"),
        "initiatives": _initiatives(read, "ini"),
        "results": _initiatives(read, "res"),
        "indicators": _indicators(read, base),
        "plan_links": _plan_links(read),
        "costs": _costs(read),
        "future": FuturePlan(issues=read.lines("issues"), measures=read.lines("measures")),
        "sub_projects": _sub_projects(read, base),
    }
    if read.errors:
        return ParsedForm(sheet=None, errors=read.errors)
    try:
        sheet = base.model_copy(
            update={"header": base.header.model_validate(header), **parts}, deep=True
        )
        sheet = Sheet.model_validate(sheet.model_dump())
    except ValidationError as error:
        return ParsedForm(sheet=None, errors={"form": _first_message(error)})
    return ParsedForm(sheet=sheet)


def _first_message(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"入力内容を確認してください（{where}: {detail['msg']}）"


def _initiatives(read: _Reader, prefix: str) -> list[Initiative]:
    found = []
    for i in range(read.count(f"{prefix}-count")):
        number, title = read.text(f"{prefix}-{i}-number"), read.text(f"{prefix}-{i}-title")
        bullets = read.lines(f"{prefix}-{i}-bullets")
        if not (number or title or bullets):
            continue
        if not number:
            read.errors[f"{prefix}-{i}-number"] = "番号（①など）を入力してください"
        found.append(Initiative(number=number, title=title, bullets=bullets))
    return found


def _indicators(read: _Reader, base: Sheet) -> list[Indicator]:
    found = []
    seen: set[str] = set()
    for i in range(read.count("ind-count")):
        prefix = f"ind-{i}"
        number, name = read.text(f"{prefix}-number"), read.text(f"{prefix}-name")
        if not (number or name):
            continue
        if not number:
            read.errors[f"{prefix}-number"] = "指標の番号（①、②-1 など）を入力してください"
        elif number in seen:
            read.errors[f"{prefix}-number"] = f"指標番号 {number} が重複しています"
        seen.add(number)
        old = next((item for item in base.indicators if item.number == number), None)
        cumulative = read.flag(f"{prefix}-cumulative")
        start, end = read.year(f"{prefix}-start_year"), read.year(f"{prefix}-end_year")
        if cumulative and (start is None or end is None):
            read.errors[f"{prefix}-start_year"] = "累計目標には開始年度と終了年度が必要です"
        values = _indicator_values(read, prefix, old)
        indicator = Indicator(
            number=number,
            name=name,
            unit=read.text(f"{prefix}-unit"),
            direction=read.choice(f"{prefix}-direction", Direction, Direction.HIGHER_IS_BETTER),
            target=TargetSpec.model_construct(
                comparison=read.choice(f"{prefix}-comparison", Comparison, Comparison.AT_LEAST),
                cumulative=cumulative,
                start_year=start,
                end_year=end,
            ),
            values=values,
            target_reason=read.text(f"{prefix}-target_reason"),
            analysis=read.text(f"{prefix}-analysis"),
        )
        found.append(_printing(read, prefix, indicator, base.header.fiscal_year, old))
    return found


def _printing(
    read: _Reader, prefix: str, indicator: Indicator, fiscal_year: int, old: Indicator | None
) -> Indicator:
    """The indicator with the 推移 and 達成状況 it prints.

    Each is the one computed from the figures (:func:`hyoka.rules.indicators.computed_printing`;
    a ― the sheet printed stays), unless the form says otherwise: ``printed`` keeps what the
    sheet printed (an imported sheet's arrow that its figures contradict, kept with its
    finding, as imported); an arrow or 達成/未達成 overrides the computed one and then needs
    ``-override_reason``. Years the form does not show keep what they printed.
    """
    before = {} if old is None else dict(old.printed_trends)
    computed, achieved = computed_printing(indicator, fiscal_year)
    shown = printed_trend_years(fiscal_year)
    trends = {year: arrow for year, arrow in before.items() if year not in shown}
    differs = False
    for year in shown:
        name = f"{prefix}-trend-{year}"
        if read.text(name) == KEEP_PRINTED:
            arrow = before.get(year)
        elif (chosen := read.choice(name, Trend, None)) is not None:
            arrow = chosen
            differs = differs or chosen is not year_trend(indicator, year)
        elif year in computed or year in before:
            arrow = year_trend(indicator, year)  # a ― the sheet printed stays
        else:
            arrow = None
        if arrow is not None:
            trends[year] = arrow
    name = f"{prefix}-achievement"
    achievement: Achievement | None
    if read.text(name) == KEEP_PRINTED:
        achievement = None if old is None else old.printed_achievement
    else:
        achievement = read.choice(name, Achievement, None)
        differs = differs or (achievement is not None and achievement is not achieved)
        achievement = achievement or achieved
    year_of = None if old is None else old.printed_achievement_year
    printed = indicator.model_copy(
        update={
            "printed_trends": dict(sorted(trends.items())),
            "printed_achievement": achievement,
            "printed_achievement_year": None if achievement is None else year_of or fiscal_year,
        }
    )
    if not differs:
        return printed  # as computed (or as printed): no reason to keep
    reason = read.text(f"{prefix}-override_reason")
    if not reason:
        read.errors[f"{prefix}-override_reason"] = (
            "推移・達成状況を計算と異なる記載にするには、その理由を入力してください"
        )
    return printed.model_copy(update={"printed_override_reason": reason})


def _indicator_values(read: _Reader, prefix: str, old: Indicator | None) -> list[IndicatorValue]:
    values = []
    seen: set[tuple[int, ValueKind]] = set()
    for j in range(read.count(f"{prefix}-val-count")):
        row = f"{prefix}-val-{j}"
        year = read.year(f"{row}-year")
        value, upper = read.decimal(f"{row}-value"), read.decimal(f"{row}-upper")
        if year is None:
            if value is not None or upper is not None:
                read.errors.setdefault(f"{row}-year", "値の年度を入力してください")
            continue
        kind = read.choice(f"{row}-kind", ValueKind, ValueKind.ACTUAL)
        if (year, kind) in seen:
            read.errors[f"{row}-kind"] = "同じ年度・種類の値が重複しています"
        seen.add((year, kind))
        previous = (
            None
            if old is None
            else next(
                (v for v in old.values if v.fiscal_year == year and v.kind == kind),
                None,
            )
        )
        values.append(
            IndicatorValue(
                fiscal_year=year,
                kind=kind,
                value=value,
                upper=upper,
                corrections=[] if previous is None else list(previous.corrections),
            )
        )
    return values


def _plan_links(read: _Reader) -> list[PlanLink]:
    found = []
    for i in range(read.count("plan-count")):
        base = f"plan-{i}"
        code, name = read.text(f"{base}-code"), read.text(f"{base}-name")
        if not (code or name):
            continue
        goals = []
        for j in range(read.count(f"{base}-goal-count")):
            row = f"{base}-goal-{j}"
            goal_name = read.text(f"{row}-name")
            if not goal_name:
                continue
            target_year = read.year(f"{row}-target_year")
            target_value = read.decimal(f"{row}-target_value")
            target = None
            if target_year is not None or target_value is not None:
                target = YearValue(fiscal_year=target_year, value=target_value)
            goals.append(
                PlanGoal(
                    name=goal_name,
                    main=read.flag(f"{row}-main"),
                    unit=read.text(f"{row}-unit"),
                    recent=_recent(read, f"{row}-recent"),
                    target=target,
                )
            )
        found.append(PlanLink(policy_code=code, policy_name=name, goals=goals))
    return found


def _pairs(read: _Reader, name: str) -> list[tuple[str, str]]:
    pairs = []
    for line in read.lines(name):
        left, sep, right = _normal(line).partition("=")
        if not sep:
            read.errors[name] = "1行に「年度=値」の形で入力してください（例: 2023=46.5）"
            return []
        pairs.append((left.strip(), right.strip()))
    return pairs


def _recent(read: _Reader, name: str) -> list[YearValue]:
    found = []
    for left, right in _pairs(read, name):
        probe = _Reader({"year": left, "value": right})
        found.append(YearValue(fiscal_year=probe.year("year"), value=probe.decimal("value")))
        if probe.errors:
            read.errors[name] = "「年度=値」の年度か値が読めません（例: 2023=46.5）"
    return found


def _costs(read: _Reader) -> list[CostRow]:
    found = []
    seen: set[int] = set()
    for i in range(read.count("cost-count")):
        year = read.year(f"cost-{i}-year")
        amounts = {name: read.integer(f"cost-{i}-{name}") for name in COST_FIELDS}
        staff = read.decimal(f"cost-{i}-staff")
        if year is None:
            if any(value is not None for value in amounts.values()) or staff is not None:
                read.errors.setdefault(f"cost-{i}-year", "年度を入力してください")
            continue
        if year in seen:
            read.errors[f"cost-{i}-year"] = "同じ年度の行が重複しています"
        seen.add(year)
        found.append(CostRow(fiscal_year=year, staff=staff, **amounts))
    return found


def _sub_projects(read: _Reader, base: Sheet) -> list[SubProject]:
    found = []
    for i in range(read.count("sub-count")):
        prefix = f"sub-{i}"
        raw_number, name = read.text(f"{prefix}-number"), read.text(f"{prefix}-name")
        if not (raw_number or name):
            continue
        number = read.integer(f"{prefix}-number")
        if number is None:
            read.errors.setdefault(f"{prefix}-number", "細事業の番号（整数）を入力してください")
            continue
        old = next((item for item in base.sub_projects if item.number == number), None)
        found.append(
            SubProject(
                number=number,
                name=name,
                settlements=_settlements(read, prefix),
                components=_components(read, prefix, old),
            )
        )
    return found


def _settlements(read: _Reader, prefix: str) -> dict[int, int | None]:
    """A 細事業's 決算額 by fiscal year: one row each; a year with ー (or blank) prints none."""
    found: dict[int, int | None] = {}
    for k in range(read.count(f"{prefix}-set-count")):
        row = f"{prefix}-set-{k}"
        year, amount = read.year(f"{row}-year"), read.integer(f"{row}-amount")
        if year is None:
            if amount is not None:
                read.errors.setdefault(f"{row}-year", "年度を入力してください")
            continue
        if year in found:
            read.errors[f"{row}-year"] = "同じ年度の行が重複しています"
        found[year] = amount
    return found


def _components(read: _Reader, prefix: str, old: SubProject | None) -> list[Component]:
    found = []
    for j in range(read.count(f"{prefix}-comp-count")):
        row = f"{prefix}-comp-{j}"
        if not (read.text(f"{row}-number") or read.text(f"{row}-name")):
            continue
        number = read.integer(f"{row}-number")
        if number is None:
            read.errors.setdefault(f"{row}-number", "取組の番号（整数）を入力してください")
            continue
        output = read.text(f"{row}-output")
        previous = (
            None
            if old is None
            else next((item for item in old.components if item.number == number), None)
        )
        keep = previous is not None and previous.output == output
        found.append(
            Component(
                number=number,
                name=read.text(f"{row}-name"),
                methods=[m for m in Method if read.flag(f"{row}-method-{m.name}")],
                description=read.text(f"{row}-description"),
                output=output,
                quantities=list(previous.quantities) if keep and previous else [],
            )
        )
    return found
