"""The 1–2 character tokens of the search, made without a database (worker processes make
them while importing): :func:`grams` for SQLite's ``sheet_grams``, :func:`gram_tokens` for
PostgreSQL's ``sheet_texts.body_grams``, :func:`gram_query` for a search term.
"""

from __future__ import annotations

import operator
from array import array

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


def token_text(value: str) -> str:
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
    words = token_text(value).split()
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


def gram_tokens(value: str) -> list[str]:
    """PostgreSQL's 1–2 character tokens of a text (``sheet_texts.body_grams``): every
    character and every pair of adjacent characters of each lower-cased word, once each,
    as the SQL function ``hyoka_grams`` (migration 0006) makes them for older rows.

    >>> gram_tokens("農業 農")
    ['業', '農', '農業']
    """
    found: set[str] = set()
    for word in value.lower().split():
        found.update(word)
        found.update(map(operator.add, word, word[1:]))
    return sorted(found)


def gram_query(term: str) -> str:
    # A term of one or two characters is one token; lower-casing may lengthen one (rare),
    # and then each of its pairs must occur.
    lowered = token_text(term)
    if len(lowered) <= 2:
        return _quoted(lowered)
    pairs = map(operator.add, lowered, lowered[1:])
    return "(" + " AND ".join(_quoted(pair) for pair in pairs) + ")"


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'
