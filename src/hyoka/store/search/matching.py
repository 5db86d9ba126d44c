"""Matching the search index: :func:`terms_of` splits a query, :func:`find` scores the
sheets holding every term, :func:`snippet` cuts the highlighted passages.

SQLite uses the FTS5 ``trigram`` index for terms of 3+ characters and the unigram +
bigram index ``sheet_grams`` (see :func:`hyoka.store.search.grams.grams`) for terms of 1–2
characters, which trigrams cannot serve; both rank by bm25 with the program name weighted
up, and a query mixing both kinds adds the two scores. PostgreSQL uses ILIKE, served by
its pg_trgm GIN index for 3+ characters and by the GIN index on ``sheet_texts.body_grams`` for
1–2, ranked by where and how often the terms occur. Terms are split on spaces and must all
occur.

Example::

    with transaction(engine) as session:
        scores = find(session=session, terms=terms_of("農業 人材育成"))
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Float,
    Subquery,
    TextClause,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from hyoka.rows.grams import gram_query
from hyoka.rules.summaries import normalize
from hyoka.store.schema.search import SheetTextRow

MIN_TRIGRAM = 3
MAX_TERMS = 8


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
        params["short"] = " AND ".join(gram_query(term) for term in short)
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
            text("sheet_texts.body_grams @> CAST(:grams AS text[])").bindparams(grams=short)
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
