"""The index of 1–2 character terms and the listing's in-memory catalog, on SQLite and
PostgreSQL: exact matches (only the sheets holding the term, never across two passages),
highlighting, mixed queries, re-saves, ``index_missing``, and lists that follow saves and
workflow moves without a restart."""

from __future__ import annotations

import pickle

import pytest
from sqlalchemy import Engine, text

from hyoka.model import Sheet
from hyoka.rows.grams import grams
from hyoka.rows.search import SearchRows, search_rows
from hyoka.rules.summaries import sheet_text
from hyoka.stages import Action
from hyoka.store import index_missing, migrate, transaction
from hyoka.store.database import downgrade
from hyoka.store.search.index import bulk_indexing, write_search_rows
from hyoka.store.search.listing import SheetFilters, list_summaries
from hyoka.store.search.matching import find, terms_of
from hyoka.store.staff.workflow import create_next_year, transition
from sheets import sample_sheet
from web_support import client_for, store

# Passages written for these tests; the expectations are substring checks over them.
PURPOSES = {
    "05 01 01": ["県道の除雪を行う。", "冬季の安全を守る"],
    "05 01 02": ["森林の間伐を進める", "林業の担い手を育てる"],
    "05 01 03": ["県産材のDX推進", "森の恵みを伝える"],
    "05 01 04": ["観光案内を整える", "冬の催しを開く"],
}


def _sheets() -> list[Sheet]:
    return [
        sample_sheet(
            program_number=number,
            program_name=f"試験事業{number[-1]}",
            purpose=passages[0],
            situation=[passages[1]],
        )
        for number, passages in PURPOSES.items()
    ]


def _holding(term: str) -> list[str]:
    """The sheets whose searchable text holds ``term`` (a plain substring check)."""
    return sorted(
        sheet.header.program_number
        for sheet in _sheets()
        if any(term.lower() in passage for passage in sheet_text(sheet).lower().split("\n"))
    )


def _found(engine: Engine, query: str, **filters: object) -> list[str]:
    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q=query, **filters))  # type: ignore[arg-type]
    return sorted(item.program_number for item in page.items)


@pytest.mark.parametrize(
    "term", ["森", "冬", "林", "除", "県道", "森林", "産材", "dx", "DX", "冬季"]
)
def test_short_terms_find_exactly_the_sheets_holding_them(engine: Engine, term: str) -> None:
    store(engine, _sheets())
    expected = _holding(term)
    assert 0 < len(expected) < len(PURPOSES)  # the term tells the sheets apart
    assert _found(engine, term) == expected


@pytest.mark.parametrize("term", ["。冬", "るの", "火", "雪道"])
def test_short_terms_do_not_match_across_passages_or_absent(engine: Engine, term: str) -> None:
    store(engine, _sheets())
    assert _holding(term) == []
    assert _found(engine, term) == []


def test_short_and_long_terms_together(engine: Engine) -> None:
    store(engine, _sheets())
    assert _found(engine, "森 間伐を") == ["05 01 02"]
    assert _found(engine, "県 DX推進") == ["05 01 03"]
    assert _found(engine, "冬 除") == ["05 01 01"]


def test_a_short_term_in_the_name_ranks_first(engine: Engine) -> None:
    store(engine, _sheets())
    store(engine, [sample_sheet(program_number="05 02 01", program_name="森づくり事業")])
    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q="森"))
    assert page.items[0].program_number == "05 02 01"


@pytest.mark.parametrize(
    ("term", "marked"), [("除", "県道の<mark>除</mark>雪"), ("森林", "<mark>森林</mark>の間伐")]
)
def test_short_terms_are_highlighted(db_url: str, engine: Engine, term: str, marked: str) -> None:
    store(engine, _sheets())
    with client_for(db_url) as client:
        response = client.get("/", params={"q": term})
        assert response.status_code == 200
        assert marked in response.text
        body = client.get("/api/search", params={"q": term}).json()
    pieces = [piece for item in body["items"] for passage in item["snippets"] for piece in passage]
    assert {"text": term, "highlighted": True} in pieces


def test_a_resaved_sheet_is_found_by_its_new_short_text_only(engine: Engine) -> None:
    store(engine, [sample_sheet(program_number="06 01 01", purpose="旧い梅の話", situation=[])])
    assert _found(engine, "梅") == ["06 01 01"]
    store(engine, [sample_sheet(program_number="06 01 01", purpose="新しい桃の話", situation=[])])
    assert _found(engine, "梅") == []
    assert _found(engine, "桃") == ["06 01 01"]


def test_index_missing_rebuilds_the_short_index(engine: Engine) -> None:
    store(engine, _sheets())
    if engine.dialect.name == "sqlite":
        with transaction(engine) as session:  # as after a bulk load without the index
            session.execute(text("INSERT INTO sheet_grams (sheet_grams) VALUES ('delete-all')"))
        assert _found(engine, "県") == []
    with transaction(engine) as session:
        index_missing(session=session)
    assert _found(engine, "県") == _holding("県") == sorted(PURPOSES)


def test_lists_follow_saves_without_a_restart(db_url: str, engine: Engine) -> None:
    store(engine, _sheets())
    with client_for(db_url) as client:
        before = client.get("/api/sheets").json()
        store(engine, [sample_sheet(program_number="07 09 09", department="新設部")])
        after = client.get("/api/sheets").json()
        assert after["total"] == before["total"] + 1
        departments = {facet["value"]: facet["count"] for facet in after["facets"]["department"]}
        assert departments["新設部"] == 1


def test_lists_follow_workflow_moves(engine: Engine) -> None:
    [sheet_id] = store(engine, [sample_sheet(program_number="08 01 01", purpose="梨の出荷")])
    assert _found(engine, "梨") == ["08 01 01"]
    with transaction(engine) as session:
        draft = create_next_year(session=session, sheet_id=sheet_id, actor="tester")
    with transaction(engine) as session:  # the draft is the staff's until approved
        page = list_summaries(session=session, filters=SheetFilters(q="梨"))
    assert [item.sheet_id for item in page.items] == [sheet_id]
    for action in (Action.SUBMIT, Action.APPROVE):
        with transaction(engine) as session:
            transition(session=session, sheet_id=draft, action=action, actor="tester")
    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q="梨"))
    assert sorted(item.sheet_id for item in page.items) == sorted([sheet_id, draft])
    assert {value.value for value in page.facets["fiscal_year"]} == {"2023", "2024"}


def test_facets_count_within_the_search_under_the_other_filters(engine: Engine) -> None:
    store(engine, _sheets())
    store(engine, [sample_sheet(program_number="05 01 09", purpose="県の森", fiscal_year=2022)])
    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q="森", fiscal_year=2022))
    assert [item.program_number for item in page.items] == ["05 01 09"]
    years = {value.value: value.count for value in page.facets["fiscal_year"]}
    assert years == {"2022": 1, "2023": len(_holding("森"))}


# Passages with ASCII punctuation, letters and digits inside words, on sheets without the
# sample's other texts (which hold "(", "-" and digits everywhere).
PUNCTUATED = {
    "10 01 01": ["予算(補正)の執行", "A-1型の導入"],
    "10 01 02": ["IoT化とa+bの検討", "第2期の計画"],
    "10 01 03": ['R5年度"試行"の結果', "5G基地局(仮称)"],
    "10 01 04": ["普通の文章", "Ab-CDの検証"],
}


def _punctuated() -> list[Sheet]:
    return [
        Sheet(
            header=sample_sheet(program_number=number, program_name="試験").header,
            purpose=passages[0],
            situation=[passages[1]],
        )
        for number, passages in PUNCTUATED.items()
    ]


def _holding_in(sheets: list[Sheet], term: str) -> list[str]:
    return sorted(
        sheet.header.program_number
        for sheet in sheets
        if any(term.lower() in passage for passage in sheet_text(sheet).lower().split("\n"))
    )


@pytest.mark.parametrize(
    "term",
    ["(", ")", "(補", "正)", "A-", "a-", "-1", "b-", "+", "a+", '"', '"試', "io", "OT", "2期",
     "5g", "G基", "r5", "d", "型"],
)  # fmt: skip
def test_short_terms_with_punctuation_letters_and_digits(engine: Engine, term: str) -> None:
    sheets = _punctuated()
    store(engine, sheets)
    expected = _holding_in(sheets, term)
    assert 0 < len(expected) < len(sheets)  # the term tells the sheets apart
    assert _found(engine, term) == expected


@pytest.mark.parametrize("term", ["-a", "(x", '""', "1(", "x", "t-"])
def test_absent_punctuated_terms_find_nothing(engine: Engine, term: str) -> None:
    sheets = _punctuated()
    store(engine, sheets)
    assert _holding_in(sheets, term) == []
    assert _found(engine, term) == []


_ASCII_BACK = {0x100000 + code: code for code in range(128)}


@pytest.mark.parametrize(
    "value",
    ["農業 X", "", " ", "a", "ab", "A-1型 (補正) a", "  x  y\n\tz ", "一 二三 四五六 七",
     "R5年度\u3000\"試行\"", "a+b=c;\x00\x7f", "ΣΑΣ ﬃ İ"],
)  # fmt: skip
def test_grams_are_every_character_and_pair_of_each_word(value: str) -> None:
    # Stand-ins mapped back, the tokens are the characters and adjacent pairs of each
    # lower-cased word, as many times as they occur.
    expected = [
        token
        for word in value.lower().split()
        for token in [*word, *(word[i : i + 2] for i in range(len(word) - 1))]
    ]
    tokens = [token.translate(_ASCII_BACK) for token in grams(value).split(" ") if token]
    assert sorted(tokens) == sorted(expected)
    # Each token is one token to FTS5's ascii tokenizer: no ASCII separator inside.
    assert all(
        not any(ord(char) < 128 and not char.isalnum() for char in token)
        for token in grams(value).split(" ")
    )


def _hex_grams(value: str) -> str:
    """The tokens as revisions before 0009 wrote them: hex of UTF-32 units and pairs."""
    tokens: list[str] = []
    for word in value.lower().split():
        encoded = word.encode("utf-32-be").hex()
        tokens += [encoded[start : start + 8] for start in range(0, len(encoded), 8)]
        tokens += [encoded[start : start + 16] for start in range(0, len(encoded) - 8, 8)]
    return " ".join(tokens)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_store_with_hex_grams_is_searchable_after_migrate(engine: Engine) -> None:
    sheets = [*_sheets(), *_punctuated()]
    store(engine, sheets)
    downgrade(engine, "0009_compact_grams")  # back before 0010
    with engine.begin() as connection:  # the index as revision 0006 left it
        connection.exec_driver_sql("INSERT INTO sheet_grams (sheet_grams) VALUES ('delete-all')")
        texts = connection.exec_driver_sql("SELECT sheet_id, program_name, body FROM sheet_texts")
        connection.exec_driver_sql(
            "INSERT INTO sheet_grams (rowid, program_name, body) VALUES (?, ?, ?)",
            [(i, _hex_grams(name), _hex_grams(body)) for i, name, body in texts.all()],
        )
        connection.exec_driver_sql(
            "DELETE FROM alembic_version WHERE version_num = '0009_compact_grams'"
        )
    assert _found(engine, "県") == []
    migrate(engine)
    for term in ("県", "A-", "(", "森林"):
        assert _found(engine, term) == _holding_in(sheets, term) != []
    _check_integrity(engine)
    # Re-saving unindexes the re-encoded tokens: the old text is not found any more.
    store(engine, [sample_sheet(program_number="05 01 02", purpose="梅", situation=[])])
    assert "05 01 02" not in _found(engine, "伐")


def _matching(engine: Engine, query: str) -> list[int]:
    with transaction(engine) as session:
        return sorted(find(session=session, terms=terms_of(query)))


@pytest.mark.parametrize("with_grams", [True, False])
def test_rows_computed_apart_and_written_later(engine: Engine, with_grams: bool) -> None:
    # As a bulk import does: sheets just inserted (bare rows here), their index rows
    # computed elsewhere (pickled, as between processes) and written without deletes.
    sheets = [*_sheets(), *_punctuated()]
    ids = list(range(101, 101 + len(sheets)))
    with engine.begin() as connection:
        for sheet_id, sheet in zip(ids, sheets, strict=True):
            connection.exec_driver_sql(
                "INSERT INTO sheets (id, program_number, fiscal_year, stage, revision, "
                "program_name, department, section, email, purpose, kind) "
                f"VALUES ({sheet_id}, '{sheet.header.program_number}', 2023, "
                f"'{sheet.header.stage.value}', 1, '', '', '', '', '', 'prefecture')"
            )
    rows: list[tuple[int, SearchRows]] = pickle.loads(
        pickle.dumps(
            [
                (sheet_id, search_rows(sheet, with_grams=with_grams))
                for sheet_id, sheet in zip(ids, sheets, strict=True)
            ]
        )
    )
    with transaction(engine) as session:
        write_search_rows(session=session, rows=rows, replace=False)
    by_number = {sheet.header.program_number: i for i, sheet in zip(ids, sheets, strict=True)}
    for term in ("県", "a-", "(補", "森林", "間伐を", "DX推進", "5G基地"):
        expected = sorted(by_number[number] for number in _holding_in(sheets, term))
        assert _matching(engine, term) == expected != []
    # Written again over themselves (replace=True): the same answers, nothing doubled.
    with transaction(engine) as session:
        write_search_rows(session=session, rows=rows[:3])
        count = session.execute(text("SELECT count(*) FROM sheet_summaries")).scalar()
    assert count == len(sheets)
    assert _matching(engine, "森林") == [by_number["05 01 02"]]


def _fts_state(engine: Engine) -> list[object]:
    """The trigram triggers and the settings of both FTS5 tables."""
    with engine.begin() as connection:
        return [
            connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'sheet_texts' ORDER BY name"
            ).all(),
            *(
                connection.exec_driver_sql(f"SELECT k, v FROM {table}_config ORDER BY k").all()
                for table in ("sheet_fts", "sheet_grams")
            ),
        ]


def _check_integrity(engine: Engine) -> None:
    # rank 1: the trigram index is also compared with its content table (sheet_texts).
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sheet_fts (sheet_fts, rank) VALUES ('integrity-check', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO sheet_grams (sheet_grams) VALUES ('integrity-check')"
        )


def test_bulk_indexing_indexes_what_the_block_stored(engine: Engine) -> None:
    sqlite = engine.dialect.name == "sqlite"
    store(engine, _sheets()[:2])
    before = _fts_state(engine) if sqlite else None
    with bulk_indexing(engine):
        store(engine, _sheets()[2:])
        # Saved again in the same load: one indexed before it, one stored in it.
        store(engine, [sample_sheet(program_number="05 01 01", purpose="新しい桃の話")])
        store(engine, [sample_sheet(program_number="05 01 04", purpose="梨の収穫を祝う")])
    assert _found(engine, "桃の話") == ["05 01 01"]
    assert _found(engine, "除雪を") == []
    assert _found(engine, "梨の収穫") == _found(engine, "梨") == ["05 01 04"]
    assert _found(engine, "観光案内") == []
    assert _found(engine, "間伐を") == ["05 01 02"]
    assert _found(engine, "DX推進") == ["05 01 03"]
    if sqlite:
        assert _fts_state(engine) == before
        _check_integrity(engine)


def test_bulk_indexing_leaves_the_index_right_when_the_block_fails(engine: Engine) -> None:
    before = _fts_state(engine) if engine.dialect.name == "sqlite" else None
    with pytest.raises(RuntimeError, match="中断"), bulk_indexing(engine):
        store(engine, _sheets()[:2])
        raise RuntimeError("中断")
    assert _found(engine, "間伐を") == ["05 01 02"]
    assert _found(engine, "除雪を") == ["05 01 01"]
    if before is not None:
        assert _fts_state(engine) == before
        _check_integrity(engine)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_index_missing_finishes_a_bulk_load_killed_midway(engine: Engine) -> None:
    before = _fts_state(engine)
    with engine.begin() as connection:  # what bulk_indexing leaves when killed inside
        connection.exec_driver_sql("DROP TRIGGER sheet_texts_fts_insert")
    store(engine, _sheets())
    assert _found(engine, "間伐を") == []
    with transaction(engine) as session:
        index_missing(session=session)
    assert _found(engine, "間伐を") == ["05 01 02"]
    assert _fts_state(engine) == before
    _check_integrity(engine)
