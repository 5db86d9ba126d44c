"""Findings, the registry of rules, and how figures are written in findings.

A *finding* is what a rule reports about a sheet: a stable English ``code`` naming the
rule, a ``severity``, a ``location`` (a small structured path plus a Japanese label) and a
Japanese ``message`` that carries the figures:

>>> Finding(
...     code="budget.total_mismatch",
...     severity=Severity.ERROR,
...     location=Location(path=("costs", 2023, "total"), label="6 事業コスト R5年度 合計"),
...     message="合計 209,739 千円が 前年度繰越＋当初予算＋補正予算等 = 209,740 千円と一致しません",
... ).location.path
('costs', 2023, 'total')

Rules register themselves with :func:`rule`; :func:`all_rules` lists them for
``check_sheet``, the documentation test and anyone who wants to show what is checked.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from hyoka.model import MoneyUnit, Sheet, Stage

DEFAULT_PERSONNEL_COST_PER_PERSON = 9_000
"""千円 per staff member and year; the default of ``Settings.personnel_cost_per_person``."""


class Severity(StrEnum):
    """How serious a finding is.

    ``error``: the sheet contradicts itself (arithmetic); ``warning``: probably wrong or
    missing, a reviewer should look; ``info``: worth knowing, nothing to fix.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Location(BaseModel):
    """Where a finding is: a path into the sheet and the same place for people.

    The path starts with the ``Sheet`` field (``indicators``, ``costs``, ``sub_projects``)
    and then names the item the way the sheet does: an indicator by its printed number
    (``②-2``), a cost row or a year by its Western fiscal year.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: tuple[str | int, ...]
    label: str


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    severity: Severity
    location: Location
    message: str


@dataclass(frozen=True)
class RuleContext:
    """What rules need besides the sheet.

    ``as_of_year`` is the last fiscal year whose actuals (実績, 決算額) the sheet can know;
    see :func:`as_of_year`.
    """

    fiscal_year: int
    as_of_year: int
    personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON

    @classmethod
    def for_sheet(
        cls, sheet: Sheet, *, personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON
    ) -> RuleContext:
        return cls(
            fiscal_year=sheet.header.fiscal_year,
            as_of_year=as_of_year(sheet),
            personnel_cost_per_person=personnel_cost_per_person,
        )


def as_of_year(sheet: Sheet) -> int:
    """The last fiscal year whose actuals and settlement are final when the sheet is written.

    The 点検 of R5 is written after R5 closed: R5. The 補正予算案 of R5 is written during
    R5: R4. The 当初要求 and 当初予算案 of R5 are written during R4, whose figures are
    still estimates (見込): R3.
    """
    fiscal_year = sheet.header.fiscal_year
    match sheet.header.stage:
        case Stage.REVIEW:
            return fiscal_year
        case Stage.SUPPLEMENTARY_BUDGET:
            return fiscal_year - 1
        case _:
            return fiscal_year - 2


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields; the rule turns it into a :class:`Finding`."""

    location: Location
    message: str
    severity: Severity | None = None  # None: the rule's own severity


Check = Callable[[Sheet, RuleContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, Japanese title, severity and the check that runs it.

    The check's docstring is the rule's documentation.
    """

    code: str
    title: str
    severity: Severity
    check: Check

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    def run(self, sheet: Sheet, context: RuleContext) -> list[Finding]:
        return [
            Finding(
                code=self.code,
                severity=hit.severity or self.severity,
                location=hit.location,
                message=hit.message,
            )
            for hit in self.check(sheet, context)
        ]


_REGISTRY: dict[str, Rule] = {}


def rule(code: str, title: str, severity: Severity) -> Callable[[Check], Rule]:
    """Register a check as the rule ``code``; the decorated name becomes the :class:`Rule`."""

    def register(check: Check) -> Rule:
        if code in _REGISTRY:
            raise ValueError(f"rule {code!r} is registered twice")
        if not inspect.getdoc(check):
            raise ValueError(f"rule {code!r} needs a docstring")
        registered = Rule(code=code, title=title, severity=severity, check=check)
        _REGISTRY[code] = registered
        return registered

    return register


# Where on the sheet each family of rules looks, by the code's prefix.
_FAMILY_ORDER = {"sheet": 0, "indicator": 4, "plan": 5, "budget": 6}


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule: families in sheet order (indicator before budget), then in
    registration order."""
    return tuple(
        sorted(
            _REGISTRY.values(),
            key=lambda item: _FAMILY_ORDER.get(item.code.split(".")[0], len(_FAMILY_ORDER)),
        )
    )


def get_rule(code: str) -> Rule:
    return _REGISTRY[code]


# Sections of the sheet in printed order; a finding's path starts with one of them.
_SECTION_ORDER = {
    "header": 0,
    "indicators": 4,
    "plan_links": 5,
    "costs": 6,
    "sub_projects": 10,
}


def sheet_order(sheet: Sheet) -> Callable[[Finding], tuple[int, int]]:
    """A sort key putting findings in the order their places appear on the sheet.

    Indicators by their position, cost rows and the 細事業一覧's years in the order of the
    cost table (a year missing from it first, where the sheet's own year is printed).
    Within one place, findings keep the order the rules produced them in (sort stably).
    """
    indicator_rank: dict[str | int, int] = {}
    for index, indicator in enumerate(sheet.indicators):
        indicator_rank.setdefault(indicator.number, index)
    cost_rank: dict[str | int, int] = {}
    for index, row in enumerate(sheet.costs):
        cost_rank.setdefault(row.fiscal_year, index)

    def key(finding: Finding) -> tuple[int, int]:
        path = finding.location.path
        if not path:
            return (-1, -1)
        section = _SECTION_ORDER.get(str(path[0]), max(_SECTION_ORDER.values()) + 1)
        match path:
            case ("indicators", number, *_):
                return (section, indicator_rank.get(number, len(indicator_rank)))
            case ("costs", fiscal_year, *_) | ("sub_projects", "settlements", fiscal_year, *_):
                return (section, cost_rank.get(fiscal_year, -1))
            case _:
                return (section, -1)

    return key


def rounded(value: Decimal, places: int = 1) -> Decimal:
    """Round half up to ``places`` decimals, dropping trailing zeros: 4323.0 → 4323.

    >>> rounded(Decimal(17292) / 4), rounded(Decimal(10384) / 407), rounded(Decimal("2.50"))
    (Decimal('4323'), Decimal('25.5'), Decimal('2.5'))
    """
    quantum = Decimal(1).scaleb(-places)
    result = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if result == result.to_integral_value():
        return result.quantize(Decimal(1))
    return result.normalize()  # has a fraction, so no exponent notation


# Exact money and rate helpers of the report facts and the analytics.


def to_yen(amount: Decimal, unit: MoneyUnit) -> Decimal:
    """An amount in yen, exactly: 47.966256 百万円 → 47966256 円."""
    return plain(amount * unit.yen)


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros and without an exponent: 47966256.000000 → 47966256."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole rounded half up to 0.001 (a rate); None when whole is 0."""
    if not whole:
        return None
    return rounded(Decimal(part) / Decimal(whole), 3)


def yen_per(amount_yen: Decimal, quantity: Decimal) -> Decimal:
    """Yen per unit, rounded half up to the yen like the rules' unit costs."""
    return rounded(amount_yen / quantity, 0)
