"""What importers report: fatal errors, and notes about figures they could not place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, located as precisely as the source allows."""

    section: str
    message: str
    line: int | None = None

    def describe(self, source: str = "") -> str:
        where = source
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"{self.line}行目"
        prefix = f"{where}: " if where else ""
        return f"{prefix}[{self.section}] {self.message}"


@dataclass(frozen=True)
class BadRecord:
    """A record, row or figure of a streamed import left out (or left empty): where it is
    and why, in Japanese. ``field`` names the field (JUDGIT!), the column (RS CSV) or the
    cell (a workbook: ``H314``); empty when the record as a whole is the problem."""

    file: str
    line: int  # the line of the file, or the workbook's row
    field: str
    reason: str

    def describe(self) -> str:
        where = f"{self.file} {self.line}行目"
        return f"{where} {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class ImportFailed(Exception):
    """The input is not a sheet of a known template, or is cut short.

    Nothing of it may be stored: a partial parse is never presented as complete.
    """

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.source}: 取り込めません ({len(self.problems)}件の問題)"]
        lines += [f"  - {problem.describe(self.source)}" for problem in self.problems]
        return "\n".join(lines)


@dataclass
class ImportNotes:
    """What an importer could not find or had to infer, shown next to a parse.

    ``missing`` lists figures or parts the source does not contain (the sheet holds
    None there, never a made-up value); ``inferred`` lists placements decided by
    proximity or arithmetic rather than by the template's labels.
    """

    missing: list[Problem] = field(default_factory=list)
    inferred: list[Problem] = field(default_factory=list)

    def missing_in(self, section: str, message: str, line: int | None = None) -> None:
        self.missing.append(Problem(section, message, line))

    def inferred_in(self, section: str, message: str, line: int | None = None) -> None:
        self.inferred.append(Problem(section, message, line))

    @property
    def complete(self) -> bool:
        return not self.missing
