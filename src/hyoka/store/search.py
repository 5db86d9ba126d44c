"""Japanese full-text search and the per-sheet summaries the listing filters on.

Indexing: :func:`index_sheets` writes one ``sheet_summaries`` row per sheet (header
columns, the rules' achievement and at-risk, every text of the sheet) and its 施策分野
codes; ``save_sheet`` calls it for every saved sheet, bulk writers call it themselves.
The summary uses :mod:`hyoka.rules` (pure functions over the model) so that every way of
saving a sheet leaves the filters right.

Matching (:func:`find`): SQLite uses the FTS5 ``trigram`` index for terms of 3+
characters and the unigram + bigram index ``sheet_grams`` (see :func:`grams`) for terms of
1–2 characters, which trigrams cannot serve; both rank by bm25 with the program name
weighted up, and a query mixing both kinds adds the two scores. PostgreSQL uses ILIKE,
served by its pg_trgm GIN index for 3+ characters and by the GIN index on
``hyoka_grams(body)`` for 1–2, ranked by where and how often the terms occur. Terms are
split on spaces and must all occur. :func:`snippet` cuts the highlighted passages.

Example::

    with transaction(engine) as session:
        index_sheets(session=session, sheets=[(sheet_id, sheet)])
        scores = find(session=session, terms=terms_of("農業 人材育成"))
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Float,
    Subquery,
    TextClause,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from hyoka.model import Achievement, Indicator, Sheet
from hyoka.rules import PaceStatus, achievement, pace
from hyoka.rules.findings import as_of_year
from hyoka.rules.indicators import latest_figure_year
from hyoka.store.search_tables import (
    SheetPolicyRow,
    SheetSummaryRow,
    SheetTextRow,
    StoreRevisionRow,
)
from hyoka.store.tables import RevisionRow, SheetRow

MIN_TRIGRAM = 3
MAX_TERMS = 8


# --- What a sheet contributes ---------------------------------------------------------------


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
    return normalize("\n".join(part for part in parts if part and part.strip()))


def normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def indicator_status(indicator: Indicator, *, as_of: int) -> Achievement | None:
    """The latest 達成/未達成 the rules can compute up to ``as_of``, else the printed one."""
    year = latest_figure_year(indicator, up_to=as_of)
    while year is not None and year >= as_of - 5:
        computed = achievement(indicator, year)
        if computed is not None:
            return computed
        year -= 1
    return indicator.printed_achievement


def indicator_at_risk(indicator: Indicator, *, as_of: int) -> bool:
    """At risk: the cumulative/multi-year target's pace falls short, or the latest status
    is 未達成."""
    if indicator_status(indicator, as_of=as_of) is Achievement.NOT_ACHIEVED:
        return True
    year = latest_figure_year(indicator, up_to=as_of)
    progress = None if year is None else pace(indicator, year)
    return progress is not None and progress.status in (PaceStatus.AT_RISK, PaceStatus.MISSED)


@dataclass(frozen=True)
class Summary:
    achievement: Achievement | None
    at_risk: bool
    indicator_count: int


def summarize(sheet: Sheet) -> Summary:
    """未達成 when any indicator's latest status is 未達成, 達成 when all with a status are."""
    as_of = as_of_year(sheet)
    statuses = [indicator_status(item, as_of=as_of) for item in sheet.indicators]
    known = [status for status in statuses if status is not None]
    overall = None
    if known:
        achieved = all(status is Achievement.ACHIEVED for status in known)
        overall = Achievement.ACHIEVED if achieved else Achievement.NOT_ACHIEVED
    return Summary(
        achievement=overall,
        at_risk=any(indicator_at_risk(item, as_of=as_of) for item in sheet.indicators),
        indicator_count=len(sheet.indicators),
    )


def index_sheets(*, session: Session, sheets: Sequence[tuple[int, Sheet]]) -> None:
    """(Re)write the summary, search text and 施策分野 rows of these stored sheets."""
    if not sheets:
        return
    ids = [sheet_id for sheet_id, _sheet in sheets]
    sqlite = session.get_bind().dialect.name == "sqlite"
    for chunk in _chunks(ids, 500):
        if sqlite:
            _unindex_grams(session=session, sheet_ids=chunk)
        session.execute(delete(SheetSummaryRow).where(SheetSummaryRow.sheet_id.in_(chunk)))
        session.execute(delete(SheetPolicyRow).where(SheetPolicyRow.sheet_id.in_(chunk)))
        session.execute(delete(SheetTextRow).where(SheetTextRow.sheet_id.in_(chunk)))
    summaries: list[dict[str, object]] = []
    policies: list[dict[str, object]] = []
    texts: list[dict[str, object]] = []
    for sheet_id, sheet in sheets:
        header = sheet.header
        summary = summarize(sheet)
        summaries.append(
            {
                "sheet_id": sheet_id,
                "kind": header.kind.value,
                "program_number": header.program_number,
                "fiscal_year": header.fiscal_year,
                "stage": header.stage.value,
                "program_name": normalize(header.program_name),
                "department": header.department,
                "section": header.section,
                "achievement": None if summary.achievement is None else summary.achievement.value,
                "at_risk": summary.at_risk,
                "indicator_count": summary.indicator_count,
            }
        )
        texts.append(
            {
                "sheet_id": sheet_id,
                "program_name": normalize(header.program_name),
                "body": sheet_text(sheet),
            }
        )
        policies += [
            {
                "sheet_id": sheet_id,
                "position": position,
                "policy_code": link.policy_code,
                "policy_name": link.policy_name,
            }
            for position, link in enumerate(sheet.plan_links)
        ]
    session.execute(insert(SheetSummaryRow), summaries)
    session.execute(insert(SheetTextRow), texts)
    if sqlite:
        _index_grams(session=session, texts=texts)
    if policies:
        session.execute(insert(SheetPolicyRow), policies)


def index_missing(*, session: Session, batch: int = 500) -> int:
    """Index the stored sheets that have no summary yet (stored before the search existed),
    from the documents of their current revisions; the number indexed."""
    done = 0
    while True:
        rows = session.execute(
            select(SheetRow.id, RevisionRow.document)
            .join(
                RevisionRow,
                (RevisionRow.sheet_id == SheetRow.id) & (RevisionRow.revision == SheetRow.revision),
            )
            .where(~SheetRow.id.in_(select(SheetSummaryRow.sheet_id)))
            .order_by(SheetRow.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        sheets = [(sheet_id, Sheet.model_validate(document)) for sheet_id, document in rows]
        index_sheets(session=session, sheets=sheets)
        done += len(rows)
    if session.get_bind().dialect.name == "sqlite":
        _grams_missing(session=session, batch=batch)
    return done


# Every character and every pair of adjacent characters within a word, as hex of their
# UTF-32 code units (8 or 16 ASCII characters): FTS5's ascii tokenizer then splits on the
# spaces alone, whatever punctuation or script the text holds.
_UNIT = 8


def grams(value: str) -> str:
    """The unigram and bigram tokens of a text for ``sheet_grams``, lower-cased.

    >>> grams("農業 X")
    '00008fb2 0000696d 00008fb20000696d 00000078'
    """
    tokens: list[str] = []
    for word in value.lower().split():
        encoded = word.encode("utf-32-be").hex()
        end = len(encoded)
        tokens += [encoded[start : start + _UNIT] for start in range(0, end, _UNIT)]
        tokens += [encoded[start : start + 2 * _UNIT] for start in range(0, end - _UNIT, _UNIT)]
    return " ".join(tokens)


def _gram_query(term: str) -> str:
    # A term of one or two characters is one token; lower-casing may lengthen one (rare),
    # and then each of its pairs must occur.
    lowered = term.lower()
    encoded = lowered.encode("utf-32-be").hex()
    if len(lowered) <= 2:
        return f'"{encoded}"'
    pairs = range(0, len(encoded) - _UNIT, _UNIT)
    return "(" + " AND ".join(f'"{encoded[start : start + 2 * _UNIT]}"' for start in pairs) + ")"


def _index_grams(*, session: Session, texts: Sequence[dict[str, object]]) -> None:
    rows = [
        {
            "id": row["sheet_id"],
            "name": grams(str(row["program_name"])),
            "body": grams(str(row["body"])),
        }
        for row in texts
    ]
    if rows:
        session.execute(
            text("INSERT INTO sheet_grams (rowid, program_name, body) VALUES (:id, :name, :body)"),
            rows,
        )


def _unindex_grams(*, session: Session, sheet_ids: Sequence[int]) -> None:
    # A contentless FTS5 table forgets a text only when given the very tokens it indexed:
    # those of the stored text that is about to be replaced.
    old = session.execute(
        select(SheetTextRow.sheet_id, SheetTextRow.program_name, SheetTextRow.body)
        .where(SheetTextRow.sheet_id.in_(sheet_ids))
        .where(SheetTextRow.sheet_id.in_(text("SELECT id FROM sheet_grams_docsize")))
    ).all()
    if old:
        session.execute(
            text(
                "INSERT INTO sheet_grams (sheet_grams, rowid, program_name, body) "
                "VALUES ('delete', :id, :name, :body)"
            ),
            [{"id": i, "name": grams(name), "body": grams(body)} for i, name, body in old],
        )


def _grams_missing(*, session: Session, batch: int) -> None:
    while True:
        rows = session.execute(
            select(SheetTextRow.sheet_id, SheetTextRow.program_name, SheetTextRow.body)
            .where(~SheetTextRow.sheet_id.in_(text("SELECT id FROM sheet_grams_docsize")))
            .order_by(SheetTextRow.sheet_id)
            .limit(batch)
        ).all()
        if not rows:
            return
        _index_grams(
            session=session,
            texts=[{"sheet_id": i, "program_name": name, "body": body} for i, name, body in rows],
        )


def store_revision(*, session: Session) -> int:
    """The counter that moves whenever the summaries or workflow states change."""
    value = session.scalar(select(StoreRevisionRow.value).where(StoreRevisionRow.id == 1))
    return -1 if value is None else value


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Matching --------------------------------------------------------------------------------


def terms_of(query: str) -> list[str]:
    """The search terms: the normalised query split on spaces, duplicates dropped."""
    seen: list[str] = []
    for term in normalize(query).split():
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def find(*, session: Session, terms: Sequence[str]) -> dict[int, float]:
    """The sheets whose texts contain every term, each with its score (smaller is better)."""
    if not terms:
        raise ValueError("no search terms")
    if session.get_bind().dialect.name != "sqlite":
        matched = _like_match(terms)
        return dict(session.execute(select(matched.c.sheet_id, matched.c.score)).all())
    long = [term for term in terms if len(term) >= MIN_TRIGRAM]
    short = [term for term in terms if len(term) < MIN_TRIGRAM]
    parts: list[str] = []
    params: dict[str, str] = {}
    if long:
        parts.append(
            "SELECT rowid AS sheet_id, bm25(sheet_fts, 10.0, 1.0) AS score "
            "FROM sheet_fts WHERE sheet_fts MATCH :long"
        )
        params["long"] = " AND ".join('"' + term.replace('"', '""') + '"' for term in long)
    if short:
        parts.append(
            "SELECT rowid AS sheet_id, bm25(sheet_grams, 10.0, 1.0) AS score "
            "FROM sheet_grams WHERE sheet_grams MATCH :short"
        )
        params["short"] = " AND ".join(_gram_query(term) for term in short)
    if len(parts) == 1:
        query = parts[0]
    else:
        # Materialised, so that each index is queried once (joined as subqueries, SQLite
        # re-ran the second match for every row of the first).
        query = (
            f"WITH a AS MATERIALIZED ({parts[0]}), b AS MATERIALIZED ({parts[1]}) "
            "SELECT a.sheet_id, a.score + b.score FROM a JOIN b ON a.sheet_id = b.sheet_id"
        )
    return {row[0]: row[1] for row in session.execute(text(query), params).all()}


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_match(terms: Sequence[str]) -> Subquery:
    conditions: list[ColumnElement[bool] | TextClause] = []
    score: ColumnElement[float] = literal(0.0, Float)
    short = [term.lower() for term in terms if len(term) < MIN_TRIGRAM]
    if short:
        # The name is part of the body, so the body's grams serve both.
        conditions.append(
            text("hyoka_grams(sheet_texts.body) @> CAST(:grams AS text[])").bindparams(grams=short)
        )
    for term in terms:
        pattern = f"%{_escape_like(term)}%"
        in_body = SheetTextRow.body.ilike(pattern, escape="\\")
        in_name = SheetTextRow.program_name.ilike(pattern, escape="\\")
        conditions.append(or_(in_body, in_name))
        # How often the term occurs, and ten more for the name; negated so that, as with
        # bm25, the smaller score comes first.
        occurrences = (
            func.length(SheetTextRow.body)
            - func.length(func.replace(func.lower(SheetTextRow.body), term.lower(), ""))
        ) / len(term)
        score = score - occurrences - case((in_name, 10.0), else_=0.0)
    return (
        select(SheetTextRow.sheet_id.label("sheet_id"), score.label("score"))
        .where(and_(*conditions))
        .subquery("matched")
    )


# --- Snippets --------------------------------------------------------------------------------


def snippet(
    body: str, terms: Sequence[str], *, width: int = 48, limit: int = 2
) -> list[list[tuple[str, bool]]]:
    """Up to ``limit`` passages of ``body`` around the terms, each as (text, highlighted)
    pieces; templates wrap the highlighted pieces in ``<mark>``."""
    if not terms:
        return []
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    passages: list[list[tuple[str, bool]]] = []
    for line in body.split("\n"):
        found = pattern.search(line)
        if found is None:
            continue
        start = max(0, found.start() - width // 2)
        stop = min(len(line), found.end() + width)
        passage = line[start:stop]
        pieces: list[tuple[str, bool]] = []
        if start > 0:
            pieces.append(("…", False))
        position = 0
        for hit in pattern.finditer(passage):
            if hit.start() > position:
                pieces.append((passage[position : hit.start()], False))
            pieces.append((hit.group(), True))
            position = hit.end()
        if position < len(passage):
            pieces.append((passage[position:], False))
        if stop < len(line):
            pieces.append(("…", False))
        passages.append(pieces)
        if len(passages) >= limit:
            break
    return passages
