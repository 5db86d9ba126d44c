"""Japanese full-text search and the per-sheet summaries the listing filters on.

Indexing: :func:`index_sheets` writes one ``sheet_summaries`` row per sheet (header
columns, the rules' achievement and at-risk, every text of the sheet) and its 施策分野
codes; ``save_sheet`` calls it for every saved sheet. It is :func:`search_rows` (pure, the
rows as plain values that worker processes can compute) then :func:`write_search_rows`;
bulk writers call those two themselves, inside :func:`bulk_indexing` on SQLite. The
summary uses :mod:`hyoka.rules` (pure functions over the model) so that every way of
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

import operator
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Float,
    Subquery,
    Table,
    TextClause,
    and_,
    case,
    delete,
    func,
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
from hyoka.store.rows import RowWriter
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


# The sheet_summaries columns after sheet_id, in the order of SearchRows.summary.
SUMMARY_COLUMNS = (
    "kind",
    "program_number",
    "fiscal_year",
    "stage",
    "program_name",
    "department",
    "section",
    "achievement",
    "at_risk",
    "indicator_count",
)
_POLICY_COLUMNS = ("sheet_id", "position", "policy_code", "policy_name")
_SUMMARIES: Table = SheetSummaryRow.__table__  # type: ignore[assignment]
_TEXTS: Table = SheetTextRow.__table__  # type: ignore[assignment]
_POLICIES: Table = SheetPolicyRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class SearchRows:
    """What one sheet puts in the index, as plain values: cheap to pickle, so that worker
    processes can compute them (:func:`search_rows`) and one writer store them
    (:func:`write_search_rows`)."""

    summary: tuple[Any, ...]  # the columns of SUMMARY_COLUMNS
    program_name: str  # normalised
    body: str  # sheet_text(sheet)
    name_grams: str | None  # None when computed without grams (PostgreSQL builds its own)
    body_grams: str | None
    policies: tuple[tuple[Any, ...], ...]  # (position, policy_code, policy_name)


def search_rows(sheet: Sheet, *, with_grams: bool = True) -> SearchRows:
    """The index rows of one sheet; pure. ``with_grams=False`` leaves the SQLite grams to
    the writer (PostgreSQL has no use for them)."""
    header = sheet.header
    summary = summarize(sheet)
    name = normalize(header.program_name)
    body = sheet_text(sheet)
    status = None if summary.achievement is None else summary.achievement.value
    return SearchRows(
        summary=(
            header.kind.value,
            header.program_number,
            header.fiscal_year,
            header.stage.value,
            name,
            header.department,
            header.section,
            status,
            summary.at_risk,
            summary.indicator_count,
        ),
        program_name=name,
        body=body,
        name_grams=grams(name) if with_grams else None,
        body_grams=grams(body) if with_grams else None,
        policies=tuple(
            (position, link.policy_code, link.policy_name)
            for position, link in enumerate(sheet.plan_links)
        ),
    )


def write_search_rows(
    *, session: Session, rows: Sequence[tuple[int, SearchRows]], replace: bool = True
) -> None:
    """Store the index rows of these stored sheets (sheet id, rows).

    ``replace=False`` when the sheets were just inserted and have no index rows yet: the
    deletes (and, on SQLite, reading back the old texts to unindex their grams) are
    skipped. On SQLite, grams a :class:`SearchRows` lacks are computed here.
    """
    if not rows:
        return
    if replace:
        _unindex(session=session, sheet_ids=[sheet_id for sheet_id, _rows in rows])
    writer = RowWriter(session)
    writer.insert(
        _SUMMARIES,
        ("sheet_id", *SUMMARY_COLUMNS),
        [(sheet_id, *item.summary) for sheet_id, item in rows],
    )
    writer.insert(
        _TEXTS,
        ("sheet_id", "program_name", "body"),
        [(sheet_id, item.program_name, item.body) for sheet_id, item in rows],
    )
    if writer.sqlite:
        _index_grams(
            connection=writer.connection,
            rows=[
                (
                    sheet_id,
                    grams(item.program_name) if item.name_grams is None else item.name_grams,
                    grams(item.body) if item.body_grams is None else item.body_grams,
                )
                for sheet_id, item in rows
            ],
        )
    writer.insert(
        _POLICIES,
        _POLICY_COLUMNS,
        [(sheet_id, *policy) for sheet_id, item in rows for policy in item.policies],
    )


def index_sheets(*, session: Session, sheets: Sequence[tuple[int, Sheet]]) -> None:
    """(Re)write the summary, search text and 施策分野 rows of these stored sheets."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    write_search_rows(
        session=session,
        rows=[(sheet_id, search_rows(sheet, with_grams=sqlite)) for sheet_id, sheet in sheets],
    )


def _unindex(*, session: Session, sheet_ids: list[int]) -> None:
    sqlite = session.get_bind().dialect.name == "sqlite"
    for chunk in _chunks(sheet_ids, 500):
        if sqlite:
            _unindex_grams(session=session, sheet_ids=chunk)
        session.execute(delete(SheetSummaryRow).where(SheetSummaryRow.sheet_id.in_(chunk)))
        session.execute(delete(SheetPolicyRow).where(SheetPolicyRow.sheet_id.in_(chunk)))
        session.execute(delete(SheetTextRow).where(SheetTextRow.sheet_id.in_(chunk)))


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
        connection = session.connection()
        if not _has_fts_insert_trigger(connection):  # a bulk load was killed before its end
            _index_unindexed_texts(connection)
        _grams_missing(connection=connection, batch=batch)
    return done


# FTS5's ascii tokenizer takes every non-ASCII character as part of a token and splits on
# every other ASCII character that is not a letter or digit. So the tokens are the
# characters and pairs themselves, with each such ASCII character (punctuation, controls)
# replaced by a stand-in of its own in the Supplementary Private Use Area-B, which NFKC
# text from the sheets does not hold: "a-1" stays one word, and "-" an indexed character.
_STAND_IN_BASE = 0x100000
_STAND_INS = {
    chr(code): chr(_STAND_IN_BASE + code)
    for code in range(128)
    if not chr(code).isalnum() and not chr(code).isspace()
}
_SPACES = array("I", [ord(" ")])
assert _SPACES.itemsize == 4, "grams() builds UTF-32 code units in array('I')"


def _token_text(value: str) -> str:
    value = value.lower()
    for char, stand_in in _STAND_INS.items():
        # One replace per character the text holds: str.translate took every character
        # of the (mostly Japanese) text through a dict, 8× slower on the national sheets.
        if char in value:
            value = value.replace(char, stand_in)
    return value


def grams(value: str) -> str:
    """The unigram and bigram tokens of a text for ``sheet_grams``: lower-cased, every
    character and every pair of adjacent characters of each word (split on whitespace).

    >>> grams("農業 X")
    '農 業 x 農業'
    """
    words = _token_text(value).split()
    unigrams = " ".join("".join(words))
    joined = " ".join(words)
    size = len(joined)
    if size < 2:
        return unigrams
    # The pairs of the whole text at C speed: code units interleaved as "ab bc cd …" in one
    # array (the pairs were a Python string each: 1.5 s of the 3.2 s of one year's grams),
    # then the pairs that hold a space between two words blanked out.
    units = array("I", joined.encode("utf-32-le"))
    pairs = _SPACES * (3 * (size - 1))
    pairs[0::3] = units[:-1]
    pairs[1::3] = units[1:]
    blank = _SPACES * 5
    position = -1
    for word in words[:-1]:
        position += len(word) + 1  # the space after this word: pairs position-1, position
        pairs[3 * position - 3 : 3 * position + 2] = blank
    return unigrams + " " + pairs.tobytes().decode("utf-32-le").rstrip()


def _gram_query(term: str) -> str:
    # A term of one or two characters is one token; lower-casing may lengthen one (rare),
    # and then each of its pairs must occur.
    lowered = _token_text(term)
    if len(lowered) <= 2:
        return _quoted(lowered)
    pairs = map(operator.add, lowered, lowered[1:])
    return "(" + " AND ".join(_quoted(pair) for pair in pairs) + ")"


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


_INSERT_GRAMS = "INSERT INTO sheet_grams (rowid, program_name, body) VALUES (?, ?, ?)"


def _index_grams(*, connection: Connection, rows: list[tuple[int, str, str]]) -> None:
    if rows:
        connection.exec_driver_sql(_INSERT_GRAMS, rows)


def _unindex_grams(*, session: Session, sheet_ids: Sequence[int]) -> None:
    # A contentless FTS5 table forgets a text only when given the very tokens it indexed:
    # those of the stored text that is about to be replaced.
    old = session.execute(
        select(SheetTextRow.sheet_id, SheetTextRow.program_name, SheetTextRow.body)
        .where(SheetTextRow.sheet_id.in_(sheet_ids))
        .where(SheetTextRow.sheet_id.in_(text("SELECT id FROM sheet_grams_docsize")))
    ).all()
    if old:
        session.connection().exec_driver_sql(
            "INSERT INTO sheet_grams (sheet_grams, rowid, program_name, body) "
            "VALUES ('delete', ?, ?, ?)",
            [(i, grams(name), grams(body)) for i, name, body in old],
        )


def _grams_missing(*, connection: Connection, batch: int) -> int:
    done, after = 0, 0
    while True:
        rows = connection.exec_driver_sql(
            "SELECT sheet_id, program_name, body FROM sheet_texts "
            "WHERE sheet_id > ? AND sheet_id NOT IN (SELECT id FROM sheet_grams_docsize) "
            "ORDER BY sheet_id LIMIT ?",
            (after, batch),
        ).all()
        if not rows:
            return done
        _index_grams(
            connection=connection,
            rows=[(i, grams(name), grams(body)) for i, name, body in rows],
        )
        done += len(rows)
        after = rows[-1][0]


def rebuild_grams(*, connection: Connection, batch: int = 500) -> int:
    """SQLite: forget every token of ``sheet_grams`` and index every stored text anew (after
    a change of :func:`grams`); the number of texts indexed. Nothing on PostgreSQL."""
    if connection.dialect.name != "sqlite":
        return 0
    connection.exec_driver_sql("INSERT INTO sheet_grams (sheet_grams) VALUES ('delete-all')")
    return _grams_missing(connection=connection, batch=batch)


# --- Bulk loads -------------------------------------------------------------------------------

# As migration 0002 made it; bulk_indexing drops it for the length of a load.
_FTS_INSERT_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS sheet_texts_fts_insert AFTER INSERT ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(rowid, program_name, body) "
    "VALUES (new.sheet_id, new.program_name, new.body); END"
)
_FTS_TABLES = ("sheet_fts", "sheet_grams")
# Pending tokens FTS5 keeps in memory per transaction before writing a segment: its 1 MB
# default makes a batch of sheets dozens of small segments to merge later. Importing one
# year took the same CPU with 16, 32 or 64 MB, and 173, 185, 245 MB of RSS; with 16 MB the
# file was 15% larger (more segments left).
_BULK_HASH_SIZE = 32 * 2**20
_DEFAULT_HASH_SIZE = 2**20


@contextmanager
def bulk_indexing(engine: Engine) -> Iterator[None]:
    """Make the index rows of many sheets cheaper to write inside the block (SQLite; a
    no-op on PostgreSQL).

    The trigram index is built once at the end, in one statement, for every text it lacks
    (instead of row by row through its trigger in each batch), and FTS5 keeps up to 32 MB
    of pending tokens before writing a segment. One year of JUDGIT! sheets (5,198): 10.0 s
    → 5.4 s CPU of writing (bench/search_index.py). Meanwhile searches of 3+ characters do
    not find the texts stored in the block, by any connection. Whatever happens inside,
    on leaving the texts are indexed, the trigger is back and the settings are as they
    were; a process killed inside leaves that to the next ``bulk_indexing`` or
    :func:`index_missing`.

    Example::

        with bulk_indexing(engine):
            for batch in batches:
                with transaction(engine) as session:
                    write_search_rows(session=session, rows=batch, replace=False)
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with engine.begin() as connection:
        saved = {table: _hash_size(connection, table) for table in _FTS_TABLES}
        for table in _FTS_TABLES:
            _set_hash_size(connection, table, _BULK_HASH_SIZE)
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS sheet_texts_fts_insert")
    try:
        yield
    finally:
        with engine.begin() as connection:
            _index_unindexed_texts(connection)
            for table, size in saved.items():
                _set_hash_size(connection, table, size)


def _index_unindexed_texts(connection: Connection) -> None:
    # The delete and update triggers unindex only indexed texts (migration 0009), so texts
    # left out of the index can be replaced or deleted meanwhile and indexed now.
    connection.exec_driver_sql(_FTS_INSERT_TRIGGER)
    connection.exec_driver_sql(
        "INSERT INTO sheet_fts (rowid, program_name, body) "
        "SELECT sheet_id, program_name, body FROM sheet_texts "
        "WHERE sheet_id NOT IN (SELECT id FROM sheet_fts_docsize)"
    )


def _has_fts_insert_trigger(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'sheet_texts_fts_insert'"
    )
    return found.first() is not None


def _hash_size(connection: Connection, table: str) -> int | None:
    found = connection.exec_driver_sql(f"SELECT v FROM {table}_config WHERE k = 'hashsize'")
    value = found.scalar()
    return None if value is None else int(value)


def _set_hash_size(connection: Connection, table: str, size: int | None) -> None:
    # Through FTS5's command, which tells other connections to reload their settings; an
    # unset value is set to the default that way, then its row removed as before.
    value = _DEFAULT_HASH_SIZE if size is None else size
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (value,)
    )
    if size is None:
        connection.exec_driver_sql(f"DELETE FROM {table}_config WHERE k = 'hashsize'")


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
