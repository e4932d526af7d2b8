"""Base class for BM25 engines, and the tokenisation they share with FTS5's unicode61.

FTS5 tokenises with `unicode61 remove_diacritics 2`: lower case, letters and digits, accents
dropped. tokens() does the same, so an engine with its own files ranks like FTS5 does.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have he her his i if in into"
    " is it its of on or she so than that the their them then there these they this to was were"
    " what when where which while who whom why will with would you".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case letter/digit runs without accents (as FTS5 unicode61 remove_diacritics 2)."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _TOKEN.findall(text)


def query_words(text: str) -> list[str]:
    """A claim's distinct words, stopwords left out, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and word != "_":
            seen.setdefault(word, None)
    return list(seen)


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression: the text's words, each quoted, OR-ed together."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in query_words(text))


class TextIndex:
    """Ranks stored sentences for a claim by BM25: (sentence id, score), best first."""

    kind = "base"

    def __init__(self, params: dict | None = None):
        self.params = dict(params or {})

    def search(self, conn: sqlite3.Connection, claim: str, k: int) -> list[tuple[int, float]]:
        raise NotImplementedError

    def build(self, conn: sqlite3.Connection) -> TextIndex:
        """Build from the sentences in SQLite (engines without files of their own: nothing)."""
        return self

    def save(self, folder: Path) -> None:
        """Write the engine's files into folder (engines without files: nothing)."""

    def load(self, folder: Path) -> TextIndex:
        return self

    def describe(self) -> dict:
        return {"type": self.kind, **self.params}
