"""The reviewer's notes on a draft, field by field: findings, changes and comments together.

A sheet is split into the items a reviewer talks about — the header, each section, each
indicator, each cost year, each plan link, each 細事業 — under a dotted key that names
the item as the sheet does (``indicators.②-1``, ``costs.2024``, ``sub_projects.3``;
the same keys the comment form posts). Each finding (by its
:class:`hyoka.rules.findings.Location` path), each changed field
(:class:`hyoka.revisions.FieldChange` path) and each comment (its ``field_path``) goes to
the item it is about, or to its section, or to the whole sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hyoka.eras import era_label
from hyoka.model import Sheet, SheetKind
from hyoka.revisions import FieldChange
from hyoka.rules import Finding
from hyoka.store.staff.review import Comment

WHOLE_SHEET = ""
_SECTIONS: list[tuple[str, str, str]] = [
    ("header", "ヘッダー（事業番号・事業名・部局・課・実施期間）", ""),
    ("situation", "1 現状と課題", "s1"),
    ("purpose", "2 事業目的", "s2"),
    ("initiatives", "3 事業目的を達成するための取組", "s3"),
    ("indicators", "4 成果指標", "s4"),
    ("outputs", "活動指標", ""),
    ("plan_links", "5 総合５か年計画", "s5"),
    ("costs", "6 事業コスト", "s6"),
    ("results", "7 主な取組実績と成果", "s7"),
    ("future", "9 今後の事業の方向性", "s9"),
    ("sub_projects", "細事業一覧", "subprojects"),
]
# Parts whose model description is not the sheet's Japanese word.
_LABELS = {
    "methods": "実施方法",
    "money_unit": "金額の単位",
    "source_url": "公開元のURL",
}


@dataclass(frozen=True)
class NoteComment:
    comment: Comment
    author_name: str
    resolved_by_name: str


@dataclass
class FieldNotes:
    """One item of the sheet with what the reviewer should see beside it."""

    key: str
    label: str
    anchor: str  # the id of its section in the sheet's layout; empty when it has none
    findings: list[Finding] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    comments: list[NoteComment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.findings or self.changes or self.comments)


def field_items(sheet: Sheet) -> list[tuple[str, str, str]]:
    """Every item of the sheet as (key, Japanese label, layout anchor), in sheet order."""
    prefecture = sheet.header.kind is SheetKind.PREFECTURE
    items = [(WHOLE_SHEET, "シート全体", "")]
    parts = {
        "indicators": [
            (f"indicators.{item.number}", f"4 成果指標{item.number} {item.name}")
            for item in sheet.indicators
        ],
        "outputs": [
            (f"outputs.{item.number}", f"活動指標{item.number} {item.name}")
            for item in sheet.outputs
        ],
        "plan_links": [
            (
                f"plan_links.{link.policy_code}",
                f"5 総合５か年計画 {link.policy_code} {link.policy_name}",
            )
            for link in sheet.plan_links
        ],
        "costs": [
            (f"costs.{row.fiscal_year}", f"6 事業コスト {era_label(row.fiscal_year)}")
            for row in sheet.costs
        ],
        "sub_projects": [
            (f"sub_projects.{item.number}", f"細事業{item.number} {item.name}")
            for item in sheet.sub_projects
        ],
    }
    for key, label, anchor in _SECTIONS:
        shown = anchor if prefecture else ""
        # The national sheet does not number its parts as the prefecture's does.
        items.append((key, label if prefecture else label.split(" ", 1)[-1], shown))
        items.extend(
            (sub_key, sub_label if prefecture else sub_label.split(" ", 1)[-1], shown)
            for sub_key, sub_label in parts.get(key, [])
        )
    for name, info in Sheet.model_fields.items():
        if name not in {key for key, _label, _anchor in _SECTIONS}:
            items.append((name, _LABELS.get(name) or info.description or name, ""))
    return items


def field_choices(sheet: Sheet) -> list[tuple[str, str]]:
    """The items a comment can be on, as (key, label): those the sheet has (every part
    of the prefecture's layout, even when empty)."""
    layout = {key for key, _label, _anchor in _SECTIONS if key != "outputs"}
    prefecture = sheet.header.kind is SheetKind.PREFECTURE
    return [
        (key, label)
        for key, label, _anchor in field_items(sheet)
        if key in {WHOLE_SHEET, "header"}
        or "." in key
        or (prefecture and key in layout)
        or getattr(sheet, key)
    ]


def item_key(path: Sequence[str | int] | str | None, known: Mapping[str, object]) -> str:
    """The key of the item a path is about: the item itself, else its section, else the
    whole sheet. ``path`` is a tuple (findings, changes) or a dotted text (comments)."""
    if not path:
        return WHOLE_SHEET
    parts = path.split(".", 1) if isinstance(path, str) else [str(part) for part in path]
    if len(parts) >= 2 and f"{parts[0]}.{parts[1]}" in known:
        return f"{parts[0]}.{parts[1]}"
    return parts[0] if parts[0] in known else WHOLE_SHEET


def field_notes(
    sheet: Sheet,
    *,
    findings: Sequence[Finding],
    changes: Sequence[FieldChange],
    comments: Sequence[Comment],
    names: Mapping[str, str],
) -> list[FieldNotes]:
    """The items that have findings, changes or comments, in sheet order.

    ``names`` maps logins to display names (a login without one is shown as it is).
    """
    notes = {key: FieldNotes(key, label, anchor) for key, label, anchor in field_items(sheet)}
    for finding in findings:
        notes[item_key(finding.location.path, notes)].findings.append(finding)
    for change in changes:
        notes[item_key(change.path, notes)].changes.append(change)
    for comment in comments:
        notes[item_key(comment.field_path, notes)].comments.append(
            NoteComment(
                comment=comment,
                author_name=names.get(comment.author) or comment.author,
                resolved_by_name=names.get(comment.resolved_by or "") or comment.resolved_by or "",
            )
        )
    return [item for item in notes.values() if not item.empty]
